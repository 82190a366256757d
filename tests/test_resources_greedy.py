"""Greedy rules: valid placements, each rule's choice on a case where they differ."""

import numpy as np
import pytest
from hypothesis import given

from mas.errors import InputError
from mas.resources.greedy import GREEDY_RULES, greedy_placement, naive_first_fit
from mas.resources.placement import check_placement
from mas.resources.problem import Node, PlacementProblem, Task
from resources_strategies import problems


@given(problems(max_tasks=12, max_nodes=5))
def test_every_rule_passes_the_checker_and_leaves_out_only_what_cannot_fit(p):
    for rule in GREEDY_RULES:
        a = check_placement(p, greedy_placement(p, rule))
        free = p.capacity - np.array([p.demand[a == j].sum(axis=0) for j in range(p.n_nodes)])
        for t in np.flatnonzero(a < 0):  # a task left out fits nowhere in the final state
            assert not (p.demand[t] <= free + 1e-9).all(axis=1).any()


def _one_job_two_nodes():
    # node x is roomy, y is nearly full; the new task fits both
    return PlacementProblem.from_lists(
        [Task("big", {"cpu": 3}), Task("t", {"cpu": 1})],
        [Node("x", {"cpu": 10}), Node("y", {"cpu": 4})])


def test_rules_differ_as_documented():
    p = _one_job_two_nodes()
    assert greedy_placement(p, "ffd").tolist() == [0, 0]  # first node that fits
    assert greedy_placement(p, "best-fit").tolist() == [1, 1]  # tightest
    assert greedy_placement(p, "least-loaded").tolist() == [0, 1]  # second task avoids the used node


def test_priority_order_and_naive_agree_on_first_fit():
    p = PlacementProblem.from_lists(
        [Task("low", {"cpu": 3}, priority=0), Task("high", {"cpu": 3}, priority=5)], [Node("x", {"cpu": 4})])
    assert greedy_placement(p, "priority").tolist() == [-1, 0]
    tasks = [{"name": "low", "cpu": 3}, {"name": "high", "cpu": 3}]
    assert naive_first_fit(tasks[::-1], [{"name": "x", "cpu": 4}], ["cpu"]) == {"high": "x", "low": None}


def test_unknown_rule():
    with pytest.raises(InputError, match="greedy rule"):
        greedy_placement(_one_job_two_nodes(), "random")
