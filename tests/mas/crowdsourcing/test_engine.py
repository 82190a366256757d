"""The engine and every algorithm keep the model's rules (audited), whatever the stream."""

import pytest
from crowd_streams import streams
from hypothesis import given, settings

from mas.crowdsourcing import ALGORITHMS, Task, Worker, audit, generate_stream, make_algorithm, run_online
from mas.errors import InputError

NAMES = ["ossa", "ossa-indexed", "greedy", "tgoa"]


def test_all_algorithms_registered():
    make_algorithm("ossa")
    assert sorted(ALGORITHMS) == sorted(NAMES)
    with pytest.raises(InputError, match="algorithm = 'best'"):
        make_algorithm("best")


@settings(max_examples=30)
@given(streams())
def test_invariants_of_every_algorithm(s):
    for name in NAMES:
        r = run_online(name, s)
        assert audit(r, s) == [], name
        assert r.workers_used <= r.workers and r.completed <= r.tasks
        assert r.total_paid >= sum(a.bid for a in r.assignments)


@pytest.mark.parametrize("name", NAMES)
def test_invariants_on_the_seed_setting(name):
    s = generate_stream(500, 200, seed=11, task_stay=(5, 30), worker_stay=(5, 30))
    r = run_online(name, s)
    assert r.completed > 0
    assert audit(r, s) == []


def test_audit_catches_broken_runs():
    s = [Task("t", 0, 0, 0, 2, 2, 5), Worker("w", 0, 0, 0, 4, 4, 5, 2.0)]
    r = run_online("greedy", s)
    assert audit(r, s) == []
    r.assignments[0].time = 9  # after both deadlines
    r.assignments[0].paid = 1.0
    problems = audit(r, s)
    assert any("outside" in p for p in problems) and any("paid 1.0" in p for p in problems)


def test_pay_rule_is_replaceable_and_checked():
    s = [Task("t1", 1, 50, 50, 100, 100, 5), Task("t2", 2, 100, 100, 50, 50, 6),
         Worker("w1", 2, 0, 0, 200, 200, 10, 1), Worker("w2", 2, 0, 0, 200, 200, 10, 5)]

    def double(worker, covered):
        return 2 * worker.bid, {covered[0][0].id: 2 * worker.bid}

    r = run_online("ossa", s, pay=double)
    assert r.total_paid == 2.0 and r.average_cost == 1.0
    with pytest.raises(RuntimeError, match="paid 0.5 < bid 1"):
        run_online("ossa", s, pay=lambda w, c: (w.bid / 2, {}))


def test_stream_must_go_forward_in_time():
    s = [Task("t", 5, 0, 0, 1, 1, 9), Worker("w", 4, 0, 0, 1, 1, 9, 1.0)]
    with pytest.raises(InputError, match="event 2: time = 4"):
        run_online("greedy", s)
    with pytest.raises(InputError, match="event 2: id = 't'"):
        run_online("greedy", [s[0], Task("t", 6, 0, 0, 1, 1, 9)])


def test_json_fields_and_average_cost():
    r = run_online("greedy", generate_stream(40, 20, seed=1))
    d = r.to_dict()
    assert list(d) == ["algorithm", "tasks", "workers", "completed", "utility", "workers_used", "total_paid",
                       "average_cost", "seconds"]
    assert d["average_cost"] == pytest.approx(d["total_paid"] / d["completed"])
    empty = run_online("ossa", [])
    assert empty.completed == 0 and empty.average_cost == 0.0
