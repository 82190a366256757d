"""One number to minimise for every objective, shared by the anytime heuristics.

Count and value are negated. Cost, balance and makespan need every task placed,
so each task left out adds a penalty larger than any change of the objective
itself: fewer tasks left out always wins, then the objective decides.
"""

from __future__ import annotations

import numpy as np

from mas.resources.placement import check_objective, loads, utilization
from mas.resources.problem import PlacementProblem


def penalty(problem: PlacementProblem, objective: str) -> float:
    """Energy added per task left out (0 for count and value, where leaving out is allowed)."""
    check_objective(objective)
    if objective in ("count", "value"):
        return 0.0
    if objective == "cost":
        span = float(problem.cost.max(initial=0.0) - min(problem.cost.min(initial=0.0), 0.0))
        return problem.n_tasks * span + 1.0
    if objective == "balance":
        return 2.0
    return float(problem.duration.sum() / problem.speed.min(initial=1.0)) + 1.0


def energy(problem: PlacementProblem, a: np.ndarray, objective: str) -> float:
    """The number the heuristics minimise; lower is better for every objective."""
    placed = a >= 0
    if objective == "count":
        return -float(placed.sum())
    if objective == "value":
        return -float(problem.value[placed].sum())
    out = penalty(problem, objective) * float((~placed).sum())
    if objective == "cost":
        return out + float(problem.cost[np.flatnonzero(placed), a[placed]].sum())
    if objective == "balance":
        return out + float(utilization(problem, loads(problem, a)).max(initial=0.0))
    busy = np.bincount(a[placed], weights=problem.duration[placed], minlength=problem.n_nodes)
    return out + float((busy / problem.speed).max(initial=0.0))


def temperature_scale(problem: PlacementProblem, objective: str) -> float:
    """A typical size of one move's change of the objective (the starting temperature)."""
    if objective == "count":
        return 1.0
    if objective == "value":
        return float(np.abs(problem.value).mean()) or 1.0
    if objective == "cost":
        return float(problem.cost.std()) or 1.0
    if objective == "balance":
        return 0.05
    return float(problem.duration.mean() / problem.speed.mean()) or 1.0
