"""The placement checker and objective values."""

import numpy as np
import pytest

from mas.errors import InputError
from mas.resources.exact import exact_placement
from mas.resources.placement import CapacityError, check_placement, objective_value, relative_gap
from mas.resources.problem import Node, PlacementProblem, Task
from scenarios.resources_examples import EXAMPLES


def three_tasks():
    return EXAMPLES[0].problem()


def test_seed001_claimed_optimum_is_rejected_naming_M1_and_cpu():
    p = three_tasks()
    with pytest.raises(CapacityError) as err:
        check_placement(p, {"T1": "M1", "T2": "M2", "T3": "M1"})
    msg = str(err.value)
    assert "M1" in msg and "cpu" in msg and "5" in msg and "4" in msg
    assert (err.value.node, err.value.kind, err.value.load, err.value.capacity) == ("M1", "cpu", 5.0, 4.0)
    assert err.value.tasks == ["T1", "T3"]


def test_seed001_at_most_two_of_three_tasks_fit():
    p = three_tasks()
    # every one of the 3^3 placements: none with three tasks passes the checker
    best = 0
    for code in range(27):
        a = np.array([code % 3, code // 3 % 3, code // 9]) - 1
        try:
            check_placement(p, a)
        except CapacityError:
            continue
        best = max(best, int((a >= 0).sum()))
    assert best == 2
    assert objective_value(p, exact_placement(p, "count").assignment, "count") == 2


def test_checker_accepts_valid_and_rejects_unknown_names():
    p = three_tasks()
    assert check_placement(p, {"T1": "M1", "T2": "M2", "T3": None}).tolist() == [0, 1, -1]
    with pytest.raises(InputError, match="M9"):
        check_placement(p, {"T1": "M9"})
    with pytest.raises(InputError, match="placement task"):
        check_placement(p, {"T7": "M1"})
    with pytest.raises(InputError, match="placement length"):
        check_placement(p, [0, 1])


def test_objective_values_by_hand():
    p = PlacementProblem.from_lists(
        [Task("a", {"cpu": 1}, value=5, duration=4), Task("b", {"cpu": 2}, value=2, duration=2)],
        [Node("x", {"cpu": 4}, cost=3, speed=2), Node("y", {"cpu": 2}, cost={"b": 7}, speed=1)])
    a = np.array([0, 1])
    assert objective_value(p, a, "count") == 2
    assert objective_value(p, a, "value") == 7
    assert objective_value(p, a, "cost") == 3 + 7
    assert objective_value(p, a, "balance") == 1.0  # y holds 2 of 2
    assert objective_value(p, a, "makespan") == 2.0  # x: 4 / 2, y: 2 / 1
    assert objective_value(p, np.array([0, -1]), "cost") == np.inf
    with pytest.raises(InputError, match="objective"):
        objective_value(p, a, "speed")


def test_relative_gap_directions():
    assert relative_gap(8, 10, "count") == pytest.approx(0.2)
    assert relative_gap(12, 10, "cost") == pytest.approx(0.2)
    assert relative_gap(10, 10, "value") == 0.0
    assert relative_gap(np.inf, 10, "cost") == np.inf
