"""Bounds never beat the optimum, and are exact on cases worked by hand."""

import numpy as np
import pytest
from hypothesis import given
from resources_strategies import brute_force, problems

from mas.resources import bounds
from mas.resources.bounds import fits_anywhere, placement_bound
from mas.resources.problem import MAXIMIZE, OBJECTIVES, Node, PlacementProblem, Task


@given(problems(max_tasks=5, max_nodes=3))
def test_bound_never_beats_the_optimum(p):
    for objective in OBJECTIVES:
        opt = brute_force(p, objective)
        b = placement_bound(p, objective)
        if objective in MAXIMIZE:
            assert b >= opt - 1e-9
        else:  # a lower bound: never above the optimum (inf only when nothing is feasible)
            assert b <= opt + 1e-9 or (b == np.inf and opt == np.inf)


def test_hand_worked_bounds():
    p = PlacementProblem.from_lists(
        [Task("a", {"cpu": 2}, value=4, duration=2), Task("b", {"cpu": 2}, value=1, duration=2),
         Task("c", {"cpu": 3}, value=3, duration=2)],
        [Node("x", {"cpu": 4}, cost=1, speed=1), Node("y", {"cpu": 3}, cost=2, speed=1)])
    assert placement_bound(p, "count") == 3  # 2 + 2 + 3 = 7 = total capacity
    assert placement_bound(p, "value") == 8
    assert placement_bound(p, "cost") == 3  # every task on x at cost 1
    assert placement_bound(p, "balance") == pytest.approx(1.0)  # 7 / 7
    assert placement_bound(p, "makespan") == pytest.approx(3.0)  # 6 time units on 2 nodes


def test_chunks_agree_with_one_block(monkeypatch):
    rng = np.random.default_rng(3)
    p = PlacementProblem(tuple(f"t{i}" for i in range(500)), tuple(f"n{j}" for j in range(7)), ("a", "b"),
                         rng.integers(0, 10, (500, 2)), rng.integers(0, 10, (7, 2)))
    whole = fits_anywhere(p)
    monkeypatch.setattr(bounds, "_CHUNK_CELLS", 50)
    assert (fits_anywhere(p) == whole).all()
    assert (whole == p.fits_alone().any(axis=1)).all()


def test_pareto_front_drops_dominated_and_duplicate_nodes():
    cap = np.array([[4, 4], [2, 5], [3, 3], [4, 4], [1, 6], [1, 5]])
    front = bounds.pareto_capacities(cap)
    assert sorted(map(tuple, front.tolist())) == [(1, 6), (2, 5), (4, 4)]
