import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.costs import CostModel
from mas.errors import InputError
from mas.instance import instance_from_dict
from mas.optimum import optimum
from protocols import kswap, negotiate
from protocols.kswap import KINDS, Exchange
from scenarios.paper import paper_data

# issue 10's two examples: 19 -> 17 needs two subtasks to move at once
ISSUE_P = [[0, .5, 2.5], [.5, 0, 2.5], [2.5, 2.5, 0]]
CLUSTER = ([[1, 50, 50], [8, 50, 2], [8, 50, 2], [50, 1, 50]], [0, 0, 0, 1])
MULTI = ([[1, 50, 50], [8, 50, 2], [50, 1, 50], [50, 8, 2]], [0, 0, 1, 1])


@pytest.mark.parametrize("C, start, kind", [(*CLUSTER, "cluster"), (*MULTI, "multi")])
def test_issue_examples_go_from_19_to_17_with_two_subtasks_per_exchange(C, start, kind):
    costs = CostModel(C, ISSUE_P)
    one = kswap(costs, start, K=1)
    assert one.D_before == one.D_after == 19.0 and one.exchanges == []
    r = kswap(costs, start, K=2)
    assert (r.D_before, r.D_after) == (19.0, 17.0)
    assert r.allocation == ([0, 2, 2, 1] if kind == "cluster" else [0, 2, 1, 2])
    (ex,) = r.exchanges
    assert ex.kind == kind and ex.delta == -2.0 and len(ex.moves) == 2
    assert r.counts[kind] == 1 and r.moves == 1
    assert ex.agents() == ([0, 2] if kind == "cluster" else [0, 1, 2])


def _brute_best(costs, alloc, K, allowed, capacity):
    """The most negative D change over every exchange of up to K moves (0 if none improves)."""
    C = costs.C
    m, n = C.shape
    D0 = costs.score(alloc).D
    load0 = np.bincount([x for x in alloc if x is not None], minlength=n)
    rows = [i for i, x in enumerate(alloc) if x is not None]
    best = 0.0
    for k in range(1, K + 1):
        for subs in itertools.combinations(rows, k):
            opts = [[b for b in range(n) if b != alloc[i] and allowed[b] and np.isfinite(C[i, b])] for i in subs]
            for dest in itertools.product(*opts):
                new = list(alloc)
                for i, b in zip(subs, dest):
                    new[i] = b
                if capacity is not None:
                    load = np.bincount([x for x in new if x is not None], minlength=n)
                    if np.any(load > np.maximum(capacity, load0)):
                        continue
                best = min(best, costs.score(new).D - D0)
    return best


@st.composite
def instances(draw, max_n=5, max_m=5):
    n, m = draw(st.integers(2, max_n)), draw(st.integers(1, max_m))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    C = rng.integers(0, 20, (m, n)).astype(float)
    C[rng.random((m, n)) < 0.2] = np.inf
    C[np.arange(m), rng.integers(0, n, m)] = rng.integers(0, 20, m)  # every subtask has an agent
    P = rng.integers(0, 12, (n, n)).astype(float) * (rng.random((n, n)) < 0.7)
    np.fill_diagonal(P, 0)
    alloc = [None if rng.random() < 0.1 else int(rng.choice(np.flatnonzero(np.isfinite(C[i])))) for i in range(m)]
    capacity = draw(st.sampled_from([None, None, 1, 2]))
    allowed = np.ones(n, bool) if draw(st.booleans()) else rng.random(n) < 0.7
    return CostModel(C, P), alloc, capacity, allowed


@settings(max_examples=120, deadline=None)
@given(instances(), st.integers(1, 2))
def test_the_result_is_k_exchange_optimal_by_brute_force(inst, K):
    costs, alloc, capacity, allowed = inst
    r = kswap(costs, alloc, K, allowed=allowed, capacity=capacity)
    # D never increases, and every figure is the cost model's own
    assert r.D_before == pytest.approx(costs.score(alloc).D)
    assert r.D_after == pytest.approx(costs.score(r.allocation).D)
    assert r.D_after <= r.D_before + 1e-9
    assert r.D_after - r.D_before == pytest.approx(sum(e.delta for e in r.exchanges))
    assert all(e.delta < 0 for e in r.exchanges)
    # no exchange of up to K moves improves the result any more
    assert r.k_optimal and _brute_best(costs, r.allocation, K, allowed, capacity) > -1e-9
    _check_invariants(costs, alloc, r, K, allowed, capacity)


