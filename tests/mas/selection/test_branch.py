"""The combinatorial branch and bound of one size k: exact against enumeration and against HiGHS."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import random_costs
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.costs import CostModel
from mas.errors import InputError
from mas.selection import milp
from mas.selection.branch import best_of_size
from mas.selection.exhaustive import exhaustive


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 7), n=st.integers(1, 10),
       infeasible=st.sampled_from([0.0, 0.5]), integer=st.booleans(), shuffled=st.booleans(),
       with_start=st.booleans(), removing=st.sampled_from([None, False, True]))
def test_every_k_matches_exhaustive(seed, m, n, infeasible, integer, shuffled, with_start, removing):
    rng = np.random.default_rng(seed)
    C, P = random_costs(rng, m, n, infeasible, integer)
    model = CostModel(C, P)
    best = exhaustive(model, range(1, n + 1))
    order = rng.permutation(n).tolist() if shuffled else None
    for k in range(1, n + 1):
        start = best.get(k) if with_start else None  # an optimal start leaves nothing to improve
        found = best_of_size(model.C, model.W, k, start=start, order=order, removing=removing)
        assert found.complete
        if k not in best:
            assert found.participants is None and found.bound == np.inf
            continue
        assert len(found.participants) == k
        assert pytest.approx(model.D(best[k]), abs=1e-9) == found.D
        assert model.D(found.participants) == pytest.approx(found.D, abs=1e-9)
        assert found.bound <= model.D(best[k])
        if integer:
            assert found.D == model.D(best[k]) == found.bound  # integer data: exact to the unit


def test_near_ties_of_integer_data_are_resolved_exactly():
    # D values a unit apart on a large scale: pruning "cannot beat the incumbent by 1" must not lose one
    rng = np.random.default_rng(3)
    C = 100_000 + rng.integers(0, 4, (8, 12)).astype(float)
    P = rng.integers(0, 3, (12, 12)).astype(float) * 10_000
    np.fill_diagonal(P, 0.0)
    model = CostModel(C, P)
    best = exhaustive(model, range(1, 13))
    for k in range(1, 13):
        for removing in (False, True):
            found = best_of_size(model.C, model.W, k, start=list(range(k)), removing=removing)
            assert model.D(best[k]) == found.D and found.integer


def test_a_node_budget_stops_the_search_without_claiming_it_finished():
    C, P = random_costs(np.random.default_rng(7), 14, 16, 0.0, True)
    model = CostModel(C, P)
    for k in (6, 11):  # by adding, by leaving out
        found = best_of_size(model.C, model.W, k, max_nodes=3)
        assert not found.complete and found.bound == -np.inf and found.nodes > 3
        if found.participants is not None:
            assert model.D(found.participants) == found.D
        full = best_of_size(model.C, model.W, k)
        assert full.complete and full.nodes > found.nodes


def test_k_outside_one_to_n_is_an_input_error():
    with pytest.raises(InputError, match="k = 4"):
        best_of_size(np.ones((2, 3)), np.zeros((3, 3)), 4)


@pytest.mark.parametrize("integer", [True, False])
def test_agrees_with_highs_alone_at_n_16(integer, monkeypatch):
    # exact against exact: the tree for every k, then HiGHS for every k (no k left to the tree)
    C, P = random_costs(np.random.default_rng(11), 16, 16, 0.1, integer)
    model = CostModel(C, P)
    tree = {k: best_of_size(model.C, model.W, k) for k in range(1, 17)}
    monkeypatch.setattr(milp, "_branch", lambda model, program, ks, *args, **kwargs: ks)
    highs = milp.milp_strategy(model, range(1, 17))
    assert len(highs.certificates) == 16
    for k in range(1, 17):
        assert tree[k].complete
        if k not in highs:
            assert tree[k].participants is None
            continue
        assert pytest.approx(model.D(highs[k]), abs=1e-7) == tree[k].D
        assert highs.certificates[k].optimal


def test_milp_strategy_leaves_the_middle_k_to_highs_once_the_trees_outgrow_their_budget(monkeypatch):
    # small k by adding agents upward, large k by leaving agents out downward, HiGHS in between
    C, P = random_costs(np.random.default_rng(5), 14, 14, 0.0, False)
    model = CostModel(C, P)
    best = exhaustive(model, range(1, 15))
    calls = []
    solve = milp._Program.solve
    monkeypatch.setattr(milp._Program, "solve", lambda self, k, *a: calls.append(k) or solve(self, k, *a))
    monkeypatch.setattr(milp, "BRANCH_WORK", 30 * 14 * 14)  # 30 nodes: k = 7 needs 64 by adding
    found = milp.milp_strategy(model, range(1, 15))
    middle = sorted(calls)
    assert middle and middle == list(range(middle[0], middle[-1] + 1)) and len(set(calls)) == len(calls)
    assert middle[0] > 1 and middle[-1] < 14
    for k in range(1, 15):
        assert model.D(found[k]) == pytest.approx(model.D(best[k]))
        assert found.certificates[k].optimal and found.certificates[k].gap == 0.0


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), integer=st.booleans(), infeasible=st.sampled_from([0.0, 0.4]))
def test_adding_and_leaving_out_agree_at_n_12(seed, integer, infeasible):
    C, P = random_costs(np.random.default_rng(seed), 9, 12, infeasible, integer)
    model = CostModel(C, P)
    for k in range(1, 13):
        up = best_of_size(model.C, model.W, k, removing=False)
        down = best_of_size(model.C, model.W, k, removing=True)
        assert up.complete and down.complete
        assert (up.participants is None) == (down.participants is None)
        if up.participants is not None:
            assert pytest.approx(down.D, abs=1e-9) == up.D
            assert model.D(down.participants) == pytest.approx(down.D, abs=1e-9)


# D of every k on benchmarks/bench_costs.py's n = m = 30 instance, as HiGHS alone proved them
# (the strategy before the trees, 2026-12-02): issue 12's n = 30 example, pinned
HIGHS_N30 = [148.0, 87.85545794030674, 81.07807644705007, 94.22448372571517, 118.02715030838542,
             154.78323552420557, 203.58840834737674, 264.15186240172505, 335.5505214864761, 425.15098020292464,
             524.2253065532645, 635.8848886189908, 757.5568369170215, 888.8075077489319, 1030.9866315416643,
             1184.4544153205816, 1354.44841372674, 1537.6249232654368, 1729.4853236613144, 1934.4055036907118,
             2151.929048581293, 2382.459780228194, 2622.9936954564764, 2883.2166584047773, 3155.8907980086587,
             3437.214846123044, 3728.8503810075003, 4040.0470354932545, 4374.4859508376385, 4727.95849592336]


def test_issue_12_instance_at_n_30_every_k_as_highs_proved_it():
    rng = np.random.default_rng(0)
    C = rng.integers(1, 11, (30, 30)).astype(float)
    P = rng.uniform(1, 10, (30, 30))
    np.fill_diagonal(P, 0.0)
    model = CostModel(C, P)
    found = milp.milp_strategy(model, range(1, 31))
    assert [model.D(found[k]) for k in range(1, 31)] == pytest.approx(HIGHS_N30, abs=1e-6)
    for k, cert in found.certificates.items():
        assert cert.optimal and cert.gap == 0.0 and cert.status == "optimal"
        assert cert.value == pytest.approx(HIGHS_N30[k - 1], abs=1e-6) and cert.bound == cert.value
