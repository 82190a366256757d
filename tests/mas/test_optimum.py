import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.instance import generate_instance, instance_from_dict
from mas.optimum import optimum
from scenarios.paper import paper_data


def test_paper_optimum_is_agent_5_alone():
    best = optimum(instance_from_dict(paper_data()).cost_model())
    assert (best.D, best.participants, best.exact, best.method) == (19.0, [4], True, "exhaustive")
    assert best.lower_bound == 16.0  # sum of each subtask's cheapest cost


@settings(max_examples=12)
@given(st.integers(2, 8), st.integers(1, 6), st.integers(0, 10_000))
def test_one_milp_over_all_k_agrees_with_enumeration(n, m, seed):
    costs = generate_instance("random", n, m, seed=seed, infeasible_prob=0.3).cost_model()
    exact = optimum(costs)
    milp = optimum(costs, exact_max_agents=0)
    assert milp.method == "milp" and milp.exact
    assert pytest.approx(exact.D) == milp.D


@settings(max_examples=12)
@given(st.integers(2, 6), st.integers(1, 5), st.integers(0, 10_000))
def test_optimal_D_is_the_least_D_over_complete_allocations(n, m, seed):
    costs = generate_instance("random", n, m, seed=seed).cost_model()
    best = min(costs.score(list(a)).D for a in np.ndindex(*([n] * m)))
    assert pytest.approx(best) == optimum(costs).D


def test_large_instances_get_an_upper_bound_said_so():
    costs = generate_instance("small-world", 50, 10, seed=1).cost_model()
    best = optimum(costs, milp_max_agents=0)
    assert not best.exact and "upper bound" in best.method
    assert best.lower_bound <= best.D


def test_greedy_prefix_bound_matches_the_greedy_sweep():
    from mas.optimum import _greedy_prefixes

    costs = generate_instance("scale-free", 60, 15, seed=2, infeasible_prob=0.4).cost_model()
    fast = _greedy_prefixes(costs, 0.0)
    sweep = costs.sweep("greedy")
    assert pytest.approx(min(r.D for r in sweep.rows)) == fast.D
    assert not fast.exact and fast.method == "greedy (upper bound)"