def _check_invariants(costs, alloc, r, K, allowed, capacity):
    n = costs.n
    assert [a is None for a in r.allocation] == [a is None for a in alloc]  # unallocated stay so
    assert all(a is None or np.isfinite(costs.C[i, a]) for i, a in enumerate(r.allocation))
    before = np.bincount([x for x in alloc if x is not None], minlength=n)
    after = np.bincount([x for x in r.allocation if x is not None], minlength=n)
    if capacity is not None:  # capacity holds after, and an agent already above it never gains
        assert np.all(after <= np.maximum(capacity, before))
    assert r.moves == len(r.exchanges) == sum(r.counts.values())
    replay = list(alloc)
    for e in r.exchanges:
        assert 1 <= len(e.moves) <= K and e.kind in KINDS
        assert len({i for i, _, _ in e.moves}) == len(e.moves)
        for i, a, b in e.moves:
            assert replay[i] == a and a != b and allowed[b]  # only allowed agents receive
            replay[i] = b
        if capacity is not None:
            now = np.bincount([x for x in replay if x is not None], minlength=n)
            assert np.all(now <= np.maximum(capacity, before))
        assert set(e.agents()) == {x for _, a, b in e.moves for x in (a, b)}
    assert replay == r.allocation
    changed = [i for i, (x, y) in enumerate(zip(alloc, r.allocation)) if x != y]
    assert all(allowed[r.allocation[i]] for i in changed)


@settings(max_examples=40, deadline=None)
@given(instances(max_n=7, max_m=8), st.integers(3, 4))
def test_larger_K_keeps_the_invariants_and_is_at_least_2_optimal(inst, K):
    costs, alloc, capacity, allowed = inst
    r = kswap(costs, alloc, K, allowed=allowed, capacity=capacity)
    assert r.D_after <= r.D_before + 1e-9
    assert r.D_after == pytest.approx(costs.score(r.allocation).D)
    _check_invariants(costs, alloc, r, K, allowed, capacity)
    assert kswap(costs, r.allocation, 2, allowed=allowed, capacity=capacity).exchanges == []


@settings(max_examples=40, deadline=None)
@given(instances(max_n=4, max_m=5), st.integers(3, 4))
def test_larger_K_is_exact_on_small_instances_by_brute_force(inst, K):
    costs, alloc, capacity, allowed = inst
    r = kswap(costs, alloc, K, allowed=allowed, capacity=capacity)
    assert r.k_optimal  # small enough for the exhaustive search of 3..K moves
    assert _brute_best(costs, r.allocation, K, allowed, capacity) > -1e-9
    _check_invariants(costs, alloc, r, K, allowed, capacity)


def test_swap_beats_two_transfers():
    costs = CostModel([[5, 1], [1, 5]], [[0, 0], [0, 0]])
    assert kswap(costs, [0, 1], K=1).D_after == 2.0  # transfers alone get there in two exchanges
    r = kswap(costs, [0, 1], K=2)
    assert r.D_after == 2.0 and r.counts["swap"] == 1 and r.moves == 1


def test_vacating_an_agent_saves_its_pair_costs():
    model = CostModel([[1, 2], [1, 2]], [[0, 10], [10, 0]])
    r = kswap(model, [1, 1], K=2)  # both at agent 1: moving both to agent 0 at once
    assert r.allocation == [0, 0] and r.D_after == 2.0 and r.exchanges[0].kind == "vacate"


def test_a_chain_through_a_full_agent_under_capacity():
    # agent 0 is full (capacity 2); subtask 1 wants agent 0, which passes subtask 0 on to agent 2
    C = [[5, 9, 5], [1, 5, 9], [9, 9, 1], [1, 9, 9], [9, 1, 9]]
    costs, start = CostModel(C, np.zeros((3, 3))), [0, 1, 2, 0, 1]
    assert kswap(costs, start, K=1, capacity=2).D_after == 13.0
    assert kswap(costs, start, K=1).D_after < 13.0  # without the capacity a transfer does it
    r = kswap(costs, start, K=2, capacity=2)
    assert r.allocation == [2, 0, 2, 0, 1] and r.D_after == 9.0
    assert r.exchanges[0].kind == "multi" and r.exchanges[0].agents() == [0, 1, 2]


