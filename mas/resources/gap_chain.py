"""Ejection-chain tabu search for the GAP (after Yagiura, Ibaraki and Glover, 2004).

The search walks through infeasible assignments too: an agent over capacity
costs alpha_i per unit of excess, alpha_i grows while agent i stays over and
shrinks while every agent is within, so the walk oscillates around the
boundary of the feasible region, where the good assignments of tight instances
lie. Besides shifts (one job to another agent) and swaps (two jobs trade
agents) every step considers ejection chains: job j1 moves to the agent of j2,
which moves to the agent of j3, ..., and the last job moves to any agent. A
chain makes room where a shift cannot (d20100, 20 CPU seconds from the greedy
start, tenure n/10: 6238 with chains of up to 4 jobs, 6272 with shifts and
swaps alone, ``depth=1``).

All chains are priced at once as arrays: ``X[j, k]`` is the change when j
enters k's agent as k leaves it (cost and that agent's penalty), ``into[i, k]``
the change when k enters agent i, and the best chain continuing from an
ejected job is a shortest path of at most ``depth`` jobs,
``V_t = min(V_0, min_l X[:, l] + V_{t-1}[l])`` -- ``depth - 1`` min-plus products of
an n x n matrix per step. The path's price assumes its agents differ; the few
best chains are therefore re-priced exactly before one is taken. A job may not
return to an agent it left within the last few steps (a short tenure, n/30:
on type D it did far better than n/10). After ``_RESTART`` steps without a new
best the walk restarts from one of the best few feasible assignments seen. The
best feasible assignment seen is returned, never worse than the start.
"""

from __future__ import annotations

import time

import numpy as np

#: steps without a new best before the walk restarts from an elite assignment; the alpha step per step
_RESTART = 3_000
_ALPHA_STEP = 0.02
#: the cheapest chains by their path price that are re-priced exactly each step
_EXACT = 4
#: the best distinct feasible assignments kept; a restart goes back to one of them at random
_ELITE = 8


def gap_chain(inst, a: np.ndarray, *, maximize: bool = False, time_limit: float = 10.0,
              seed: int | np.random.Generator | None = 0, bound: float | None = None,
              max_steps: int | None = None, patience: int | None = None, depth: int = 4,
              clock: str = "wall") -> np.ndarray:
    """A feasible assignment no worse than the feasible ``a``, after ``time_limit`` seconds (or ``max_steps``).

    Parameters
    ----------
    inst : GapInstance
    a : feasible agent per job (the start)
    time_limit : seconds of search, measured on ``clock``
    seed : int or numpy Generator, breaks ties between equal moves and draws the tabu tenures
    bound : a proven bound on the optimum (integer data: rounded); the search stops on reaching it
    max_steps : stop after this many moves (None: no limit)
    patience : stop after this many steps without a new best (None: use the whole time)
    depth : most jobs one ejection chain moves (1: shifts and swaps only)
    clock : "wall" (``time.perf_counter``) or "cpu" (``time.process_time``, this process's CPU seconds)

    Returns
    -------
    numpy.ndarray
        agent per job, feasible, and at most (at least, maximising) the start's total.

    Raises
    ------
    InputError
        ``depth`` below 1 or an unknown ``clock``.

    Examples
    --------
    >>> from mas.resources.gap import GapInstance
    >>> inst = GapInstance("t", np.array([[1., 5., 5.], [4., 2., 1.]]), np.ones((2, 3)), np.array([2., 2.]))
    >>> gap_chain(inst, np.array([1, 0, 1]), max_steps=50).tolist()
    [0, 1, 1]
    """
    from mas.errors import InputError

    if not isinstance(depth, (int, np.integer)) or depth < 1:
        raise InputError("depth", depth, "must be an integer >= 1")
    if clock not in ("wall", "cpu"):
        raise InputError("clock", clock, "unknown; choose wall or cpu")
    timer = time.perf_counter if clock == "wall" else time.process_time
    walk = _Walk(inst, a, maximize=maximize, rng=np.random.default_rng(seed), depth=depth)
    if inst.agents < 2 or inst.jobs == 0:
        return walk.best
    target = None if bound is None else walk.sign * bound
    end = timer() + time_limit
    step = 0
    while True:
        step += 1
        if ((max_steps is not None and step > max_steps) or (step % 32 == 0 and timer() > end)
                or (target is not None and walk.best_value <= target + 1e-9)
                or (patience is not None and step - walk.last_best > patience)):
            break
        walk.step(step)
    return walk.best


