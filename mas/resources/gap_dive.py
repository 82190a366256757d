"""Price and dive for the GAP: column generation on the set-partitioning model, then randomised LP dives.

In the set-partitioning model (Savelsbergh 1997) a column is a set of jobs
that one agent can take within its capacity; an assignment is one column per
agent (an agent may take none) covering every job once. Its LP relaxation is
the Lagrangian bound of relaxing the one-agent-per-job rows, much tighter than
the plain model's LP on tight instances (d20100: 6176.1 against 6142.5; the
optimum is 6185). A column of negative reduced cost is priced by a 0-1
knapsack per agent, solved by dynamic programming over the integer capacities
for all agents at once.

A dive solves the master LP over the columns known, adds priced columns until
none has a negative reduced cost, fixes one column (the one at value 1, or one
of the three largest at random, weighted by value^4) and repeats on the jobs
and agents left; once at most ``tail`` jobs are open it solves the rest
exactly with HiGHS. Each dive keeps its new columns, so later dives start from
a richer pool. d20100, 60 s from the greedy assignment: 6190-6197, where 100 s
of the ejection-chain search end at 6212-6219 (benchmarks/RESULTS.md).

Applies when the resource uses and capacities are integers and the knapsack
tables stay small (:func:`divable`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

#: the most booleans the knapsack's choice table may hold (agents x jobs x (capacity + 1))
_TABLE_LIMIT = 30_000_000
#: open jobs below which a dive hands the rest to HiGHS, and HiGHS's seconds for it
_TAIL = 25
_TAIL_SECONDS = 5.0
#: pricing rounds per LP of a dive
_PRICING_ROUNDS = 30
#: the share of the time the root's pricing may take
_ROOT_SHARE = 0.5
#: the weight of the best-bound duals in the duals that price (Wentges smoothing)
_SMOOTHING = 0.7
#: dives without a complete assignment after which the dives stop
_GIVE_UP = 5


@dataclass
class Dive:
    """The best assignment of the dives (never worse than the start), the Lagrangian bound, dives made."""

    assignment: np.ndarray
    bound: float
    dives: int

    def to_dict(self) -> dict:
        return {"assignment": [int(x) for x in self.assignment], "bound": self.bound, "dives": self.dives}


def divable(inst) -> bool:
    """Whether the knapsack pricing applies: integer resource uses and capacities, tables of bounded size."""
    w, cap = inst.weight, inst.capacity
    if inst.agents == 0 or inst.jobs == 0 or not (np.isfinite(w).all() and np.isfinite(cap).all()):
        return False
    if (w != np.round(w)).any() or (cap != np.round(cap)).any() or (w < 0).any() or (cap < 0).any():
        return False
    return inst.agents * inst.jobs * (float(cap.max()) + 1) <= _TABLE_LIMIT


def gap_dive(inst, a: np.ndarray, *, maximize: bool = False, time_limit: float = 10.0,
             seed: int | np.random.Generator | None = 0, bound: float | None = None,
             max_dives: int | None = None) -> Dive:
    """Dives from the columns of the feasible assignment ``a`` for ``time_limit`` seconds.

    Parameters
    ----------
    inst : GapInstance with integer resource uses and capacities (:func:`divable`)
    a : feasible agent per job
    time_limit : seconds (wall clock) for all dives
    seed : int or numpy Generator for the choice of the column fixed
    bound : a proven bound on the optimum; the dives stop when the best assignment reaches it
    max_dives : stop after this many dives (None: use the whole time); within the time, the same seed then
        gives the same result

    Returns
    -------
    Dive
        ``assignment`` feasible and no worse than ``a``; ``bound`` the Lagrangian bound of the root
        (a lower bound of a minimum, an upper bound of a maximum; -inf/+inf if the root LP failed).

    Raises
    ------
    InputError
        An instance the knapsack pricing does not apply to.

    Examples
    --------
    >>> from mas.resources.gap import GapInstance
    >>> inst = GapInstance("t", np.array([[1., 5., 5.], [4., 2., 1.]]), np.ones((2, 3)), np.array([2., 2.]))
    >>> d = gap_dive(inst, np.array([1, 0, 1]), time_limit=1.0)
    >>> d.assignment.tolist(), d.bound
    ([0, 1, 1], 4.0)
    """
    from mas.errors import InputError

    if not divable(inst):
        raise InputError("instance", inst.name, "needs integer resource uses and capacities of bounded size "
                                                "for the knapsack pricing")
    end = time.perf_counter() + time_limit
    master = _Master(inst, -1.0 if maximize else 1.0)
    start = np.asarray(a, dtype=np.int64).copy()
    master.add_assignment(start)
    best, best_value = start, master.value(start)
    rng = np.random.default_rng(seed)
    # the root may take all the time (slow convergence with few agents): then no dive
    root = master.root_bound(time.perf_counter() + _ROOT_SHARE * time_limit)
    target = -math.inf if bound is None else master.sign * bound
    if math.isfinite(root):
        target = max(target, math.ceil(root - 1e-6) if master.integer else root)
    dives = found = 0
    while time.perf_counter() < end and best_value > target + 1e-9 and (max_dives is None or dives < max_dives):
        if dives >= _GIVE_UP and not found:
            break  # the pool's columns do not combine into assignments here (few agents, long tails)
        got = master.dive(rng, end)
        dives += 1
        found += got is not None
        value = math.inf if got is None else master.value(got)
        if value < best_value - 1e-9:
            best, best_value = got, value
    user_bound = master.sign * root if math.isfinite(root) else -master.sign * math.inf
    return Dive(best, user_bound, dives)


class _Master:
    """The column pool (agent per column, jobs per column as a boolean matrix), its LP in HiGHS, the pricing.

    The LP keeps one artificial column per job at a prohibitive cost, so that it
    stays feasible while a dive's pool cannot yet cover the open jobs; its duals
    then price in the columns that can. Columns are added to the live model and
    the simplex restarts from the last basis.
    """

    def __init__(self, inst, sign: float) -> None:
        import scipy.sparse as sp

        from mas.mip import add_rows, new_highs

        self.inst, self.sign = inst, sign
        self.cost = sign * inst.cost.astype(float)
        self.w = inst.weight.astype(np.int64)
        self.cap = inst.capacity.astype(np.int64)
        self.m, self.n = self.cost.shape
        self.integer = bool((self.cost == np.round(self.cost)).all())
        self.agent = np.zeros(0, dtype=np.int64)
        self.jobs = np.zeros((0, self.n), dtype=bool)
        self.known: set = set()
        m, n = self.m, self.n
        self.h = h = new_highs()
        add_rows(h, sp.csr_array((n + m, 0)), np.concatenate([np.ones(n), np.full(m, -np.inf)]), np.ones(n + m))
        big = 2.0 * float(np.abs(self.cost).max(initial=0.0)) * n + 1.0  # dearer than any real assignment
        h.addCols(n, np.full(n, big), np.zeros(n), np.full(n, np.inf), n, np.arange(n, dtype=np.int32),
                  np.arange(n, dtype=np.int32), np.ones(n))

    def value(self, a: np.ndarray) -> float:
        return float(self.cost[a, np.arange(self.n)].sum())

    def add_assignment(self, a: np.ndarray) -> None:
        x = np.zeros((self.m, self.n), dtype=bool)
        x[a, np.arange(self.n)] = True
        self._add(np.arange(self.m), x)

    def _add(self, agents, sets) -> int:
        new = [(int(i), s) for i, s in zip(agents, sets) if (int(i), s.tobytes()) not in self.known]
        if not new:
            return 0
        for i, s in new:
            self.known.add((i, s.tobytes()))
        agent = np.array([i for i, _ in new], dtype=np.int64)
        sets = np.array([s for _, s in new], dtype=bool)
        self.agent = np.concatenate([self.agent, agent])
        self.jobs = np.vstack([self.jobs, sets])
        # column k covers its jobs' rows and its agent's row n + i
        index = [np.append(np.flatnonzero(s), self.n + i).astype(np.int32) for i, s in new]
        starts = np.cumsum([0] + [len(ix) for ix in index[:-1]]).astype(np.int32)
        index = np.concatenate(index)
        cost = (self.cost[agent] * sets).sum(axis=1)
        self.h.addCols(len(new), cost, np.zeros(len(new)), np.full(len(new), np.inf), index.size, starts, index,
                       np.ones(index.size))
        return len(new)

    def knapsacks(self, profit: np.ndarray, agents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per agent the most profit within its capacity and the jobs that give it (0-1 knapsack, DP)."""
        m, n, w, cap = self.m, self.n, self.w, self.cap
        size = int(cap.max()) + 1
        levels = np.arange(size)
        rows = np.arange(m)[:, None]
        best = np.zeros((m, size))
        took = np.zeros((n, m, size), dtype=bool)
        profit = np.where(agents[:, None], profit, 0.0)
        for j in np.flatnonzero((profit > 0).any(axis=0)):
            rest = levels[None, :] - w[:, j][:, None]
            cand = np.where((rest >= 0) & (profit[:, j][:, None] > 0),
                            best[rows, np.maximum(rest, 0)] + profit[:, j][:, None], -np.inf)
            took[j] = cand > best
            best = np.maximum(best, cand)
        value = best[np.arange(m), cap]
        chosen = np.zeros((m, n), dtype=bool)
        left = cap.copy()
        for j in range(n - 1, -1, -1):
            t = took[j][np.arange(m), left]
            chosen[t, j] = True
            left = left - np.where(t, w[:, j], 0)
        return value, chosen

    def _lp(self):
        """Solve the LP from the last basis: (column values, artificial ones first; job duals; agent duals) or None."""
        import highspy

        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value)
        y = np.asarray(sol.row_dual)
        return x, y[: self.n], y[self.n:]

    def _price_out(self, open_jobs, open_agents, end: float, rounds: float = _PRICING_ROUNDS,
                   smooth: bool = False):
        """Re-solve the LP while priced columns come in: (artificial and real values, best Lagrangian bound).

        None when the LP fails. Any job duals give the Lagrangian bound
        sum(u) - sum(best knapsack), so the best of the rounds is kept. With
        ``smooth`` pricing uses the LP's duals smoothed towards the best-bound
        ones (Wentges 1997): the LP's duals jump between rounds, the smoothed
        ones converge in fewer rounds (the root of d05100: 2.6 s instead of
        9.7). When the smoothed duals find no column that the LP's own duals
        price negative, the LP's duals are tried. (In the dives it made no
        difference beyond the seed noise.)
        """
        bound, done, centre = -math.inf, 0, None
        while True:
            got = self._lp()
            if got is None:
                return None
            x, u, v = got
            u = np.where(open_jobs, u, 0.0)
            added = 0
            tries = [u] if centre is None or not smooth else [_SMOOTHING * centre + (1 - _SMOOTHING) * u, u]
            for duals in tries:
                profit = np.where(open_jobs[None, :], duals[None, :] - self.cost, -1.0)
                value, chosen = self.knapsacks(profit, open_agents)
                at = float(duals.sum() - value[open_agents].sum())
                if at > bound:
                    bound, centre = at, duals
                # reduced cost under the LP's duals, whichever duals found the column
                reduced = (np.where(chosen, self.cost - u[None, :], 0.0)).sum(axis=1) - v
                priced = open_agents & (reduced < -1e-6)
                added = self._add(np.flatnonzero(priced), chosen[priced])
                if added:
                    break
            done += 1
            if not added or done >= rounds or time.perf_counter() > end:
                return np.concatenate([x, np.zeros(self.n + self.agent.size - x.size)]), bound

    def root_bound(self, end: float) -> float:
        """The Lagrangian bound at the root, pricing until no column has a negative reduced cost (or ``end``)."""
        got = self._price_out(np.ones(self.n, dtype=bool), np.ones(self.m, dtype=bool), end, rounds=math.inf,
                              smooth=True)
        return -math.inf if got is None else got[1]

    def dive(self, rng: np.random.Generator, end: float) -> np.ndarray | None:
        """One randomised dive to a complete assignment, or None when it runs into an infeasible rest."""
        from mas.resources.gap import GapInstance, gap_exact

        open_jobs = np.ones(self.n, dtype=bool)
        open_agents = np.ones(self.m, dtype=bool)
        a = np.full(self.n, -1, dtype=np.int64)
        fixed: list[int] = []
        try:
            while open_jobs.sum() > _TAIL:
                got = self._price_out(open_jobs, open_agents, end)
                if got is None or time.perf_counter() > end or got[0][: self.n].max() > 1e-6:
                    return None  # the pool cannot cover the open jobs (yet): give up this dive
                x = got[0][self.n:]
                usable = np.flatnonzero(open_agents[self.agent] & (x > 1e-9))
                order = usable[np.argsort(-x[usable])]
                if x[order[0]] > 1 - 1e-6:
                    k = int(order[0])
                else:
                    top = order[:3]
                    weight = x[top] ** 4
                    k = int(rng.choice(top, p=weight / weight.sum()))
                self.h.changeColBounds(self.n + k, 1.0, 1.0)
                fixed.append(k)
                a[self.jobs[k]] = self.agent[k]
                open_jobs &= ~self.jobs[k]
                open_agents[self.agent[k]] = False
        finally:
            for k in fixed:
                self.h.changeColBounds(self.n + k, 0.0, np.inf)
        free, agents = np.flatnonzero(open_jobs), np.flatnonzero(open_agents)
        if free.size == 0:
            return a
        if agents.size == 0:
            return None
        inst = self.inst
        sub = GapInstance("tail", inst.cost[np.ix_(agents, free)], inst.weight[np.ix_(agents, free)],
                          inst.capacity[agents].astype(float))
        rest, _ = gap_exact(sub, maximize=self.sign < 0,
                            time_limit=max(min(_TAIL_SECONDS, end - time.perf_counter()), 1e-3))
        if rest is None:
            return None
        a[free] = agents[rest]
        return a