def test_a_newcomer_takes_work_while_another_agent_leaves():
    # subtask 0 is cheap at agent 2, but 2 joining costs 101 while agent 1 works; agent 1 handing its
    # only subtask to agent 0 at the same time makes the join cost 1: 72 -> 24, no single move helps
    inf = None
    costs = CostModel([[60, inf, 10], [1, inf, inf], [12, 1, inf]], [[0, 10, 1], [0, 0, 100], [0, 0, 0]])
    assert kswap(costs, [0, 0, 1], K=1).D_after == 72.0
    r = kswap(costs, [0, 0, 1], K=2)
    assert r.allocation == [2, 0, 0] and (r.D_before, r.D_after) == (72.0, 24.0)
    assert [e.kind for e in r.exchanges] == ["multi"]


def test_a_cycle_of_three_needs_K_3_under_capacity():
    C = np.full((3, 3), 9.0)
    for i in range(3):
        C[i, i], C[i, (i + 1) % 3] = 5, 1  # each agent holds what the next one does cheaply
    costs = CostModel(C, np.zeros((3, 3)))
    assert kswap(costs, [0, 1, 2], K=2, capacity=1).D_after == 15.0
    r = kswap(costs, [0, 1, 2], K=3, capacity=1)
    assert r.allocation == [1, 2, 0] and r.D_after == 3.0 and r.exchanges[0].kind == "cycle"
    assert r.exchanges[0].agents() == [0, 1, 2]


def test_capacity_is_never_made_worse():
    costs = CostModel([[1, 5], [1, 5], [1, 5]], np.zeros((2, 2)))
    r = kswap(costs, [1, 1, 1], K=2, capacity=1)  # agent 1 holds 3 > 1; agent 0 may take one
    assert r.allocation.count(0) == 1 and r.D_after == 11.0


def test_kswaps_bring_ssi_to_the_optimum_on_the_paper_example():
    inst = instance_from_dict(paper_data())
    result, _ = negotiate(inst, "ssi", seed=0, kswap=6, protocol_options={"opening": False})
    assert result.extra["kswap"]["D_before"] == 25.0
    assert result.D == result.extra["kswap"]["D_after"] == optimum(inst.cost_model()).D == 19.0


def test_max_moves_stops_early_and_says_so():
    costs = CostModel([[5, 1], [5, 1], [5, 1]], np.zeros((2, 2)))
    r = kswap(costs, [0, 0, 0], K=1, max_moves=2)
    assert r.moves == 2 and r.allocation.count(1) == 2 and not r.k_optimal
    assert kswap(costs, [0, 0, 0], K=1).k_optimal


def test_only_allowed_agents_receive():
    costs = CostModel([[5, 1, 1]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
    assert kswap(costs, [0], 1, allowed=[True, False, True]).allocation == [2]


def test_result_and_exchange_to_dict():
    r = kswap(CostModel(*CLUSTER[:1], ISSUE_P), CLUSTER[1], 2)
    d = r.to_dict()
    assert d["D_before"] == 19.0 and d["D_after"] == 17.0 and d["allocation"] == [0, 2, 2, 1]
    assert d["exchanges"] == [{"kind": "cluster", "moves": [[1, 0, 2], [2, 0, 2]], "delta": -2.0,
                               "agents": [0, 2]}]
    assert d["counts"] == dict.fromkeys(KINDS, 0) | {"cluster": 1} and d["moves"] == 1 and d["k_optimal"]
    assert Exchange("swap", [(0, 3, 1), (1, 1, 3)], -1.0).agents() == [1, 3]


@pytest.mark.parametrize("kwargs, field", [({"K": 0}, "K"), ({"capacity": 0}, "capacity"),
                                           ({"allowed": [True, False]}, "allowed")])
def test_bad_options(kwargs, field):
    with pytest.raises(InputError, match=field):
        kswap(CostModel([[1]], [[0]]), [0], **({"K": 1} | kwargs))


@pytest.mark.parametrize("alloc, field", [([0, 0], "allocation"), ([3], r"allocation\[0\]"),
                                          ([1], r"allocation\[0\]")])
def test_bad_allocation(alloc, field):
    with pytest.raises(InputError, match=field):
        kswap(CostModel([[1, None]], [[0, 0], [0, 0]]), alloc, 2)
