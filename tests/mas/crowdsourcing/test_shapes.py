"""Points, discs, capacities, utilities and the given arrival order, beside the rectangles."""

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from crowd_streams import disc_streams
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.crowdsourcing import (
    TGOA,
    UTILITIES,
    Greedy,
    Ledger,
    Task,
    Worker,
    audit,
    disc_contains,
    load_events,
    make_algorithm,
    make_utility,
    run_online,
    save_events,
)
from mas.crowdsourcing.events import windows_meet
from mas.crowdsourcing.geometry import discs_contain
from mas.errors import InputError

halves = st.integers(-8, 8).map(lambda k: k / 2)


@given(halves, halves, st.integers(0, 8).map(lambda k: k / 2), halves, halves, halves, halves)
def test_disc_test_is_exact(cx, cy, r, a, b, c, d):
    rect = (min(a, c), min(b, d), max(a, c), max(b, d))
    corners = [(x, y) for x in rect[0::2] for y in rect[1::2]]
    exact = all((Fraction(x) - Fraction(cx)) ** 2 + (Fraction(y) - Fraction(cy)) ** 2 <= Fraction(r) ** 2
                for x, y in corners)
    assert disc_contains(cx, cy, r, rect) == exact
    assert discs_contain(np.array([cx]), cy, np.array([r]), *rect).tolist() == [exact]


def test_boundary_golden_cases():
    assert disc_contains(0, 0, 5, (3, 4, 3, 4)) and disc_contains(0, 0, 5, (-3, -4, 3, 4))
    assert not disc_contains(0, 0, 5, (3, 4, 3 + 1e-15, 4))
    # 0.1 + 0.2 is the float above 0.3: a point at distance exactly that float is inside a disc of it
    assert disc_contains(0.0, 0.0, 0.1 + 0.2, (0.1 + 0.2, 0, 0.1 + 0.2, 0))
    assert not disc_contains(0.0, 0.0, 0.3, (0.1 + 0.2, 0, 0.1 + 0.2, 0))
    w = Worker.disc("w", 0, 0, 0, 5, 9)
    assert w.shape == "disc" and w.rect == (-5, -5, 5, 5) and w.covers((3, 4, 3, 4)) and not w.covers((4, 4, 4, 4))
    assert Task.point("t", 0, 1, 2, 9).shape == "point" and Worker("r", 0, 0, 0, 1, 1, 9, 1).shape == "rect"


def test_json_events_with_points_discs_capacity_and_rate(tmp_path):
    s = [Task.point("p", 0, 3, 4, 9, price=2), Task("r", 0, 0, 0, 1, 1, 9, 1),
         Worker.disc("d", 1, 0, 0, 5, 9, 1.5, capacity=2, rate=3), Worker("q", 1, 0, 0, 2, 2, 9, 1)]
    save_events(tmp_path / "e.jsonl", s)
    lines = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert set(lines[0]) == {"kind", "id", "time", "x", "y", "deadline", "price"}  # no w, h: a point
    assert set(lines[2]) == {"kind", "id", "time", "x", "y", "deadline", "bid", "radius", "capacity", "rate"}
    assert set(lines[3]) == {"kind", "id", "time", "x", "y", "w", "h", "deadline", "bid"}  # as always
    assert load_events(tmp_path / "e.jsonl") == s
    r = run_online(Greedy(utility="pay-rate"), s)
    assert [(a.worker, a.covered[0][0]) for a in r.assignments] == [("d", "p"), ("d", "r")]
    assert r.utility == 2 * 3 + 1 * 3 and r.workers_used == 1 and r.total_paid == 3.0  # the bid, per task
    assert audit(r, s) == []


