"""Simulated annealing over placements: an anytime heuristic with an iteration and a time budget.

Moves: relocate one task (to another node, or out) or swap the nodes of two
placed tasks. A move that would break a capacity is never made, so every state
is a valid placement. The energy is ``scoring.energy``; the temperature falls
geometrically from a typical move size to a thousandth of it.
"""

from __future__ import annotations

import math
import time

import numpy as np

from mas.resources.greedy import greedy_placement
from mas.resources.placement import check_objective, check_placement, loads
from mas.resources.problem import CAPACITY_EPS, PlacementProblem
from mas.resources.scoring import energy, penalty, temperature_scale


class _State:
    """Placement plus what makes a move's energy change cheap to compute."""

    def __init__(self, problem: PlacementProblem, objective: str, a: np.ndarray) -> None:
        self.p, self.obj = problem, objective
        self.a = a.copy()
        self.free = problem.capacity - loads(problem, a)
        self.pen = penalty(problem, objective)
        cap = problem.capacity
        self.inv = np.divide(1.0, cap, out=np.zeros_like(cap), where=cap > 0)
        self.level = np.zeros(problem.n_nodes)  # per-node utilisation or busy time
        if objective in ("balance", "makespan"):
            for j in range(problem.n_nodes):
                self.level[j] = self._level(j, self.free[j])

    def _level(self, j: int, free_j: np.ndarray) -> float:
        if self.obj == "balance":
            return float(((self.p.capacity[j] - free_j) * self.inv[j]).max(initial=0.0))
        on = self.a == j
        return float(self.p.duration[on].sum() / self.p.speed[j])

    def linear(self, t: int, j: int) -> float:
        """Energy of task t on node j (j = -1: left out), objectives that add up over tasks."""
        if j < 0:
            return self.pen
        if self.obj == "count":
            return -1.0
        if self.obj == "value":
            return -float(self.p.value[t])
        if self.obj == "cost":
            return float(self.p.cost[t, j])
        return 0.0

    def level_delta(self, changes: dict[int, float]) -> float:
        if self.obj not in ("balance", "makespan"):
            return 0.0
        old = float(self.level.max(initial=0.0))
        saved = {j: self.level[j] for j in changes}
        for j, v in changes.items():
            self.level[j] = v
        new = float(self.level.max(initial=0.0))
        for j, v in saved.items():
            self.level[j] = v
        return new - old

    def busy_after(self, j: int, add: float) -> float:
        return (float(self.level[j]) * float(self.p.speed[j]) + add) / float(self.p.speed[j])


def anneal_placement(problem: PlacementProblem, objective: str = "count", *, iterations: int = 20_000,
                     time_limit: float | None = None, seed: int | np.random.Generator | None = None,
                     start: np.ndarray | None = None) -> np.ndarray:
    """Best placement found by simulated annealing within the budget.

    Parameters
    ----------
    problem, objective
        What to place and what to optimise (see ``OBJECTIVES``).
    iterations : int
        Moves tried (default 20,000).
    time_limit : float, optional
        Stop after this many seconds even if moves remain.
    seed : int or numpy.random.Generator
        Same seed, same result.
    start : array, optional
        Initial placement (default: first-fit decreasing).

    Returns
    -------
    numpy.ndarray
        Node index per task (-1 left out); never worse than ``start`` and always valid.

    Examples
    --------
    >>> from mas.resources.problem import Task, Node
    >>> p = PlacementProblem.from_lists([Task("a", {"cpu": 2}), Task("b", {"cpu": 2})], [Node("x", {"cpu": 4})])
    >>> anneal_placement(p, "count", iterations=100, seed=1).tolist()
    [0, 0]
    """
    check_objective(objective)
    if iterations < 0:
        from mas.errors import InputError

        raise InputError("iterations", iterations, "must be >= 0")
    rng = np.random.default_rng(seed)
    a0 = greedy_placement(problem, "ffd") if start is None else check_placement(problem, start)
    s = _State(problem, objective, a0)
    T, N = problem.n_tasks, problem.n_nodes
    cur = energy(problem, s.a, objective)
    best, best_a = cur, s.a.copy()
    if T == 0 or N == 0 or iterations == 0:
        return best_a
    t0 = temperature_scale(problem, objective)
    cool = (1e-3) ** (1.0 / max(1, iterations))
    temp = t0
    allow_out = objective in ("count", "value")
    deadline = None if time_limit is None else time.monotonic() + time_limit
    batch = 1024
    demand = problem.demand
    for k in range(iterations):
        if k % batch == 0:
            u = rng.random((batch, 4))
            if deadline is not None and time.monotonic() > deadline:
                break
        r = u[k % batch]
        temp *= cool
        t = int(r[0] * T)
        o = int(s.a[t])
        if r[1] < 0.5 or o < 0:  # relocate t
            j = int(r[2] * (N + (1 if allow_out else 0))) - (1 if allow_out else 0)
            if j == o or (j >= 0 and not (s.free[j] >= demand[t] - CAPACITY_EPS).all()):
                continue
            delta = s.linear(t, j) - s.linear(t, o)
            changes = {}
            if objective == "balance":
                if o >= 0:
                    changes[o] = s._level(o, s.free[o] + demand[t])
                if j >= 0:
                    changes[j] = s._level(j, s.free[j] - demand[t])
            elif objective == "makespan":
                if o >= 0:
                    changes[o] = s.busy_after(o, -problem.duration[t])
                if j >= 0:
                    changes[j] = s.busy_after(j, problem.duration[t])
            delta += s.level_delta(changes)
            if delta <= 0 or r[3] < math.exp(-delta / temp):
                if o >= 0:
                    s.free[o] += demand[t]
                if j >= 0:
                    s.free[j] -= demand[t]
                s.a[t] = j
                for jj, v in changes.items():
                    s.level[jj] = v
                cur += delta
        else:  # swap t with a task on another node
            t2 = int(r[2] * T)
            o2 = int(s.a[t2])
            if o2 < 0 or o2 == o:
                continue
            diff = demand[t] - demand[t2]
            if not ((s.free[o] + diff >= -CAPACITY_EPS).all() and (s.free[o2] - diff >= -CAPACITY_EPS).all()):
                continue
            delta = s.linear(t, o2) + s.linear(t2, o) - s.linear(t, o) - s.linear(t2, o2)
            changes = {}
            if objective == "balance":
                changes = {o: s._level(o, s.free[o] + diff), o2: s._level(o2, s.free[o2] - diff)}
            elif objective == "makespan":
                dd = problem.duration[t] - problem.duration[t2]
                changes = {o: s.busy_after(o, -dd), o2: s.busy_after(o2, dd)}
            delta += s.level_delta(changes)
            if delta <= 0 or r[3] < math.exp(-delta / temp):
                s.free[o] += diff
                s.free[o2] -= diff
                s.a[t], s.a[t2] = o2, o
                for jj, v in changes.items():
                    s.level[jj] = v
                cur += delta
        if cur < best - 1e-12:
            best, best_a = cur, s.a.copy()
    # the running energy is a sum of deltas: recompute the winner's exactly before trusting it
    if energy(problem, best_a, objective) > energy(problem, a0, objective):
        return a0
    return check_placement(problem, best_a)
