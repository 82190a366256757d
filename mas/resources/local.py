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
    a = np.asarray(a, dtype=np.int64).copy()
    end = time.perf_counter() + time_limit
    free = problem.capacity - loads(problem, a)
    d = problem.demand
    best = energy(problem, a, objective)

    def accept(trial) -> bool:
        nonlocal best
        e = energy(problem, trial, objective)
        if e < best - _STEP * max(1.0, abs(best)):
            best = e
            return True
        return False

    improved = True
    while improved and time.perf_counter() < end:
        improved = False
        for t in range(problem.n_tasks):
            cur = a[t]
            room = free + (d[t] if cur >= 0 else 0.0) * (np.arange(problem.n_nodes) == cur)[:, None]
            for n in np.flatnonzero((d[t] <= room + CAPACITY_EPS).all(axis=1)):
                if n == cur:
                    continue
                trial = a.copy()
                trial[t] = n
                if accept(trial):
                    if cur >= 0:
                        free[cur] += d[t]
                    free[n] -= d[t]
                    a, improved = trial, True
                    break
            if time.perf_counter() > end:
                return a
        for t in range(problem.n_tasks):
            for s in range(t + 1, problem.n_tasks):
                nt, ns = a[t], a[s]
                if nt == ns:
                    continue
                # t takes s's node and s takes t's: both nodes must hold the exchange
                if ns >= 0 and not (d[t] - d[s] <= free[ns] + CAPACITY_EPS).all():
                    continue
                if nt >= 0 and not (d[s] - d[t] <= free[nt] + CAPACITY_EPS).all():
                    continue
                trial = a.copy()
                trial[t], trial[s] = ns, nt
                if accept(trial):
                    if ns >= 0:
                        free[ns] += d[s] - d[t]
                    if nt >= 0:
                        free[nt] += d[t] - d[s]
                    a, improved = trial, True
            if time.perf_counter() > end:
                return a
    return a


def placement_start(problem: PlacementProblem, objective: str, *, time_limit: float = 1.0) -> np.ndarray:
    """The lowest-energy greedy placement over every rule, improved by ``improve_placement``."""
    starts = [greedy_placement(problem, rule) for rule in GREEDY_RULES]
    a = min(starts, key=lambda x: energy(problem, x, objective))
    return improve_placement(problem, a, objective, time_limit=time_limit)