class _Walk:
    """The state of one penalised walk: assignment, loads, penalty weights, tabu list, best and elite."""

    def __init__(self, inst, a, *, maximize: bool, rng: np.random.Generator, depth: int) -> None:
        self.rng, self.depth = rng, depth
        m, n = inst.agents, inst.jobs
        self.sign = -1.0 if maximize else 1.0
        self.cost = self.sign * inst.cost.astype(float)
        self.w = inst.weight.astype(float)
        self.cap = inst.capacity.astype(float)
        self.jobs = np.arange(n)
        self.cur = np.asarray(a, dtype=np.int64).copy()
        self.best, self.best_value = self.cur.copy(), float(self.cost[self.cur, self.jobs].sum())
        self.load = np.bincount(self.cur, weights=self.w[self.cur, self.jobs], minlength=m)
        # one unit of excess capacity costs about what one unit of resource is worth
        self.alpha0 = float(np.abs(self.cost).mean() / max(self.w.mean(), 1e-12)) if n else 0.0
        self.alpha = np.full(m, self.alpha0)
        self.tabu = np.zeros((m, n), dtype=np.int64)
        # short: on type D a tenure of n/10 ended 20-40 units worse than n/30 after 15 CPU seconds
        self.tenure = max(2, n // 30)
        self.since_best = self.last_best = 0
        self.noise = 1e-7 * (float(np.abs(self.cost).max()) or 1.0) if n else 0.0
        self.upper = np.triu(np.ones((n, n), dtype=bool), 1)
        self.elite: list = []

    def step(self, step: int) -> None:
        moves = self._moves(step)
        if not moves:
            self.tabu[:] = 0
            return
        _, chain = min(moves, key=lambda t: t[0])
        self._make(chain, step)
        over = self._adapt_penalties()
        self.since_best += 1
        if not over:
            self._record(step)
        if self.since_best > _RESTART:
            self._restart()

    def _moves(self, step: int) -> list:
        """The exactly priced candidates: the best few ejection chains and the best swap."""
        cost, w, cap, alpha, load, cur, jobs = self.cost, self.w, self.cap, self.alpha, self.load, self.cur, self.jobs
        n = jobs.size
        over0 = alpha * np.maximum(load - cap, 0.0)
        cj, wj = cost[cur, jobs], w[cur, jobs]
        lc, cc, ac, pc = load[cur], cap[cur], alpha[cur], over0[cur]
        allowed = self.tabu <= step
        # j leaves its agent alone / k enters agent i alone
        out = -cj + ac * np.maximum(lc - wj - cc, 0.0) - pc
        into = cost + alpha[:, None] * np.maximum(load[:, None] + w - cap[:, None], 0.0) - over0[:, None]
        into[cur, jobs] = np.inf
        into[~allowed] = np.inf
        # X[j, k]: j enters the agent of k while k leaves it (k's cost goes, that agent's penalty changes)
        xt = cost[cur] + ac[:, None] * np.maximum(lc[:, None] + w[cur] - wj[:, None] - cc[:, None], 0.0) \
            - (pc + cj)[:, None]
        x = xt.T.copy()
        x[(cur[:, None] == cur[None, :]) | ~allowed[cur[None, :], jobs[:, None]]] = np.inf
        swap = x + x.T
        swap[~self.upper] = np.inf
        v0 = into.min(axis=0)
        values, links = [v0], []
        for _ in range(self.depth - 1):
            cand = x + values[-1][None, :]
            nxt = cand.argmin(axis=1)
            links.append(nxt)
            values.append(np.minimum(v0, cand[jobs, nxt]))
        total = out + values[-1] + self.noise * self.rng.random(n)
        chains = [_chain(int(j1), values, links, v0, into) for j1 in np.argsort(total)[:_EXACT]]
        s = int(np.argmin(swap))
        if np.isfinite(swap.flat[s]):
            j, k = divmod(s, n)
            chains.append([(j, int(cur[k])), (k, int(cur[j]))])
        return [(_price(c, cur, cost, w, cap, alpha, load), c) for c in chains if c is not None]

    def _make(self, chain: list, step: int) -> None:
        for j, i in chain:
            old = self.cur[j]
            self.tabu[old, j] = step + self.tenure + int(self.rng.integers(0, 3))
            self.load[old] -= self.w[old, j]
            self.load[i] += self.w[i, j]
            self.cur[j] = i

    def _adapt_penalties(self) -> bool:
        """Infeasible: the agents over capacity get dearer, the more the further over; feasible: all cheaper."""
        over = self.load > self.cap + 1e-9
        if over.any():
            excess = np.maximum(self.load - self.cap, 0.0)
            self.alpha = np.minimum(self.alpha * (1 + _ALPHA_STEP * excess / excess.max()), 100 * self.alpha0)
        else:
            self.alpha = np.maximum(self.alpha * (1 - _ALPHA_STEP), 0.01 * self.alpha0)
        return bool(over.any())

    def _record(self, step: int) -> None:
        """A feasible assignment: a new best, and perhaps one of the elite."""
        value = float(self.cost[self.cur, self.jobs].sum())
        if value < self.best_value - 1e-9:
            self.best, self.best_value = self.cur.copy(), value
            self.since_best, self.last_best = 0, step
        elite = self.elite
        if (len(elite) < _ELITE or value < elite[-1][0]) and all(value != e[0] for e in elite):
            elite.append((value, self.cur.copy()))
            elite.sort(key=lambda e: e[0])
            del elite[_ELITE:]

    def _restart(self) -> None:
        self.cur = self.elite[int(self.rng.integers(len(self.elite)))][1].copy() if self.elite else self.best.copy()
        self.load = np.bincount(self.cur, weights=self.w[self.cur, self.jobs], minlength=self.cap.size)
        self.since_best = 0


def _chain(j1: int, values: list, links: list, v0: np.ndarray, into: np.ndarray) -> list | None:
    """The moves (job, new agent) of the cheapest path from ``j1``; it ends at the first job it would repeat."""
    chain, seen, j, t = [], {j1}, j1, len(values) - 1
    while True:
        if t > 0 and values[t][j] < v0[j]:
            k = int(links[t - 1][j])
            if k not in seen:
                chain.append((j, -1 - k))  # to k's agent, filled in below
                seen.add(k)
                j, t = k, t - 1
                continue
        i = int(np.argmin(into[:, j]))
        if not np.isfinite(into[i, j]):
            return None
        chain.append((j, i))
        return chain


def _price(chain: list, cur: np.ndarray, cost, w, cap, alpha, load) -> float:
    """The exact change of the penalised total when the moves of ``chain`` are made together."""
    moves = [(j, int(cur[-1 - i]) if i < 0 else i) for j, i in chain]
    chain[:] = moves
    delta = 0.0
    new = {}
    for j, i in moves:
        old = int(cur[j])
        delta += cost[i, j] - cost[old, j]
        new[old] = new.get(old, load[old]) - w[old, j]
        new[i] = new.get(i, load[i]) + w[i, j]
    for i, li in new.items():
        delta += alpha[i] * (max(li - cap[i], 0.0) - max(load[i] - cap[i], 0.0))
    return delta