@pytest.mark.parametrize("row, message", [
    ({"radius": 5, "w": 1}, "w = 1: a disc worker (with radius) has no w or h"),
    ({"radius": -1}, "radius = -1: must be >= 0"),
    ({"capacity": 0}, "capacity = 0: must be an integer >= 1"),
    ({"capacity": 1.5}, "capacity = 1.5"),
    ({"rate": -2}, "rate = -2: must be >= 0"),
])
def test_bad_worker_fields(tmp_path, row, message):
    w = {"kind": "worker", "id": "w", "time": 0, "x": 0, "y": 0, "w": 2, "h": 2, "deadline": 5, "bid": 1}
    if "radius" in row:
        del w["w"], w["h"]
    (tmp_path / "e.jsonl").write_text(json.dumps({**w, **row}) + "\n")
    with pytest.raises(InputError, match="line 1: " + message.replace("(", r"\(").replace(")", r"\)")):
        load_events(tmp_path / "e.jsonl")


def test_half_a_task_size_is_an_error(tmp_path):
    (tmp_path / "e.jsonl").write_text(json.dumps({"kind": "task", "id": 1, "time": 0, "x": 0, "y": 0, "w": 2,
                                                  "deadline": 5}) + "\n")
    with pytest.raises(InputError, match="missing field 'h' of a task"):
        load_events(tmp_path / "e.jsonl")


def test_ledger_keeps_capacity_and_audit_checks_it():
    w, t = Worker("w", 0, 0, 0, 5, 5, 9, 1.0, capacity=2), Task("t", 0, 1, 1, 1, 1, 9)
    ledger = Ledger()
    ledger.assign(w, 0, t.rect, [(t, t.rect)])
    ledger.assign(w, 0, t.rect, [(t, t.rect)])
    with pytest.raises(RuntimeError, match="beyond its capacity 2"):
        ledger.assign(w, 0, t.rect, [(t, t.rect)])
    s = [w, Task("a", 1, 1, 1, 1, 1, 9), Task("b", 1, 2, 2, 1, 1, 9), Task("c", 1, 3, 3, 1, 1, 9)]
    r = run_online("greedy", s)
    assert r.completed == 2 and audit(r, s) == []
    r.assignments[1].worker = r.assignments[0].worker
    s2 = [Worker("w", 0, 0, 0, 5, 5, 9, 1.0)] + s[1:]
    assert any("used 2 times, capacity 1" in p for p in audit(r, s2))


def test_utilities_by_name_and_greedy_takes_the_best():
    assert {"cost", "pay-rate"} <= set(UTILITIES.names())
    with pytest.raises(InputError, match="utility = 'profit': unknown; choose one of cost, pay-rate"):
        make_utility("profit")
    # a task arriving among three covering workers: cost takes the cheapest bid, pay-rate the best rate,
    # and equal utility and bid go to the earliest worker
    s = [Worker("a", 0, 0, 0, 5, 5, 9, 3.0, rate=1), Worker("b", 0, 0, 0, 5, 5, 9, 1.0, rate=2),
         Worker("c", 0, 0, 0, 5, 5, 9, 2.0, rate=4), Worker("d", 0, 0, 0, 5, 5, 9, 2.0, rate=4),
         Task("t", 1, 1, 1, 1, 1, 9, price=2)]
    assert run_online(Greedy(), s).assignments[0].worker == "b"
    r = run_online(Greedy(utility="pay-rate"), s)
    assert r.assignments[0].worker == "c" and r.utility == 8.0
    r = run_online(Greedy(utility=lambda w, t: -w.bid), s)  # a function works too
    assert r.assignments[0].worker == "b"
    r = run_online(make_algorithm("ossa", utility="pay-rate"), s)  # OSSA only reports it: cheapest is b
    assert r.assignments[0].worker == "b" and r.utility == 4.0


