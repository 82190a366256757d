"""The exact placement's start: the best greedy rule, then a local search of shifts and swaps.

Shifts move one task to another node (or place a task left out); swaps trade
the nodes of two tasks (one of them may be left out). A move is made only when
it lowers ``scoring.energy`` (the objective, with a penalty per task left out
where every task must be placed) and breaks no capacity, so the result is a
valid placement never worse than the greedy one.
"""

from __future__ import annotations

import time

import numpy as np

from mas.resources.greedy import GREEDY_RULES, greedy_placement
from mas.resources.placement import loads
from mas.resources.problem import CAPACITY_EPS, PlacementProblem
from mas.resources.scoring import energy

#: improvements smaller than this (relative to the energy) do not count, so the search ends
_STEP = 1e-12


def improve_placement(problem: PlacementProblem, a: np.ndarray, objective: str, *,
                      time_limit: float = 1.0) -> np.ndarray:
    """``a`` improved by first-improvement shifts and swaps until none helps or ``time_limit`` passes.

    Examples
    --------
    >>> from mas.resources.problem import Task, Node
    >>> p = PlacementProblem.from_lists([Task("a", {"cpu": 2}), Task("b", {"cpu": 2})],
    ...                                 [Node("x", {"cpu": 4}), Node("y", {"cpu": 4})])
    >>> improve_placement(p, np.array([0, 0]), "balance").tolist()
    [1, 0]
    """
    s = _Search(problem, a, objective, time.perf_counter() + time_limit)
    improved = True
    while improved and time.perf_counter() < s.end:
        improved = False
        for t in range(problem.n_tasks):
            improved = s.shift(t) or improved
            if time.perf_counter() > s.end:
                return s.a
        for t in range(problem.n_tasks):
            improved = s.swaps(t) or improved
            if time.perf_counter() > s.end:
                return s.a
    return s.a


class _Search:
    """The current placement, its free capacity and energy; moves are kept only when they lower it."""

    def __init__(self, problem: PlacementProblem, a: np.ndarray, objective: str, end: float) -> None:
        self.p, self.obj, self.end = problem, objective, end
        self.a = np.asarray(a, dtype=np.int64).copy()
        self.free = problem.capacity - loads(problem, self.a)
        self.best = energy(problem, self.a, objective)

    def accept(self, trial: np.ndarray) -> bool:
        e = energy(self.p, trial, self.obj)
        if e < self.best - _STEP * max(1.0, abs(self.best)):
            self.best = e
            return True
        return False

    def shift(self, t: int) -> bool:
        """Move task ``t`` to the first node (in node order) where it fits and lowers the energy."""
        d, a, free = self.p.demand, self.a, self.free
        cur = a[t]
        room = free + (d[t] if cur >= 0 else 0.0) * (np.arange(self.p.n_nodes) == cur)[:, None]
        for n in np.flatnonzero((d[t] <= room + CAPACITY_EPS).all(axis=1)):
            if n == cur:
                continue
            trial = a.copy()
            trial[t] = n
            if self.accept(trial):
                if cur >= 0:
                    free[cur] += d[t]
                free[n] -= d[t]
                self.a = trial
                return True
        return False

    def swaps(self, t: int) -> bool:
        """Trade the nodes of ``t`` and each later task in turn, wherever that fits and lowers the energy."""
        d, free = self.p.demand, self.free
        improved = False
        for s in range(t + 1, self.p.n_tasks):
            nt, ns = self.a[t], self.a[s]
            if nt == ns:
                continue
            # t takes s's node and s takes t's: both nodes must hold the exchange
            if ns >= 0 and not (d[t] - d[s] <= free[ns] + CAPACITY_EPS).all():
                continue
            if nt >= 0 and not (d[s] - d[t] <= free[nt] + CAPACITY_EPS).all():
                continue
            trial = self.a.copy()
            trial[t], trial[s] = ns, nt
            if self.accept(trial):
                if ns >= 0:
                    free[ns] += d[s] - d[t]
                if nt >= 0:
                    free[nt] += d[t] - d[s]
                self.a, improved = trial, True
        return improved


def placement_start(problem: PlacementProblem, objective: str, *, time_limit: float = 1.0) -> np.ndarray:
    """The lowest-energy greedy placement over every rule, improved by ``improve_placement``."""
    starts = [greedy_placement(problem, rule) for rule in GREEDY_RULES]
    a = min(starts, key=lambda x: energy(problem, x, objective))
    return improve_placement(problem, a, objective, time_limit=time_limit)
