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
    demand = problem.demand
    order = _task_order(problem, rule)
    a = np.full(problem.n_tasks, -1, dtype=np.int64)
    if problem.n_tasks == 0 or problem.n_nodes == 0:
        return a
    # smallest demand per kind among the tasks still to come: a node that cannot hold
    # it in some kind is dead for the rest of the run and is dropped from the arrays
    suffix_min = np.minimum.accumulate(demand[order][::-1], axis=0)[::-1]
    nodes = _LiveNodes(problem.capacity)
    pick = _PICK[rule]
    for k, i in enumerate(order):
        if k % 512 == 0 and k and not nodes.drop_dead(suffix_min[k]):
            break
        d = demand[i]
        ok = (nodes.free >= d - CAPACITY_EPS).all(axis=1)
        j = pick(nodes, ok, d)
        if j < 0:
            continue
        a[i] = nodes.idx[j]
        nodes.take(j, d, rule)
    return a


def _task_order(problem: PlacementProblem, rule: str) -> np.ndarray:
    if rule == "priority":
        return np.argsort(-problem.priority, kind="stable")
    return np.argsort(-task_sizes(problem), kind="stable")


class _LiveNodes:
    """The nodes still able to take a task, with each rule's running score terms."""

    def __init__(self, cap: np.ndarray) -> None:
        self.idx = np.arange(cap.shape[0])  # global index of each live node, in node order
        self.inv = np.divide(1.0, cap, out=np.zeros_like(cap), where=cap > 0)
        self.free = cap.copy()
        self.free_rel = self.free * self.inv  # free capacity relative to the node, 1 when empty
        self.used_max = np.zeros(cap.shape[0])  # fullest kind of each node, for least-loaded
        self.slack = self.free_rel.sum(axis=1)  # best-fit: relative free capacity summed over kinds
        self.dot_w = self.inv * self.free_rel  # dot: score = dot_w @ demand

    def drop_dead(self, need: np.ndarray) -> bool:
        """Drop the nodes that cannot hold ``need`` (when that is worth the copy); False if none can."""
        alive = (self.free >= need - CAPACITY_EPS).all(axis=1)
        if not alive.any():
            return False
        if alive.sum() < 0.9 * alive.size:
            for name in ("idx", "inv", "free", "free_rel", "used_max", "slack", "dot_w"):
                setattr(self, name, getattr(self, name)[alive])
        return True

    def take(self, j: int, d: np.ndarray, rule: str) -> None:
        """Put demand ``d`` on live node ``j`` and update the score term ``rule`` reads."""
        self.free[j] -= d
        self.free_rel[j] = self.free[j] * self.inv[j]
        if rule == "least-loaded":
            self.used_max[j] = (1.0 - self.free_rel[j]).max(initial=0.0)
        elif rule == "best-fit":
            self.slack[j] = self.free_rel[j].sum()
        elif rule == "dot":
            self.dot_w[j] = self.inv[j] * self.free_rel[j]


# Each rule's choice among the live nodes that fit (``ok``): a live index, -1 if none fits.
def _first_fit(nodes: _LiveNodes, ok: np.ndarray, d: np.ndarray) -> int:
    j = int(ok.argmax())
    return j if ok[j] else -1


def _best_fit(nodes: _LiveNodes, ok: np.ndarray, d: np.ndarray) -> int:
    return int(np.where(ok, nodes.slack - nodes.inv @ d, np.inf).argmin()) if ok.any() else -1


def _least_loaded(nodes: _LiveNodes, ok: np.ndarray, d: np.ndarray) -> int:
    return int(np.where(ok, nodes.used_max, np.inf).argmin()) if ok.any() else -1


def _dot(nodes: _LiveNodes, ok: np.ndarray, d: np.ndarray) -> int:
    return int(np.where(ok, nodes.dot_w @ d, -np.inf).argmax()) if ok.any() else -1


_PICK = {"priority": _first_fit, "ffd": _first_fit, "best-fit": _best_fit, "least-loaded": _least_loaded,
         "dot": _dot}


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