def test_given_order_uses_times_only_for_windows():
    """A task at time 5 is given before a worker at time 2 whose window [2, 4] ended before it: they
    never meet. A second task at time 3 after both: it meets the worker ([2, 4] and [3, 9] overlap) and is
    assigned at 3, the later begin."""
    s = [Task("late", 5, 1, 1, 1, 1, 9), Worker("w", 2, 0, 0, 5, 5, 4, 1.0), Task("t", 3, 1, 1, 1, 1, 9)]
    with pytest.raises(InputError, match="event 2: time = 2"):
        run_online("greedy", s)
    for alg in ("greedy", "tgoa"):
        r = run_online(alg, s, order="given")
        assert [(a.worker, a.covered[0][0], a.time) for a in r.assignments] == [("w", "t", 3)]
        assert audit(r, s) == []
    with pytest.raises(InputError, match="order = 'given': ossa supports time order only"):
        run_online("ossa", s, order="given")
    with pytest.raises(InputError, match="order = 'random'"):
        run_online("greedy", s, order="random")
    with pytest.raises(InputError, match="task 'p' = 'a point task': ossa takes rectangles"):
        run_online("ossa", [Task.point("p", 0, 1, 1, 9)])


def old_score_matching(value, bids):
    """Phase 2's former matching: one score u x scale - bid, scale = sum of bids + 1."""
    from scipy.optimize import linear_sum_assignment

    gain = np.where(value > 0, value * (bids.sum() + 1) - bids[:, None], 0)
    r, c = linear_sum_assignment(gain, maximize=True)
    return [(i, j) for i, j in zip(r, c) if gain[i, j] > 0]


def test_phase_two_matching_is_maximum_utility_where_the_old_score_was_not():
    """One task of pay 1; worker a (rate 1, bid 10) and worker b (rate 0.99, bid 1) both cover it.
    The old score, scale = 10 + 1 + 1 = 12: a 12 x 1 - 10 = 2, b 12 x 0.99 - 1 = 10.88: it took b,
    utility 0.99 < 1. The matching now takes a (utility first); with equal utilities it still takes
    the lower bid."""
    from mas.crowdsourcing import max_utility_matching

    value, bids = np.array([[1.0], [0.99]]), np.array([10.0, 1.0])
    assert old_score_matching(value, bids) == [(1, 0)]
    assert max_utility_matching(value, bids)[0].tolist() == [0]
    assert max_utility_matching(np.array([[0.5], [0.5]]), bids)[0].tolist() == [1]
    # utilities that are no short decimals take the other path (maximum first, then a checked score)
    value = np.array([[1 / 3 + 1e-7], [1 / 3]])
    assert old_score_matching(value, bids) == [(1, 0)]
    assert max_utility_matching(value, bids)[0].tolist() == [0]
    assert max_utility_matching(np.array([[1 / 3], [1 / 3]]), bids)[0].tolist() == [1]
    s = [Task.point("t", 0, 0, 0, 9, price=1), Worker.disc("a", 1, 0, 0, 1, 9, 10.0, rate=1.0),
         Worker.disc("b", 1, 0, 0, 1, 9, 1.0, rate=0.99)]
    r = run_online(TGOA(split=0.0, utility="pay-rate"), s)  # a and b arrive together: one batch
    assert [a.worker for a in r.assignments] == ["a"] and r.utility == 1.0


def brute_matching(value, bids):
    """Best (total value, -total bid) over every matching, exactly (fractions)."""
    m, n = value.shape
    best = (Fraction(0), Fraction(0))
    for perm in itertools.permutations(list(range(n)) + [None] * m, m):
        pairs = [(i, j) for i, j in enumerate(perm) if j is not None]
        if any(value[i, j] <= 0 for i, j in pairs):
            continue
        v = (sum((Fraction(value[i, j]) for i, j in pairs), Fraction(0)),
             -sum((Fraction(bids[i]) for i, _ in pairs), Fraction(0)))
        best = max(best, v)
    return best


