"""OSSA: the seed's scenario 1, merging and decomposition, and indexed OSSA == OSSA on random streams."""

import pytest
from crowd_streams import streams
from hypothesis import given, settings

from mas.crowdsourcing import OSSA, Ledger, Task, Worker, audit, generate_stream, make_algorithm, run_online
from mas.errors import InputError


def scenario_1():
    return [Task("t1", 1, 50, 50, 100, 100, 5), Task("t2", 2, 100, 100, 50, 50, 6),
            Worker("w1", 2, 0, 0, 200, 200, 10, 1), Worker("w2", 2, 0, 0, 200, 200, 10, 5)]


def test_seed_scenario_1():
    for name in ("ossa", "ossa-indexed"):
        r = run_online(name, scenario_1())
        assert (r.completed, r.workers_used, r.total_paid, r.average_cost) == (2, 1, 1.0, 0.5)
        [a] = r.assignments
        assert a.worker == "w1" and a.rect == (50, 50, 150, 150)
        assert a.shares == {"t1": 0.8, "t2": 0.2}  # 10,000 and 2,500 of area covered


def test_intersecting_task_is_decomposed_and_completes_when_its_parts_do():
    s = [Task("a", 0, 0, 0, 10, 10, 100), Task("b", 0, 5, 5, 10, 10, 100),
         Worker("w1", 1, 0, 0, 10, 10, 100, 1.0),  # covers a and the lower-left quarter of b
         Worker("w2", 2, 10, 0, 6, 16, 100, 1.0),  # covers b's right strip
         Worker("w3", 3, 4, 9, 7, 7, 100, 1.0)]  # covers b's remaining top part
    r = run_online("ossa", s)
    assert r.completed_ids == {"a": 1, "b": 3}
    assert [a.worker for a in r.assignments] == ["w1", "w2", "w3"]
    assert r.assignments[0].covered == [("a", (0, 0, 10, 10)), ("b", (5, 5, 10, 10))]
    assert audit(r, s) == []


def test_rider_of_an_expired_container_is_placed_again():
    s = [Task("big", 0, 0, 0, 10, 10, 1), Task("small", 0, 2, 2, 2, 2, 9),  # small rides with big
         Worker("w", 5, 0, 0, 5, 5, 9, 1.0)]  # big expired at 1: small must still be done
    r = run_online("ossa-indexed", s)
    assert r.completed_ids == {"small": 5}


def test_worker_prefers_the_task_that_includes_most():
    s = [Task("x", 0, 0, 0, 4, 4, 9), Task("y", 0, 10, 10, 6, 6, 9), Task("y1", 0, 11, 11, 2, 2, 9),
         Task("y0", 0, 12, 12, 1, 1, 9), Worker("w", 1, 0, 0, 20, 20, 9, 1.0)]
    # y0 and y1 arrive inside y and ride with it: w takes y and completes three tasks, not x
    r = run_online("ossa", s)
    assert set(r.completed_ids) == {"y", "y1", "y0"}


@given(streams())
def test_indexed_ossa_makes_the_same_assignments(s):
    a, b = run_online("ossa", s), run_online("ossa-indexed", s)
    assert [x.to_dict() for x in a.assignments] == [x.to_dict() for x in b.assignments]
    assert a.completed_ids == b.completed_ids


@settings(max_examples=10)
@given(streams(max_tasks=40, max_workers=20, plane=30, horizon=20, max_stay=5))
def test_indexed_ossa_same_with_many_expiries(s):
    a, b = run_online("ossa", s), run_online("ossa-indexed", s)
    assert [x.to_dict() for x in a.assignments] == [x.to_dict() for x in b.assignments]


def test_indexed_ossa_same_on_the_seed_setting():
    s = generate_stream(800, 500, seed=7, task_stay=(5, 20), worker_stay=(5, 20))
    a, b = run_online("ossa", s), run_online("ossa-indexed", s)
    assert a.completed > 0
    assert [x.to_dict() for x in a.assignments] == [x.to_dict() for x in b.assignments]


