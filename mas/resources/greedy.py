"""Greedy placement: take tasks in one order, put each on a node chosen by one rule.

Rules (the registry ``GREEDY_RULES``):

- ``priority``: tasks by priority (highest first), first node that fits;
- ``ffd``: first-fit decreasing -- tasks by size (largest first), first node that fits;
- ``best-fit``: tasks by size, the fitting node left with the least normalised slack;
- ``least-loaded``: tasks by size, the fitting node whose fullest resource is least used;
- ``dot``: tasks by size, the fitting node whose free capacity points most in the
  task's direction (dot product of demand and free capacity, both relative to the node).

A task's size is the sum over kinds of its demand relative to the total capacity
of that kind, so resources in different units weigh the same. Each step is a
few numpy operations over all nodes; there is no loop over nodes in Python.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.resources.problem import CAPACITY_EPS, PlacementProblem

GREEDY_RULES = ("priority", "ffd", "best-fit", "least-loaded", "dot")


def task_sizes(problem: PlacementProblem) -> np.ndarray:
    """Each task's demand relative to the total capacity of each kind, summed over kinds."""
    total = problem.capacity.sum(axis=0)
    weight = np.divide(1.0, total, out=np.zeros_like(total), where=total > 0)
    return problem.demand @ weight


def greedy_placement(problem: PlacementProblem, rule: str = "ffd") -> np.ndarray:
    """Place tasks one at a time by ``rule``; a task that fits nowhere is left out (-1).

    Parameters
    ----------
    problem : PlacementProblem
    rule : str
        One of ``GREEDY_RULES`` (default ``"ffd"``).

    Returns
    -------
    numpy.ndarray
        Node index per task, -1 for a task left out. Always passes ``check_placement``.

    Raises
    ------
    InputError
        For an unknown rule.

    Examples
    --------
    >>> from mas.resources.problem import Task, Node
    >>> p = PlacementProblem.from_lists([Task("a", {"cpu": 1}), Task("b", {"cpu": 3})],
    ...                                 [Node("x", {"cpu": 2}), Node("y", {"cpu": 3})])
    >>> greedy_placement(p, "ffd").tolist()
    [0, 1]
    """
    if rule not in GREEDY_RULES:
        raise InputError("greedy rule", rule, f"unknown; choose one of {', '.join(GREEDY_RULES)}")
    demand, cap = problem.demand, problem.capacity
    if rule == "priority":
        order = np.argsort(-problem.priority, kind="stable")
    else:
        order = np.argsort(-task_sizes(problem), kind="stable")
    a = np.full(problem.n_tasks, -1, dtype=np.int64)
    if problem.n_tasks == 0 or problem.n_nodes == 0:
        return a
    # smallest demand per kind among the tasks still to come: a node that cannot hold
    # it in some kind is dead for the rest of the run and is dropped from the arrays
    suffix_min = np.minimum.accumulate(demand[order][::-1], axis=0)[::-1]
    idx = np.arange(problem.n_nodes)  # global index of each live node, in node order
    inv = np.divide(1.0, cap, out=np.zeros_like(cap), where=cap > 0)
    free = cap.copy()
    free_rel = free * inv  # free capacity relative to the node, 1 when empty
    used_max = np.zeros(problem.n_nodes)  # fullest kind of each node, for least-loaded
    slack = free_rel.sum(axis=1)  # best-fit: relative free capacity summed over kinds
    dot_w = inv * free_rel  # dot: score = dot_w @ demand
    inf = np.inf
    for k, i in enumerate(order):
        if k % 512 == 0 and k:
            alive = (free >= suffix_min[k] - CAPACITY_EPS).all(axis=1)
            if not alive.any():
                break
            if alive.sum() < 0.9 * alive.size:
                idx, inv, free, free_rel = idx[alive], inv[alive], free[alive], free_rel[alive]
                used_max, slack, dot_w = used_max[alive], slack[alive], dot_w[alive]
        d = demand[i]
        ok = (free >= d - CAPACITY_EPS).all(axis=1)
        if rule in ("priority", "ffd"):
            j = int(ok.argmax())
            if not ok[j]:
                continue
        else:
            if not ok.any():
                continue
            if rule == "best-fit":
                j = int(np.where(ok, slack - inv @ d, inf).argmin())
            elif rule == "least-loaded":
                j = int(np.where(ok, used_max, inf).argmin())
            else:  # dot
                j = int(np.where(ok, dot_w @ d, -inf).argmax())
        a[i] = idx[j]
        free[j] -= d
        free_rel[j] = free[j] * inv[j]
        if rule == "least-loaded":
            used_max[j] = (1.0 - free_rel[j]).max(initial=0.0)
        elif rule == "best-fit":
            slack[j] = free_rel[j].sum()
        elif rule == "dot":
            dot_w[j] = inv[j] * free_rel[j]
    return a


def naive_first_fit(tasks: list[dict], nodes: list[dict], kinds: list[str]) -> dict[str, str | None]:
    """The seeds' greedy in plain Python (dicts, a loop over nodes per task): the benchmark baseline."""
    free = [{k: n[k] for k in kinds} for n in nodes]
    out: dict[str, str | None] = {}
    for t in tasks:
        out[t["name"]] = None
        for node, f in zip(nodes, free):
            if all(f[k] >= t[k] for k in kinds):
                for k in kinds:
                    f[k] -= t[k]
                out[t["name"]] = node["name"]
                break
    return out
