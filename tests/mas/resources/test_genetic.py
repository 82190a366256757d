"""Genetic algorithm: valid, at least as good as the greedy seeds, reproducible."""

import pytest
from hypothesis import given, settings
from resources_strategies import problems

from mas.errors import InputError
from mas.resources.genetic import genetic_placement
from mas.resources.greedy import GREEDY_RULES, greedy_placement
from mas.resources.placement import check_placement
from mas.resources.problem import OBJECTIVES, Node, PlacementProblem, Task
from mas.resources.scoring import energy


@settings(max_examples=20)
@given(problems(max_tasks=8, max_nodes=4))
def test_valid_and_not_worse_than_greedy(p):
    for objective in OBJECTIVES:
        a = check_placement(p, genetic_placement(p, objective, generations=5, population=12, seed=0))
        # the first population holds the greedy placements (population // 2 of them), and elitism keeps the best
        greedy_best = min(energy(p, greedy_placement(p, r), objective) for r in GREEDY_RULES[:6])
        assert energy(p, a, objective) <= greedy_best + 1e-9


def test_reproducible_and_finds_the_optimum_of_a_small_case():
    p = PlacementProblem.from_lists([Task(f"t{i}", {"cpu": c}) for i, c in enumerate([3, 3, 2, 2])],
                                    [Node("x", {"cpu": 6}), Node("y", {"cpu": 4})])
    a = genetic_placement(p, "count", generations=30, seed=3)
    assert a.tolist() == genetic_placement(p, "count", generations=30, seed=3).tolist()
    assert (a >= 0).sum() == 4


def test_bad_budget():
    p = PlacementProblem.from_lists([Task("a", {"cpu": 1})], [Node("x", {"cpu": 1})])
    with pytest.raises(InputError, match="population"):
        genetic_placement(p, population=1)
