"""TGOA: phase 1 is Greedy; phase-2 decisions follow an optimal matching (checked by brute force)."""

import itertools

import pytest
from crowd_streams import streams
from hypothesis import given, settings

from mas.crowdsourcing import TGOA, Greedy, contains, generate_stream, run_online
from mas.errors import InputError


def assignments(r):
    return [x.to_dict() for x in r.assignments]


@settings(max_examples=25)
@given(streams())
def test_phase_one_is_greedy(s):
    alg = TGOA(split=0.5)
    r = run_online(alg, s)
    k = alg.switch
    g = run_online(Greedy(), s[:k])
    assert assignments(r)[: len(g.assignments)] == assignments(g)
    assert assignments(run_online(TGOA(split=1.0), s)) == assignments(run_online("greedy", s))


def feasible(w, t):
    return contains(w.rect, t.rect) and max(w.time, t.time) <= min(w.deadline, t.deadline)


def best_value(workers, tasks, must=None, forbid=None):
    """Best (pairs, -total bid) over all matchings, by enumeration; ``must``: a pair every matching has;
    ``forbid``: an item no matching may use."""
    best = None
    slots = list(range(len(tasks))) + [None] * len(workers)
    for perm in itertools.permutations(slots, len(workers)):
        pairs = [(w, tasks[j]) for w, j in zip(workers, perm) if j is not None]
        if any(not feasible(w, t) for w, t in pairs):
            continue
        ids = {x.id for p in pairs for x in p}
        if forbid is not None and forbid in ids:
            continue
        if must is not None and not any({w.id, t.id} == must for w, t in pairs):
            continue
        value = (len(pairs), -sum(w.bid for w, _ in pairs))
        best = value if best is None or value > best else best
    return best


@settings(max_examples=60)
@given(streams(max_tasks=5, max_workers=4, max_stay=10))
def test_phase_two_follows_an_optimal_matching(s):
    alg = TGOA(split=0.3)
    run_online(alg, s)
    for key, partners, taken, upto in alg.decisions:
        seen = alg.seen[:upto]  # everything up to the end of the arrival's batch (arrivals of equal time)
        workers = [a for a in seen if a.kind == "worker"]
        tasks = [a for a in seen if a.kind == "task"]
        optimum = best_value(workers, tasks)
        me = alg.seen[key].id
        assert len(partners) <= 1  # capacity 1
        if not partners:
            assert best_value(workers, tasks, forbid=me) == optimum
        else:
            assert best_value(workers, tasks, must={me, alg.seen[partners[0]].id}) == optimum
        assert set(taken) <= set(partners)


def test_phase_two_waits_when_its_partner_is_taken():
    from mas.crowdsourcing import Task, Worker

    # split 0: all phase 2. t0 arrives, w1 arrives: optimal {w1-t0} -> matched. w2 arrives covering t0
    # only: optimal matching is still w1-t0 (lower bid), so w2's partner is none and it waits.
    s = [Task("t0", 0, 0, 0, 2, 2, 9), Worker("w1", 1, 0, 0, 5, 5, 9, 1.0), Worker("w2", 2, 0, 0, 5, 5, 9, 3.0),
         Task("t1", 3, 1, 1, 1, 1, 9)]
    alg = TGOA(split=0.0)
    r = run_online(alg, s)
    assert [(a.worker, a.covered[0][0]) for a in r.assignments] == [("w1", "t0"), ("w2", "t1")]


def test_split_is_validated_and_tgoa_runs_on_the_seed_setting():
    with pytest.raises(InputError, match="split = 1.5"):
        TGOA(split=1.5)
    s = generate_stream(300, 100, seed=5)
    r = run_online(TGOA(split=0.78), s)
    assert 0 < r.completed <= 100


def test_utility_function_steers_phase_two():
    from mas.crowdsourcing import Task, Worker

    # one worker, two tasks it covers; the default utility (1 each) keeps the first task's pair, a
    # utility that values area makes the optimal matching move the worker to the bigger task
    s = [Task("small", 0, 0, 0, 1, 1, 9), Task("big", 1, 0, 0, 4, 4, 9), Worker("w", 2, 0, 0, 5, 5, 9, 1.0)]
    by_area = TGOA(split=0.0, utility=lambda w, t: t.w * t.h)
    r = run_online(by_area, s)
    assert [a.covered[0][0] for a in r.assignments] == ["big"]
    r = run_online(TGOA(split=0.0), s)
    assert len(r.assignments) == 1 and r.completed == 1
