"""Shifts and swaps: each move kind on a case only it improves; the time limit stops the search."""

import numpy as np

from mas.resources.local import improve_placement, placement_start
from mas.resources.problem import Node, PlacementProblem, Task
from mas.resources.scoring import energy


def _two_nodes(sizes, cap):
    return PlacementProblem.from_lists([Task(f"t{i}", {"cpu": c}, duration=c) for i, c in enumerate(sizes)],
                                       [Node("x", {"cpu": cap}), Node("y", {"cpu": cap})])


def test_a_shift_moves_a_task_to_the_idle_node():
    p = _two_nodes([2, 2], 4)
    assert improve_placement(p, np.array([0, 0]), "makespan").tolist() == [1, 0]
    assert improve_placement(p, np.array([-1, 0]), "count").tolist() == [0, 0]  # a left-out task is placed


def test_only_a_swap_balances_6_6_against_4_4():
    # capacity 12: no task fits on the other node alone, trading a 6 and a 4 gives 10 | 10
    p = _two_nodes([6, 6, 4, 4], 12)
    a = improve_placement(p, np.array([0, 0, 1, 1]), "balance")
    assert a.tolist() == [1, 0, 0, 1] and energy(p, a, "balance") == 10 / 12


def test_a_swap_with_a_left_out_task_places_the_bigger_one():
    p = PlacementProblem.from_lists([Task("small", {"cpu": 1}, value=1), Task("big", {"cpu": 3}, value=5)],
                                    [Node("x", {"cpu": 3})])
    assert improve_placement(p, np.array([0, -1]), "value").tolist() == [-1, 0]


def test_no_time_returns_the_input_unchanged_and_the_start_beats_every_greedy_rule():
    p = _two_nodes([6, 6, 4, 4], 12)
    a = np.array([0, 0, 1, 1])
    out = improve_placement(p, a, "balance", time_limit=0.0)
    assert out.tolist() == a.tolist() and out is not a
    assert energy(p, placement_start(p, "balance"), "balance") == 10 / 12
