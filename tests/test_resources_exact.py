"""The exact integer program agrees with brute force on every objective."""

import numpy as np
import pytest
from hypothesis import given, settings

from mas.resources.exact import InfeasibleError, exact_placement
from mas.resources.placement import check_placement, objective_value
from mas.resources.problem import OBJECTIVES, Node, PlacementProblem, Task
from resources_strategies import brute_force, problems


@settings(max_examples=30)
@given(problems(max_tasks=5, max_nodes=3))
def test_exact_equals_brute_force(p):
    for objective in OBJECTIVES:
        truth = brute_force(p, objective)
        try:
            sol = exact_placement(p, objective)
        except InfeasibleError:
            assert truth == np.inf  # no placement puts every task somewhere
            continue
        assert sol.optimal
        check_placement(p, sol.assignment)
        assert objective_value(p, sol.assignment, objective) == pytest.approx(truth)
        assert sol.dual_bound == pytest.approx(truth, abs=1e-6)


def test_infeasible_min_objective_names_the_task():
    p = PlacementProblem.from_lists([Task("big", {"cpu": 9})], [Node("x", {"cpu": 4})])
    with pytest.raises(InfeasibleError, match="big"):
        exact_placement(p, "cost")
    assert exact_placement(p, "count").assignment.tolist() == [-1]


def test_balance_spreads_and_makespan_uses_speed():
    p = PlacementProblem.from_lists([Task(n, {"cpu": 1}, duration=3) for n in "abcd"],
                                    [Node("x", {"cpu": 4}, speed=3), Node("y", {"cpu": 4}, speed=1)])
    a = exact_placement(p, "balance").assignment
    assert np.bincount(a, minlength=2).tolist() == [2, 2]
    a = exact_placement(p, "makespan").assignment
    # x runs 3 jobs in 3, y one in 3: makespan 3 (all on x: 4)
    assert objective_value(p, a, "makespan") == pytest.approx(3.0)
