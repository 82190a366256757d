"""The participation degree lambda counted two ways: participants (k = |S|) and working agents."""

import itertools
import math

import numpy as np
import pytest
from helpers import random_costs
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.costs import CostModel
from mas.errors import InputError
from mas.optimum import optimum
from mas.selection import exhaustive as exhaustive_module
from scenarios.paper import paper_model

instances = st.tuples(st.integers(0, 10**6), st.integers(1, 6), st.integers(1, 7), st.sampled_from([0.0, 0.3]),
                      st.booleans())


def _model(seed, m, n, infeasible, integer, participation="working"):
    C, P = random_costs(np.random.default_rng(seed), m, n, infeasible, integer)
    return CostModel(C, P, participation=participation)


def brute_force(model):
    """{k: least D over the sets of size k whose members all work under the allocation rule}."""
    best = {}
    for k in range(1, model.n + 1):
        for S in itertools.combinations(range(model.n), k):
            e = model.evaluate(S)
            if e.feasible and e.working == k and best.get(k, math.inf) > e.D:
                best[k] = e.D
    return best


def found(sweep):
    return {r.k: r.D for r in sweep.rows if r.participants is not None and math.isfinite(r.D)}


def test_the_option_is_validated_and_named():
    with pytest.raises(InputError, match="participation") as e:
        CostModel([[1]], [[0]], participation="workers")
    assert e.value.field == "participation"
    with pytest.raises(InputError, match="participation"):
        CostModel([[1]], [[0]]).with_participation("k")


def test_G_evaluate_and_degree_count_working_agents_under_working():
    C, P = [[1, 4], [1, 4]], [[0, 2], [1, 0]]  # agent 1 executes nothing in {0, 1}
    plain, working = CostModel(C, P), CostModel(C, P, participation="working")
    assert plain.G([0, 1]) == plain.evaluate([0, 1]).G == 5.0 / 4
    assert working.G([0, 1]) == working.evaluate([0, 1]).G == 5.0
    assert (plain.degree([0, 1]), working.degree([0, 1])) == (2, 1)
    assert plain.D([0, 1]) == working.D([0, 1]) == 5.0  # D is the same either way
    # an allocation is scored by its working agents under both
    assert plain.score([0, 0]) == working.score([0, 0])
    assert plain.sweep("exhaustive").row(2).participants == [0, 1]
    assert working.sweep("exhaustive").row(2).participants is None  # no size-2 set works


def test_paper_example_working_sweep_by_brute_force():
    model = paper_model().with_participation("working")
    sweep = model.sweep("exhaustive")
    assert found(sweep) == brute_force(model) == {1: 19.0, 2: 22.0, 3: 32.0, 4: 50.0, 5: 77.0}
    # agents from 0: rows 1-4 are the ordinary optimum (all work); k = 5 is {1,2,3,4,5} in the paper's
    # numbering, not the ordinary {1,2,3,4,6} whose agent 1 is idle; no set of all six works
    assert [r.participants for r in sweep.rows] == [[4], [1, 4], [0, 1, 4], [0, 1, 2, 3], [0, 1, 2, 3, 4], None]
    assert sweep.best_k == 5 and pytest.approx(77 / 25) == sweep.row(5).G
    assert sweep.to_dict()["lambda"] == "working"
    plain = paper_model().sweep("exhaustive")
    assert (plain.best_k, plain.row(5).D, plain.row(5).working) == (5, 76.0, 4)  # Table 1 unchanged
    assert plain.to_dict()["lambda"] == "participants"


@pytest.mark.parametrize("participation", ["participants", "working"])
def test_paper_example_optimal_G(participation):
    best = optimum(paper_model().with_participation(participation))
    assert (best.D, best.participants) == (19.0, [4])  # the least D does not depend on lambda
    assert best.G_exact and best.G_method == "exhaustive" and best.participation == participation
    if participation == "participants":
        assert (best.G, best.G_participants) == (pytest.approx(76 / 25), [0, 1, 2, 3, 5])
    else:
        assert (best.G, best.G_participants) == (pytest.approx(77 / 25), [0, 1, 2, 3, 4])


@settings(max_examples=40, deadline=None)
@given(instances)
def test_exhaustive_working_equals_brute_force_also_in_chunks(args):
    model = _model(*args)
    expected = brute_force(model)
    assert found(model.sweep("exhaustive")) == pytest.approx(expected)
    with pytest.MonkeyPatch.context() as mp:  # tiny tables: high-bit chunks and tie chunks of one subset
        mp.setattr(exhaustive_module, "MEMORY_BUDGET", 1000)
        mp.setattr(exhaustive_module, "TIE_CHUNK_ENTRIES", 1)
        assert found(model.sweep("exhaustive")) == pytest.approx(expected)


@settings(max_examples=15, deadline=None)
@given(instances, st.sampled_from(["participants", "working"]))
def test_exact_strategies_agree_under_both_definitions(args, participation):
    model = _model(*args, participation=participation)
    ex, milp = model.sweep("exhaustive"), model.sweep("milp")
    assert found(ex) == pytest.approx(found(milp))
    assert ex.best_k == milp.best_k or pytest.approx(milp.row(milp.best_k).G) == ex.row(ex.best_k).G


@settings(max_examples=25, deadline=None)
@given(instances, st.sampled_from(["exhaustive", "milp", "greedy", "local"]))
def test_a_working_row_scores_its_own_G(args, strategy):
    model = _model(*args)
    exact = found(model.sweep("exhaustive"))
    for row in model.sweep(strategy).rows:
        if row.participants is None:
            continue
        assert row.working == row.k == len(row.participants)
        score = model.score(model.evaluate(row.participants).allocation)
        assert pytest.approx(row.G) == score.G and pytest.approx(row.D) == score.D
        if math.isfinite(row.D):
            assert exact[row.k] - 1e-9 <= row.D  # heuristics: working sets, never below the optimum


def test_under_participants_an_idle_padded_row_scores_differently():
    model = paper_model()
    row = model.sweep("exhaustive").row(6)
    assert row.working == 4 and model.score(model.evaluate(row.participants).allocation).G != row.G


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 7), st.integers(1, 5), st.sampled_from(["participants", "working"]))
def test_optimal_G_by_milp_agrees_with_enumeration(seed, n, m, participation):
    model = _model(seed, m, n, 0.3, True, participation)
    exact = optimum(model)
    milp = optimum(model, exact_max_agents=0, time_limit=None)
    assert milp.G_exact and milp.G_method == "milp"
    assert pytest.approx(exact.G) == milp.G and pytest.approx(exact.D) == milp.D
    sweep = model.sweep("exhaustive")
    assert pytest.approx(sweep.row(sweep.best_k).G) == exact.G


def test_large_instances_flag_optimal_G_as_an_upper_bound():
    model = _model(3, 10, 50, 0.0, True, "working")
    best = optimum(model, milp_max_agents=0)
    assert not best.G_exact and "upper bound" in best.G_method and math.isfinite(best.G)
    assert pytest.approx(best.G) == model.score(model.evaluate(best.G_participants).allocation).G


def test_optimal_G_is_not_a_bound_on_every_allocation():
    """The module docstring's example: a dearer agent working for one more worker lowers G."""
    model = CostModel([[1, 2], [1, 2]], [[0, 0], [0, 0]], participation="working")
    best = optimum(model)
    assert (best.G, best.G_participants) == (2.0, [0])
    assert model.score([0, 1]).G == 0.75
