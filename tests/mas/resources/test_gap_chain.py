"""Ejection-chain tabu search for the GAP: proven optima reached, feasible and never worse, exact chain prices."""

import numpy as np
import pytest
from helpers import GAP_INSTANCES as INSTANCES
from helpers import gap_optima as optima
from helpers import random_gap
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.errors import InputError
from mas.resources.gap import gap_greedy, read_gap, solve_gap
from mas.resources.gap_chain import _price, gap_chain
from scenarios.resources_examples import data_path


@pytest.mark.parametrize("name", INSTANCES)
@pytest.mark.parametrize("maximize", [False, True])
def test_reaches_the_proven_optimum_from_greedy(name, maximize):
    (inst,) = read_gap(data_path(f"gap/{name}"))
    start = gap_greedy(inst, maximize=maximize)
    got = gap_chain(inst, start, maximize=maximize, max_steps=1000, time_limit=1e9)
    assert inst.check(got) == optima()[(name, "Max" if maximize else "Min")]
    assert inst.check(start) != inst.check(got)  # the greedy start is not optimal: the search did it


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(2, 5), n=st.integers(1, 14), slack=st.floats(1.0, 1.5),
       depth=st.integers(1, 5), maximize=st.booleans())
def test_feasible_never_worse_and_deterministic(seed, m, n, slack, depth, maximize):
    inst, start = random_gap(seed, m, n, slack)
    sign = -1 if maximize else 1
    got = gap_chain(inst, start, maximize=maximize, max_steps=60, time_limit=1e9, seed=seed, depth=depth)
    assert sign * inst.check(got) <= sign * inst.check(start)  # check() also raises if over capacity
    again = gap_chain(inst, start, maximize=maximize, max_steps=60, time_limit=1e9,
                      seed=np.random.default_rng(seed), depth=depth)
    assert again.tolist() == got.tolist()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(2, 6), n=st.integers(2, 12), length=st.integers(1, 5))
def test_chain_price_is_the_change_of_the_penalised_total(seed, m, n, length):
    rng = np.random.default_rng(seed)
    cost, w = rng.normal(size=(m, n)), rng.random((m, n))
    cap, alpha = rng.random(m) * n / m, rng.random(m) * 3
    cur = rng.integers(0, m, size=n)
    jobs = np.arange(n)
    chain = [(int(j), int(rng.integers(0, m))) for j in rng.choice(n, size=min(length, n), replace=False)]

    def penalised(a):
        load = np.bincount(a, weights=w[a, jobs], minlength=m)
        return cost[a, jobs].sum() + (alpha * np.maximum(load - cap, 0)).sum()

    new = cur.copy()
    for j, i in chain:
        new[j] = i
    load = np.bincount(cur, weights=w[cur, jobs], minlength=m)
    assert _price(list(chain), cur, cost, w, cap, alpha, load) == pytest.approx(penalised(new) - penalised(cur))


def test_cpu_clock_and_bad_options():
    inst, start = random_gap(3, 3, 10, 1.1)
    got = gap_chain(inst, start, time_limit=0.05, clock="cpu")
    assert inst.check(got) <= inst.check(start)
    with pytest.raises(InputError, match="depth"):
        gap_chain(inst, start, depth=0)
    with pytest.raises(InputError, match="clock"):
        gap_chain(inst, start, clock="moon")


@pytest.mark.parametrize("search", ["chain", "shift-swap"])
def test_solve_gap_search_strategies(search):
    (inst,) = read_gap(data_path("gap/c1060_5"))
    s = solve_gap(inst, time_limit=1.0, search=search)
    assert 945.0 <= inst.check(s.assignment) == s.objective_value <= s.start_value
    assert s.bound <= 945.0 and s.optimal == (s.gap == 0.0) == (s.objective_value == s.bound)


def test_solve_gap_unknown_search():
    (inst,) = read_gap(data_path("gap/c0515_1"))
    with pytest.raises(InputError, match="search = 'annealing'.*chain, shift-swap"):
        solve_gap(inst, time_limit=1.0, search="annealing")
