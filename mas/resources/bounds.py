"""Bounds no placement can beat, cheap enough for 100,000 tasks.

For count and value the bound is an upper bound (pooling every node's capacity
into one bin per kind and solving that relaxation greedily); for cost, balance
and makespan it is a lower bound. Tasks that fit on no node are left out of the
max bounds; for the min objectives (every task must be placed) they make the
bound infinite, since no placement is feasible.
"""

from __future__ import annotations

import numpy as np

from mas.resources.placement import check_objective
from mas.resources.problem import CAPACITY_EPS, PlacementProblem

_CHUNK_CELLS = 4_000_000  # tasks x nodes x kinds per chunk: keeps memory near 30 MB


def _chunks(problem: PlacementProblem):
    step = max(1, _CHUNK_CELLS // max(1, problem.n_nodes * max(1, len(problem.kinds))))
    for lo in range(0, problem.n_tasks, step):
        hi = min(problem.n_tasks, lo + step)
        fits = (problem.demand[lo:hi, None, :] <= problem.capacity[None, :, :] + CAPACITY_EPS).all(axis=2)
        yield lo, hi, fits


def pareto_capacities(capacity: np.ndarray) -> np.ndarray:
    """The distinct capacity vectors no other node's vector dominates (>= in every kind).

    A task fits on some node iff it fits on one of these, and there are usually
    far fewer of them than nodes.
    """
    cap = np.unique(np.asarray(capacity, dtype=float), axis=0)
    keep = np.ones(len(cap), dtype=bool)
    step = max(1, _CHUNK_CELLS // max(1, cap.size))
    for lo in range(0, len(cap), step):
        block = cap[lo:lo + step, None, :]
        # rows are distinct, so ">= everywhere" by another row means dominated
        ge = (cap[None, :, :] >= block).all(axis=2)
        ge[np.arange(ge.shape[0]), np.arange(lo, lo + ge.shape[0])] = False
        keep[lo:lo + step] = ~ge.any(axis=1)
    return cap[keep]


def fits_anywhere(problem: PlacementProblem) -> np.ndarray:
    """Boolean per task: some node, empty, can hold it."""
    front = pareto_capacities(problem.capacity)
    out = np.zeros(problem.n_tasks, dtype=bool)
    step = max(1, _CHUNK_CELLS // max(1, front.size))
    for lo in range(0, problem.n_tasks, step):
        out[lo : lo + step] = (
            (problem.demand[lo : lo + step, None, :] <= front[None, :, :] + CAPACITY_EPS).all(axis=2).any(axis=1)
        )
    return out


def _min_over_fitting(problem: PlacementProblem, per_pair) -> np.ndarray:
    """min over the nodes a task fits on of ``per_pair(lo, hi)`` (tasks x nodes); inf if none."""
    out = np.full(problem.n_tasks, np.inf)
    for lo, hi, fits in _chunks(problem):
        out[lo:hi] = np.where(fits, per_pair(lo, hi), np.inf).min(axis=1, initial=np.inf)
    return out


def _pooled_count(problem: PlacementProblem, cand: np.ndarray) -> float:
    best = float(cand.sum())
    total = problem.capacity.sum(axis=0)
    for r in range(len(problem.kinds)):
        d = np.sort(problem.demand[cand, r])
        k = int(np.searchsorted(np.cumsum(d), total[r] * (1 + CAPACITY_EPS) + CAPACITY_EPS, side="right"))
        best = min(best, float(k))
    return best


def _pooled_value(problem: PlacementProblem, cand: np.ndarray) -> float:
    v = np.maximum(problem.value[cand], 0.0)
    best = float(v.sum())
    total = problem.capacity.sum(axis=0)
    for r in range(len(problem.kinds)):
        d = problem.demand[cand, r]
        free = d <= 0
        val = float(v[free].sum())
        dd, vv = d[~free], v[~free]
        order = np.argsort(-(vv / dd), kind="stable")
        dd, vv = dd[order], vv[order]
        cum = np.cumsum(dd)
        k = int(np.searchsorted(cum, total[r], side="right"))  # items that fit whole
        val += float(vv[:k].sum())
        if k < dd.size:
            room = total[r] - (cum[k - 1] if k else 0.0)
            val += float(vv[k] * room / dd[k])
        best = min(best, val)
    return best


def placement_bound(problem: PlacementProblem, objective: str = "count") -> float:
    """A value no placement beats: upper bound for count/value, lower bound for cost/balance/makespan.

    Examples
    --------
    >>> from mas.resources.problem import Task, Node
    >>> p = PlacementProblem.from_lists([Task(n, {"cpu": 2}) for n in "abc"], [Node("x", {"cpu": 5})])
    >>> placement_bound(p, "count")
    2.0
    """
    check_objective(objective)
    if objective in ("count", "value"):
        cand = fits_anywhere(problem)
        return _pooled_count(problem, cand) if objective == "count" else _pooled_value(problem, cand)
    if objective == "cost":
        return float(_min_over_fitting(problem, lambda lo, hi: problem.cost[lo:hi]).sum())
    if objective == "balance":
        cap = problem.capacity
        inv = np.divide(1.0, cap, out=np.zeros_like(cap), where=cap > 0)

        def per_pair(lo, hi):
            return (problem.demand[lo:hi, None, :] * inv[None, :, :]).max(axis=2, initial=0.0)

        single = _min_over_fitting(problem, per_pair)
        total = cap.sum(axis=0)
        pooled = np.divide(problem.demand.sum(axis=0), total, out=np.zeros_like(total), where=total > 0)
        return float(max(single.max(initial=0.0), pooled.max(initial=0.0)))
    # makespan
    single = _min_over_fitting(problem, lambda lo, hi: problem.duration[lo:hi, None] / problem.speed[None, :])
    pooled = problem.duration.sum() / problem.speed.sum()
    return float(max(single.max(initial=0.0), pooled))
