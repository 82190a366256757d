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
        self.has_levels = objective in ("balance", "makespan")
        self.dur = problem.duration if objective == "makespan" else None  # only makespan moves durations
        if self.has_levels:
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

    def moved_levels(self, src: int, dst: int, d: np.ndarray, dur: float) -> dict[int, float]:
        """New level of nodes ``src`` and ``dst`` (-1: none) if demand ``d`` of duration ``dur`` moves
        from ``src`` to ``dst``; empty for objectives without levels."""
        if self.obj == "balance":
            new = {}
            if src >= 0:
                new[src] = self._level(src, self.free[src] + d)
            if dst >= 0:
                new[dst] = self._level(dst, self.free[dst] - d)
            return new
        if self.obj == "makespan":
            new = {}
            if src >= 0:
                new[src] = self.busy_after(src, -dur)
            if dst >= 0:
                new[dst] = self.busy_after(dst, dur)
            return new
        return {}

    def relocate(self, t: int, o: int, r: np.ndarray, temp: float, allow_out: bool) -> float | None:
        """Try to move task ``t`` from node ``o`` to the node drawn by ``r[2]`` (-1 out, if allowed);
        the energy change if the move was made, None if it does not fit or was refused."""
        j = int(r[2] * (self.p.n_nodes + (1 if allow_out else 0))) - (1 if allow_out else 0)
        d = self.p.demand[t]
        if j == o or (j >= 0 and not (self.free[j] >= d - CAPACITY_EPS).all()):
            return None
        delta = self.linear(t, j) - self.linear(t, o)
        if self.has_levels:
            changes = self.moved_levels(o, j, d, 0.0 if self.dur is None else self.dur[t])
            delta += self.level_delta(changes)
        if not (delta <= 0 or r[3] < math.exp(-delta / temp)):  # Metropolis
            return None
        if o >= 0:
            self.free[o] += d
        if j >= 0:
            self.free[j] -= d
        self.a[t] = j
        if self.has_levels:
            for jj, v in changes.items():
                self.level[jj] = v
        return delta

    def swap(self, t: int, o: int, r: np.ndarray, temp: float) -> float | None:
        """Try to swap the node ``o`` of task ``t`` with that of the task drawn by ``r[2]``; the
        energy change if the swap was made, None if it does not fit or was refused."""
        t2 = int(r[2] * self.p.n_tasks)
        o2 = int(self.a[t2])
        if o2 < 0 or o2 == o:
            return None
        diff = self.p.demand[t] - self.p.demand[t2]
        if not ((self.free[o] + diff >= -CAPACITY_EPS).all() and (self.free[o2] - diff >= -CAPACITY_EPS).all()):
            return None
        delta = self.linear(t, o2) + self.linear(t2, o) - self.linear(t, o) - self.linear(t2, o2)
        if self.has_levels:
            changes = self.moved_levels(o, o2, diff, 0.0 if self.dur is None else self.dur[t] - self.dur[t2])
            delta += self.level_delta(changes)
        if not (delta <= 0 or r[3] < math.exp(-delta / temp)):  # Metropolis
            return None
        self.free[o] += diff
        self.free[o2] -= diff
        self.a[t], self.a[t2] = o2, o
        if self.has_levels:
            for jj, v in changes.items():
                self.level[jj] = v
        return delta

    def move(self, r: np.ndarray, temp: float, allow_out: bool) -> float | None:
        """One move drawn by the four uniforms ``r``: half relocations, half swaps (a task left
        out can only be relocated)."""
        t = int(r[0] * self.p.n_tasks)
        o = int(self.a[t])
        if r[1] < 0.5 or o < 0:
            return self.relocate(t, o, r, temp, allow_out)
        return self.swap(t, o, r, temp)


def _draws(rng: np.random.Generator, iterations: int, deadline: float | None, batch: int = 1024):
    """Four uniforms per move, drawn ``batch`` moves at a time; the deadline is checked per batch."""
    for k in range(0, iterations, batch):
        u = rng.random((batch, 4))
        if deadline is not None and time.monotonic() > deadline:
            return
        yield from u[:min(batch, iterations - k)]


def _check_iterations(iterations: int) -> None:
    if iterations < 0:
        from mas.errors import InputError

        raise InputError("iterations", iterations, "must be >= 0")


def _run(s: _State, rng: np.random.Generator, iterations: int, time_limit: float | None) -> np.ndarray:
    """The annealing loop from state ``s``: the lowest-energy placement it passed through."""
    p, objective = s.p, s.obj
    cur = energy(p, s.a, objective)
    best, best_a = cur, s.a.copy()
    cool = (1e-3) ** (1.0 / max(1, iterations))
    temp = temperature_scale(p, objective)
    allow_out = objective in ("count", "value")
    deadline = None if time_limit is None else time.monotonic() + time_limit
    for r in _draws(rng, iterations, deadline):
        temp *= cool
        delta = s.move(r, temp, allow_out)
        if delta is None:
            continue
        cur += delta
        if cur < best - 1e-12:
            best, best_a = cur, s.a.copy()
    return best_a


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
    _check_iterations(iterations)
    rng = np.random.default_rng(seed)
    a0 = greedy_placement(problem, "ffd") if start is None else check_placement(problem, start)
    s = _State(problem, objective, a0)
    if problem.n_tasks == 0 or problem.n_nodes == 0 or iterations == 0:
        return s.a.copy()
    best_a = _run(s, rng, iterations, time_limit)
    # the running energy is a sum of deltas: recompute the winner's exactly before trusting it
    if energy(problem, best_a, objective) > energy(problem, a0, objective):
        return a0
    return check_placement(problem, best_a)
