"""The exact integer program agrees with brute force on every objective."""

import numpy as np
import pytest
from hypothesis import given, settings
from resources_strategies import brute_force, problems

from mas.resources.exact import InfeasibleError, exact_placement
from mas.resources.placement import check_placement, objective_value
from mas.resources.problem import OBJECTIVES, Node, PlacementProblem, Task


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


def test_a_start_is_used_when_complete_and_ignored_when_it_leaves_a_must_place_task_out():
    p = PlacementProblem.from_lists([Task(n, {"cpu": 2}) for n in "abc"],
                                    [Node("x", {"cpu": 4}, cost=2.0), Node("y", {"cpu": 4}, cost=1.0)])
    for start in ([0, 0, 1], [0, -1, -1]):
        sol = exact_placement(p, "cost", start=np.array(start))
        assert sol.optimal and objective_value(p, sol.assignment, "cost") == 4.0  # two on y, one on x
    sol = exact_placement(p, "makespan", start=np.array([0, 0, 1]))
    assert sol.optimal and objective_value(p, sol.assignment, "makespan") == 2.0


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_no_tasks_is_the_empty_optimal_placement(objective):
    # balance and makespan keep their z variable with no task rows: scipy used to reject the empty stack
    p = PlacementProblem((), ("x",), ("cpu",), np.zeros((0, 1)), np.ones((1, 1)))
    sol = exact_placement(p, objective)
    assert sol.assignment.tolist() == [] and sol.optimal and sol.dual_bound == 0.0