@settings(max_examples=50)
@given(streams(max_tasks=30, max_workers=12))
def test_indexed_ossa_numpy_path_makes_the_same_assignments(s):
    # a worker's keys are computed in Python for small neighbourhoods and with numpy for big ones:
    # force numpy everywhere so that path is held to the same assignments too
    alg = make_algorithm("ossa-indexed")
    alg.SMALL = 0
    a, b = run_online("ossa", s), run_online(alg, s)
    assert [x.to_dict() for x in a.assignments] == [x.to_dict() for x in b.assignments]
    assert a.completed_ids == b.completed_ids


def test_relations_option():
    assert make_algorithm("ossa").relations == "eager" and make_algorithm("ossa-indexed").relations == "lazy"
    s = generate_stream(300, 100, seed=3)
    runs = [run_online(OSSA(index=i, relations=m), s) for i in ("scan", "grid") for m in ("eager", "lazy")]
    assert all([x.to_dict() for x in r.assignments] == [x.to_dict() for x in runs[0].assignments] for r in runs)
    with pytest.raises(InputError, match="relations"):
        OSSA(relations="sometimes")


def test_switching_relations_mid_run_changes_nothing():
    s = generate_stream(400, 150, seed=5)
    alg, ledger = OSSA(index="grid"), Ledger()
    alg.start(ledger, len(s))
    for i, a in enumerate(s):
        if i % 60 == 0:
            alg.set_relations("eager" if alg.lazy else "lazy")
        alg.arrive(a)
    ref = run_online("ossa", s)
    assert [x.to_dict() for x in ledger.assignments] == [x.to_dict() for x in ref.assignments]


@pytest.mark.parametrize("name", ["ossa", "ossa-indexed"])
def test_a_tie_on_coverage_goes_to_the_task_fewer_tasks_cross(name):
    # b and a complete one task each; c crosses b (and sticks out of w's range), so w takes a
    # although b is older
    s = [Task("b", 0, 50, 50, 10, 10, 9), Task("a", 0, 10, 10, 10, 10, 9), Task("c", 0, 55, 55, 10, 95, 9),
         Worker("w", 1, 0, 0, 100, 100, 9, 1.0)]
    r = run_online(name, s)
    assert [a.covered for a in r.assignments] == [[("a", (10, 10, 20, 20))]]


@pytest.mark.parametrize("name", ["ossa", "ossa-indexed"])
def test_riders_of_a_crossed_task_complete_split_or_are_placed_again(name):
    # r1..r3 ride inside q; w takes p, which crosses q: r2 (inside p) completes, r3 (across p's
    # edge) loses its part in p, r1 (outside p) rides again in what is left of q; v then takes
    # q's left strip with r1 and the rest of r3, q's bottom strip stays open
    s = [Task("q", 0, 0, 0, 10, 10, 9), Task("r1", 0, 1, 1, 1, 1, 9), Task("r2", 0, 4, 4, 2, 2, 9),
         Task("r3", 0, 2.5, 8, 1.5, 1, 9), Task("p", 0, 3, 3, 12, 12, 9), Worker("w", 1, 3, 3, 12, 12, 9, 1.0),
         Worker("v", 2, 0, 0, 10, 10, 9, 1.0)]
    r = run_online(name, s)
    first, second = r.assignments
    assert first.covered == [("p", (3, 3, 15, 15)), ("q", (3, 3, 10, 10)), ("r2", (4, 4, 6, 6)),
                             ("r3", (3, 8, 4, 9))]
    assert second.covered == [("r1", (1, 1, 2, 2)), ("r3", (2.5, 8, 3, 9)), ("q", (0, 0, 3, 10))]
    assert set(r.completed_ids) == {"p", "r2", "r1", "r3"}
    assert audit(r, s) == []
