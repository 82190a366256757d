"""The one policy for "which exact or heuristic method at which size" (mas.selection.policy)."""

from __future__ import annotations

import numpy as np
import pytest

from mas.costs import CostModel
from mas.errors import InputError
from mas.optimum import optimum
from mas.selection import policy, resolve


@pytest.mark.parametrize(("n", "expected"), [(0, "exhaustive"), (1, "exhaustive"), (20, "exhaustive"), (21, "local"),
                                             (200, "local"), (201, "greedy"), (5000, "greedy")])
def test_sweep_strategy_at_the_boundaries(n, expected):
    assert policy.sweep_strategy(n) == expected


@pytest.mark.parametrize(("n", "expected"), [(20, "exhaustive"), (21, "local"), (50, "local"), (51, "greedy"),
                                             (200, "greedy")])
def test_the_view_switches_to_greedy_above_50(n, expected):
    assert policy.sweep_strategy(n, purpose="view") == expected


@pytest.mark.parametrize(("n", "expected"), [(20, "exhaustive"), (21, "milp"), (40, "milp"), (41, "local"),
                                             (200, "local"), (201, "greedy")])
def test_optimum_method_at_the_boundaries(n, expected):
    assert policy.optimum_method(n) == expected


def test_optimum_method_overrides_keep_the_order_exhaustive_milp_heuristic():
    assert policy.optimum_method(5, exhaustive_max_n=0) == "milp"
    assert policy.optimum_method(5, exhaustive_max_n=0, milp_max_n=0) == "local"
    assert policy.optimum_method(300, exhaustive_max_n=0, milp_max_n=0) == "greedy"


@pytest.mark.parametrize(("n", "participation", "expected"), [
    (20, "participants", ["exhaustive", "greedy", "local"]),
    (20, "working", ["exhaustive", "greedy", "local"]),
    (21, "participants", ["milp", "greedy", "local"]),
    (40, "participants", ["milp", "greedy", "local"]),
    (21, "working", ["greedy", "local"]),
    (41, "participants", ["greedy", "local"]),
])
def test_central_strategies(n, participation, expected):
    assert policy.central_strategies(n, participation) == expected


@pytest.mark.parametrize("bad", [-1, 2.5, True, "20", None])
def test_a_size_that_is_not_a_count_is_refused(bad):
    with pytest.raises(InputError, match="n"):
        policy.sweep_strategy(bad)


def test_a_numpy_integer_is_a_size():
    assert policy.sweep_strategy(np.int64(21)) == "local" and policy.optimum_method(np.intp(41)) == "local"


def test_unknown_purpose_and_participation_are_refused():
    with pytest.raises(InputError, match="purpose"):
        policy.sweep_strategy(5, purpose="batch")
    with pytest.raises(InputError, match="participation"):
        policy.central_strategies(5, "everyone")


def _model(n: int, m: int = 3, seed: int = 0) -> CostModel:
    rng = np.random.default_rng(seed)
    P = rng.uniform(1, 5, size=(n, n))
    np.fill_diagonal(P, 0)
    return CostModel(rng.uniform(1, 10, size=(m, n)), P)


@pytest.mark.parametrize(("n", "expected"), [(20, "exhaustive"), (21, "local")])
def test_auto_asks_the_policy(n, expected):
    model = _model(n)
    assert resolve("auto", model) == resolve(None, model) == expected
    assert model.sweep().strategy == expected


def test_the_optimum_asks_the_policy():
    assert optimum(_model(20)).method == "exhaustive"
    assert optimum(_model(21), time_limit=None).method.startswith("milp")
    assert optimum(_model(20), exact_max_agents=0, milp_max_agents=0).method == "local (upper bound)"
