"""Placements: the checker that rejects any capacity violation, objective values, results.

A placement is an integer array ``a`` with one entry per task: the node index,
or -1 for a task left out. Names appear only at the edges (``to_dict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from mas.errors import InputError
from mas.resources.problem import CAPACITY_EPS, MAXIMIZE, OBJECTIVES, PlacementProblem


class CapacityError(InputError):
    """A placement loads a node beyond one of its capacities."""

    def __init__(self, node: str, kind: str, load: float, capacity: float, tasks: list[str]) -> None:
        self.node, self.kind, self.load, self.capacity, self.tasks = node, kind, load, capacity, tasks
        super().__init__(f"{kind} load on {node}", _num(load),
                         f"exceeds {node}'s {kind} capacity {_num(capacity)} (tasks {', '.join(tasks)})")


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def as_assignment(problem: PlacementProblem, placement) -> np.ndarray:
    """An index array from an array or from a mapping task name -> node name or None."""
    if isinstance(placement, Mapping):
        tidx = {n: i for i, n in enumerate(problem.task_names)}
        nidx = {n: j for j, n in enumerate(problem.node_names)}
        a = np.full(problem.n_tasks, -1, dtype=np.int64)
        for task, node in placement.items():
            if task not in tidx:
                raise InputError("placement task", task, "is not a task of the problem")
            if node is None:
                continue
            if node not in nidx:
                raise InputError(f"node of task {task}", node, "is not a node of the problem")
            a[tidx[task]] = nidx[node]
        return a
    a = np.asarray(placement, dtype=np.int64).reshape(-1)
    if a.size != problem.n_tasks:
        raise InputError("placement length", a.size, f"must equal the number of tasks ({problem.n_tasks})")
    if ((a < -1) | (a >= problem.n_nodes)).any():
        raise InputError("placement node index", int(a[(a < -1) | (a >= problem.n_nodes)][0]),
                         f"must be -1 or in 0..{problem.n_nodes - 1}")
    return a


def loads(problem: PlacementProblem, a: np.ndarray) -> np.ndarray:
    """Load (nodes, kinds) that placement ``a`` puts on each node."""
    out = np.zeros_like(problem.capacity)
    placed = a >= 0
    np.add.at(out, a[placed], problem.demand[placed])
    return out


def check_placement(problem: PlacementProblem, placement) -> np.ndarray:
    """Return the placement as an index array if it respects every capacity.

    Raises
    ------
    CapacityError
        For the first node and resource kind whose load exceeds the capacity; the
        message names the node, the kind, the load, the capacity and the tasks.

    Examples
    --------
    >>> from mas.resources.problem import Task, Node
    >>> p = PlacementProblem.from_lists([Task("T1", {"cpu": 2}), Task("T3", {"cpu": 3})], [Node("M1", {"cpu": 4})])
    >>> check_placement(p, {"T1": "M1", "T3": "M1"})
    Traceback (most recent call last):
    ...
    mas.resources.placement.CapacityError: cpu load on M1 = 5: exceeds M1's cpu capacity 4 (tasks T1, T3)
    """
    a = as_assignment(problem, placement)
    over = loads(problem, a) > problem.capacity + CAPACITY_EPS * np.maximum(1.0, problem.capacity)
    if over.any():
        j, r = (int(x) for x in np.argwhere(over)[0])
        tasks = [problem.task_names[i] for i in np.flatnonzero(a == j)]
        raise CapacityError(problem.node_names[j], problem.kinds[r], float(loads(problem, a)[j, r]),
                            float(problem.capacity[j, r]), tasks)
    return a


def utilization(problem: PlacementProblem, load: np.ndarray) -> np.ndarray:
    """load / capacity per node and kind; a kind a node does not have counts 0 (nothing can use it)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(problem.capacity > 0, load / np.where(problem.capacity > 0, problem.capacity, 1.0), 0.0)


def objective_value(problem: PlacementProblem, a: np.ndarray, objective: str) -> float:
    """The objective of placement ``a``; inf for a min objective that needs every task placed and lacks one."""
    check_objective(objective)
    placed = a >= 0
    if objective == "count":
        return float(placed.sum())
    if objective == "value":
        return float(problem.value[placed].sum())
    if not placed.all():
        return float("inf")
    if objective == "cost":
        return float(problem.cost[np.arange(problem.n_tasks), a].sum())
    if objective == "balance":
        return float(utilization(problem, loads(problem, a)).max(initial=0.0))
    busy = np.bincount(a, weights=problem.duration, minlength=problem.n_nodes)
    return float((busy / problem.speed).max(initial=0.0))


def check_objective(objective: str) -> None:
    if objective not in OBJECTIVES:
        raise InputError("objective", objective, f"unknown; choose one of {', '.join(OBJECTIVES)}")


def relative_gap(value: float, bound: float, objective: str) -> float:
    """How far ``value`` is from ``bound``, as a fraction of the bound (0 = provably optimal).

    A difference within ``mas.mip``'s stated tolerance counts as 0, the same
    test that decides ``optimal``.
    """
    from mas.mip import ABS_TOL, REL_TOL
    from mas.mip import relative_gap as gap

    if not np.isfinite(value):
        return float("inf")
    diff = bound - value if objective in MAXIMIZE else value - bound
    if diff <= max(ABS_TOL, REL_TOL * abs(value)):
        return 0.0
    return gap(value, bound, objective in MAXIMIZE)


@dataclass
class PlacementResult:
    """What an algorithm returns: the placement, its objective value, a bound and the gap to it.

    ``bound`` is the exact optimum when it was computed (then ``bound_is_optimum``)
    or else a bound no placement can beat (an upper bound for count and value,
    a lower bound for cost, balance and makespan). ``optimal`` is True only when
    the value meets a proven bound at zero gap; ``status`` says how the exact
    solver ended ("optimal", "time limit", ...) or "heuristic".
    """

    problem: PlacementProblem
    assignment: np.ndarray
    objective: str
    algorithm: str
    value: float
    seconds: float
    bound: float = float("nan")
    gap: float = float("nan")
    optimal: bool = False
    bound_is_optimum: bool = False
    status: str = "heuristic"

    def placement(self) -> dict[str, str | None]:
        names = self.problem.node_names
        return {t: (names[j] if j >= 0 else None) for t, j in zip(self.problem.task_names, self.assignment)}

    def with_bound(self, bound: float, *, is_optimum: bool = False) -> PlacementResult:
        self.bound = float(bound)
        self.bound_is_optimum = is_optimum
        self.gap = relative_gap(self.value, self.bound, self.objective)
        return self

    def to_dict(self) -> dict:
        return {"placement": self.placement(), "objective": self.objective, "value": self.value,
                "bound": self.bound, "gap": self.gap, "seconds": self.seconds, "algorithm": self.algorithm,
                "optimal": self.optimal, "bound_is_optimum": self.bound_is_optimum, "status": self.status}
