"""Simulated annealing: valid, never worse than its start, reproducible."""

import numpy as np
import pytest
from hypothesis import given, settings
from resources_strategies import problems

from mas.errors import InputError
from mas.resources.anneal import anneal_placement
from mas.resources.greedy import greedy_placement
from mas.resources.placement import check_placement
from mas.resources.problem import OBJECTIVES, Node, PlacementProblem, Task
from mas.resources.scoring import energy


@settings(max_examples=25)
@given(problems(max_tasks=8, max_nodes=4))
def test_valid_and_never_worse_than_start(p):
    start = greedy_placement(p, "ffd")
    for objective in OBJECTIVES:
        a = check_placement(p, anneal_placement(p, objective, iterations=300, seed=1))
        assert energy(p, a, objective) <= energy(p, start, objective) + 1e-9


def test_same_seed_same_result_and_improves_on_ffd():
    # FFD puts the two 3s on x and strands the 2s; the optimum pairs 3 + 2 on each node
    p = PlacementProblem.from_lists([Task(f"t{i}", {"cpu": c}) for i, c in enumerate([3, 3, 2, 2])],
                                    [Node("x", {"cpu": 6}), Node("y", {"cpu": 4})])
    a1 = anneal_placement(p, "count", iterations=3000, seed=7)
    a2 = anneal_placement(p, "count", iterations=3000, seed=np.random.default_rng(7))
    assert a1.tolist() == anneal_placement(p, "count", iterations=3000, seed=7).tolist()
    assert (a1 >= 0).sum() == 4
    assert (a2 >= 0).sum() == 4


def _pairs(durations, cap):
    return PlacementProblem.from_lists(
        [Task(f"t{i}", {"cpu": d}, duration=d) for i, d in enumerate(durations)],
        [Node("x", {"cpu": cap}), Node("y", {"cpu": cap})])


def test_swaps_only_reach_the_balance_and_makespan_optima():
    # start 6+6 | 4+4 on capacity 12: no single task fits elsewhere, only a swap gives 10 | 10
    p = _pairs([6, 6, 4, 4], 12)
    start = np.array([0, 0, 1, 1])
    for objective, optimum in (("balance", 10 / 12), ("makespan", 10.0)):
        a = anneal_placement(p, objective, iterations=2000, seed=3, start=start)
        assert sorted(np.bincount(a, weights=p.demand[:, 0]).tolist()) == [10.0, 10.0]
        assert energy(p, a, objective) == optimum


def test_relocations_reach_the_makespan_optimum():
    p = _pairs([3, 3, 2, 2], 100)
    a = anneal_placement(p, "makespan", iterations=2000, seed=0, start=np.zeros(4, dtype=int))
    assert energy(p, a, "makespan") == 5.0


def test_cost_moves_each_task_to_its_cheap_node():
    p = PlacementProblem.from_lists([Task(f"t{i}", {"cpu": 1}) for i in range(4)],
                                    [Node("x", {"cpu": 4}, cost=5.0), Node("y", {"cpu": 4}, cost=1.0)])
    a = anneal_placement(p, "cost", iterations=2000, seed=0, start=np.zeros(4, dtype=int))
    assert a.tolist() == [1, 1, 1, 1]


def test_no_time_left_returns_the_start_and_bad_iterations_raise():
    p = _pairs([6, 6, 4, 4], 12)
    start = np.array([0, 0, 1, 1])
    assert anneal_placement(p, "balance", iterations=5000, seed=3, start=start, time_limit=0.0).tolist() \
        == start.tolist()
    assert anneal_placement(p, "count", iterations=0, seed=3).tolist() == greedy_placement(p, "ffd").tolist()
    with pytest.raises(InputError, match="iterations"):
        anneal_placement(p, "count", iterations=-1)
