"""Greedy rules: valid placements, each rule's choice on a case where they differ."""

import numpy as np
import pytest
from hypothesis import given
from resources_strategies import problems

from mas.errors import InputError
from mas.resources.greedy import GREEDY_RULES, greedy_placement, naive_first_fit
from mas.resources.placement import check_placement
from mas.resources.problem import Node, PlacementProblem, Task


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


@pytest.mark.parametrize("load", [0.9, 3.0])
def test_dropping_full_nodes_keeps_first_fit_equal_to_the_plain_loop(load):
    # every 512 tasks the nodes that cannot hold the smallest remaining demand are dropped
    # (with these seeds the 0.9 case runs out of live nodes before the end, the 3.0 case
    # does not): the result must stay the plain loop's
    rng = np.random.default_rng(5)
    demand = rng.integers(1, 11, size=(3000, 2)).astype(float)
    cap = np.floor(rng.uniform(50, 150, size=(40, 2)) * demand.sum(axis=0) / load / 4000)
    p = PlacementProblem(tuple(f"t{i}" for i in range(3000)), tuple(f"n{j}" for j in range(40)), ("a", "b"),
                         demand, cap)
    a = greedy_placement(p, "ffd")
    order = np.argsort(-(demand / cap.sum(axis=0)).sum(axis=1), kind="stable")
    tasks = [{"name": p.task_names[i], "a": demand[i, 0], "b": demand[i, 1]} for i in order]
    nodes = [{"name": p.node_names[j], "a": cap[j, 0], "b": cap[j, 1]} for j in range(40)]
    out = naive_first_fit(tasks, nodes, ["a", "b"])
    assert [p.node_names[j] if j >= 0 else None for j in a] == [out[t] for t in p.task_names]
    assert 0 < (a >= 0).sum() < 3000
