"""Price and dive for the GAP: exact knapsack pricing, a valid Lagrangian bound, feasible and never worse."""

import itertools

import numpy as np
import pytest
from helpers import GAP_INSTANCES as INSTANCES
from helpers import gap_optima as optima
from helpers import random_gap
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.errors import InputError
from mas.resources.gap import GapInstance, gap_exact, gap_greedy, read_gap, solve_gap
from mas.resources.gap_dive import _Master, divable, gap_dive
from scenarios.resources_examples import data_path


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(1, 4), n=st.integers(1, 9))
def test_knapsack_pricing_is_the_exhaustive_best(seed, m, n):
    inst, _ = random_gap(seed, m, n, 1.3)
    profit = np.random.default_rng(seed + 1).normal(size=(m, n)) * 10
    value, chosen = _Master(inst, 1.0).knapsacks(profit, np.ones(m, dtype=bool))
    for i in range(m):
        best = max(sum(profit[i, j] for j in s) for r in range(n + 1) for s in itertools.combinations(range(n), r)
                   if sum(inst.weight[i, j] for j in s) <= inst.capacity[i])
        assert value[i] == pytest.approx(best)
        assert profit[i, chosen[i]].sum() == pytest.approx(best)
        assert inst.weight[i, chosen[i]].sum() <= inst.capacity[i]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(2, 5), n=st.integers(2, 14), slack=st.floats(1.0, 1.5),
       maximize=st.booleans())
def test_feasible_never_worse_bound_valid_and_deterministic(seed, m, n, slack, maximize):
    inst, start = random_gap(seed, m, n, slack)
    sign = -1 if maximize else 1
    got = gap_dive(inst, start, maximize=maximize, time_limit=1e9, seed=seed, max_dives=3)
    assert sign * inst.check(got.assignment) <= sign * inst.check(start)  # check() raises if over capacity
    exact, run = gap_exact(inst, maximize=maximize)
    optimum = inst.check(exact)
    assert sign * got.bound <= sign * optimum + 1e-6  # a bound: never past the optimum
    again = gap_dive(inst, start, maximize=maximize, time_limit=1e9, seed=np.random.default_rng(seed), max_dives=3)
    assert again.assignment.tolist() == got.assignment.tolist()


@pytest.mark.parametrize("name", INSTANCES)
@pytest.mark.parametrize("maximize", [False, True])
def test_reaches_the_proven_optimum_from_greedy(name, maximize):
    (inst,) = read_gap(data_path(f"gap/{name}"))
    start = gap_greedy(inst, maximize=maximize)
    got = gap_dive(inst, start, maximize=maximize, time_limit=60, max_dives=30)
    optimum = optima()[(name, "Max" if maximize else "Min")]
    assert inst.check(got.assignment) == optimum
    assert inst.check(start) != optimum  # the greedy start is not optimal: the dives did it
    assert (got.bound <= optimum + 1e-6) if not maximize else (got.bound >= optimum - 1e-6)


def test_d20100_bound_is_the_lagrangian_one():
    """The set-partitioning LP of d20100 is 6176.14: above the plain LP (6142.5), below the best known 6185."""
    (inst,) = read_gap(data_path("gap/d20100"))
    got = gap_dive(inst, gap_greedy(inst), time_limit=60, max_dives=1)
    assert got.bound == pytest.approx(6176.142, abs=0.01)
    assert inst.check(got.assignment) < 6689  # one dive already beats the greedy start


def test_real_resource_uses_are_not_divable_but_solve_gap_still_works():
    inst, start = random_gap(5, 3, 8, 1.2)
    real = GapInstance("real", inst.cost, inst.weight + 0.5, inst.capacity + 2.0)
    assert divable(inst) and not divable(real)
    with pytest.raises(InputError, match="integer resource uses"):
        gap_dive(real, start)
    assert solve_gap(real, time_limit=2.0).optimal