@settings(max_examples=60)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_matching_is_lexicographically_best(m, n, data):
    from mas.crowdsourcing import max_utility_matching

    cells = st.sampled_from([0, 0, 0.25, 0.5, 0.75, 1, 1.25, 0.1, 0.2, 0.3] if data.draw(st.booleans())
                            else [0, 0, 1 / 3, 2 / 3, 1 / 7, 0.5, 1, 0.1])  # decimals, or not
    value = np.array(data.draw(st.lists(st.lists(cells, min_size=n, max_size=n), min_size=m, max_size=m)), float)
    bids = np.array(data.draw(st.lists(st.sampled_from([0, 1, 2.5, 7]), min_size=m, max_size=m)), float)
    r, c = max_utility_matching(value, bids)
    got = (sum((Fraction(value[i, j]) for i, j in zip(r, c)), Fraction(0)),
           -sum((Fraction(bids[i]) for i in r), Fraction(0)))
    best = brute_matching(value, bids)
    assert got[0] == best[0] or abs(float(got[0] - best[0])) < 1e-12  # 0.1 + 0.2 style sums aside
    if got[0] == best[0]:
        assert got[1] == best[1]


def b_matching_optimum(workers, tasks, utility, must=None, forbid=None):
    """Best (total utility, -total bid) over assignments of tasks to workers within capacities (exact)."""
    best = None
    for choice in itertools.product([None, *range(len(workers))], repeat=len(tasks)):
        load = [0] * len(workers)
        pairs = []
        for j, i in enumerate(choice):
            if i is None:
                continue
            w, t = workers[i], tasks[j]
            if not (w.covers(t.rect) and windows_meet(w, t)) or utility(w, t) <= 0:
                break
            load[i] += 1
            pairs.append((w, t))
        else:
            if any(load[i] > w.capacity for i, w in enumerate(workers)):
                continue
            ids = [{w.id, t.id} for w, t in pairs]
            if must is not None and must not in ids or forbid is not None and any(forbid in p for p in ids):
                continue
            v = (sum((Fraction(utility(w, t)) for w, t in pairs), Fraction(0)),
                 -sum((Fraction(w.bid) for w, _ in pairs), Fraction(0)))
            best = v if best is None or v > best else best
    return best


@settings(max_examples=40)
@given(disc_streams(max_tasks=4, max_workers=3))
def test_tgoa_follows_a_maximum_utility_b_matching_in_given_order(s):
    alg = TGOA(split=0.25, utility="pay-rate")
    r = run_online(alg, s, order="given")
    assert audit(r, s) == []
    for key, partners, taken, upto in alg.decisions:
        seen = alg.seen[:upto]
        workers = [a for a in seen if a.kind == "worker"]
        tasks = [a for a in seen if a.kind == "task"]
        optimum = b_matching_optimum(workers, tasks, alg.utility)
        me = alg.seen[key]
        if not partners:
            assert b_matching_optimum(workers, tasks, alg.utility, forbid=me.id) == optimum
        for p in partners:
            assert b_matching_optimum(workers, tasks, alg.utility, must={me.id, alg.seen[p].id}) == optimum
        assert set(taken) <= set(partners)


@settings(max_examples=40)
@given(disc_streams())
def test_greedy_and_tgoa_keep_the_rules_on_points_and_discs(s):
    runs = {}
    for name, alg in (("grid", Greedy(utility="pay-rate")), ("scan", Greedy(index="scan", utility="pay-rate")),
                      ("tgoa", TGOA(split=0.5, utility="pay-rate"))):
        r = runs[name] = run_online(alg, s, order="given")
        assert audit(r, s) == []
        assert r.utility == pytest.approx(sum(alg.utility(w, t) for w, t in _pairs(r, s)))
    assert [a.to_dict() for a in runs["grid"].assignments] == [a.to_dict() for a in runs["scan"].assignments]


def _pairs(r, s):
    by_id = {(a.kind, a.id): a for a in s}
    return [(by_id["worker", a.worker], by_id["task", a.covered[0][0]]) for a in r.assignments]
