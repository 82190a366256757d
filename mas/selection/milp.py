"""Exact best set for every k: a combinatorial branch and bound where it is fast, else HiGHS.

Under lambda = participants, ``milp_strategy`` first walks k upward with
``mas.selection.branch`` adding agents, then k downward from n with it
leaving agents out, each until a k needs more than ``BRANCH_WORK`` (nodes x
agents x subtasks; node counts grow by a steady ratio per k, so the next k's
is predicted); the k in between go to the MILP below, the k before and after
them are already proven.  ``benchmarks/bench_costs.py --part milp``, n = m =
40 every k (CPU seconds): HiGHS alone 136-159, with the trees 32 (upward
k <= 17, downward k >= 23, HiGHS k = 18..22); n = m = 30: 20 -> 1.4, every k
by the trees.  Under lambda = working every k is the MILP (the trees know no
allocation rule).

The MILP, solved by HiGHS (highspy):

Variables: z_j (agent j participates, binary), u (execution cost levels, see
``_Levels``: u_it = 1 while subtask i has no participant of cost <= its t-th
distinct cost; continuous, integral once z is), y_jl (both j and l
participate, continuous: for binary z the constraints force y = z_j z_l).

    min  sum_i sum_t (v_i,t+1 - v_it) u_it + sum_{j<l} (P_jl + P_lj) y_jl
    s.t. u_it >= u_i,t-1 - sum_{j: C_ij = v_it} z_j   (u_i0 = 1, last u_it = 0),
         sum_j z_j = k,
         y_jl <= z_j,  y_jl <= z_l,  sum_{l != j} y_jl = (k - 1) z_j

For binary z the degree rows force y = z_j z_l: a member j has exactly k - 1
partners, each at most 1 and only among members.  (The usual
y_jl >= z_j + z_l - 1 is therefore implied; leaving it out saves C(n, 2) rows,
about 8% of the time.)

Almost all of the relaxation's gap is in the pair part (a minimum-weight
k-subgraph problem): its LP spreads z thinly over many agents and puts y on a
cheap sparse "graph" no k-clique can match (n = m = 30, k = 12: LP 511 vs
optimum 636; the execution part alone is nearly integral).  What closes most
of it, measured (CPU seconds) on ``benchmarks/bench_costs.py``'s n = m = 30:

* Cuts separated at the root (solve the LP, add the most violated, repeat,
  warm-started): triangle inequalities  y_jl + y_lq - y_jq <= z_l  and 3-clique
  inequalities  z_a + z_b + z_c - y_ab - y_ac - y_bc <= 1.  Both hold for every
  integer point and every k; listing all 4 C(n, 3) of them up front would
  slow every LP.  k = 12: root bound 511 -> 629.  The cuts tight at the end of
  one k seed the next k, which then needs fewer rounds.
* A MIP start: the best of the swap local search (``local_search.improve``)
  started from the previous k's optimum plus its best agent, from greedy's
  prefix and from the rounded root LP.  It is usually optimal already, so
  HiGHS only has to prove it instead of running its primal heuristics
  (k = 12, with triangle cuts only: 11 s -> 4.7 s).
* Cost levels instead of assignment variables x_ij <= z_j: the same LP bound
  with a third of the columns when costs repeat (k = 3..15: 37 -> 29 s).
  Any k agents cover subtask i at or below its k-th largest cost, so the
  levels from there up are fixed to 0 (uniform float costs: 46 -> 41 s).
* When the root bound already meets the start's D (most k >= n/2) the start
  is returned without branch-and-bound.

Tried and not kept (no gain beyond noise): 4-clique inequalities
(alpha = 1, 2), HiGHS primal heuristics off, other cut batch sizes.

The first two need an incremental interface to HiGHS (adding rows to a solved
LP, ``setSolution``) that ``scipy.optimize.milp`` does not offer; hence highspy
(the same solver).  The result stays exact: cuts only remove fractional points,
the start is only an incumbent, and the MIP gap is 0 -- for integer costs a
bound within 1 of D proves it (D is then an integer), for real costs the
tolerance of ``mas.mip``.  Each k's certificate (D, bound, gap, optimal,
status) is kept in ``milp_strategy(...).certificates``; a k stopped by the
time limit says "time limit" there.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import scipy.sparse as sp

from mas.mip import Certificate, certify, integral, set_exact_gaps, set_start
from mas.mip import add_rows as _add_rows
from mas.mip import new_highs as _new_highs
from mas.selection import register
from mas.selection.branch import best_of_size

#: cuts of one family added per separation round, and at most this many rounds per k
_CUTS_PER_ROUND = 1000
_MAX_ROUNDS = 30
_VIOLATION = 1e-6
#: lambda = participants: each tree's budget per k, in nodes x agents x subtasks (n = m = 40:
#: 350,000 nodes, about 3-4 s CPU; HiGHS takes 0.5-7 s for a k in the middle, measured)
BRANCH_WORK = 560_000_000
#: above this many agents HiGHS solves every k (the trees' pair tables take n^3 / 2 floats)
BRANCH_MAX_AGENTS = 150
#: above this many agents the 3 C(n, 3) candidate cuts are not even listed (memory)
_MAX_TRIANGLE_AGENTS = 150


def _triples(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All a < b < c below n, as three index arrays."""
    parts = []
    for a in range(n - 2):
        b, c = np.triu_indices(n - a - 1, 1)
        parts.append((np.full(b.size, a), b + a + 1, c + a + 1))
    if not parts:
        return (np.zeros(0, dtype=np.intp),) * 3
    return tuple(np.concatenate(t).astype(np.intp) for t in zip(*parts))


class _Cuts:
    """One family of valid inequalities  row . x[cols] <= rhs,  separated from LP solutions.

    The cuts that are tight at the end of one k seed the next k (they hold for
    every k), so later k's need fewer separation rounds.
    """

    def __init__(self, cols: np.ndarray, coef: np.ndarray, rhs: float, size: int) -> None:
        self.cols, self.coef, self.rhs, self.size = cols, coef, rhs, size
        self.pool = np.zeros(cols.shape[0], dtype=bool)
        self.have = self.pool

    def _rows(self, which: np.ndarray) -> sp.csr_array:
        r = np.repeat(np.arange(which.size), self.cols.shape[1])
        data = np.tile(self.coef, which.size)
        return sp.csr_array((data, (r, self.cols[which].ravel())), shape=(which.size, self.size))

    def _violation(self, x: np.ndarray) -> np.ndarray:
        return x[self.cols] @ self.coef - self.rhs

    def begin(self, h) -> None:
        self.have = self.pool.copy()
        _add_rows(h, self._rows(np.flatnonzero(self.have)), -np.inf, self.rhs)

    def separate(self, h, x: np.ndarray) -> int:
        """Add the most violated cuts not in the LP yet; returns how many."""
        violation = self._violation(x)
        violation[self.have] = -np.inf
        new = np.flatnonzero(violation > _VIOLATION)
        new = new[np.argsort(-violation[new], kind="stable")[:_CUTS_PER_ROUND]]
        self.have[new] = True
        _add_rows(h, self._rows(new), -np.inf, self.rhs)
        return new.size

    def keep_tight(self, x: np.ndarray) -> None:
        self.pool = self.have & (self._violation(x) > -_VIOLATION)


class _Levels:
    """The execution part as "still uncovered at cost level t" variables (one per distinct cost).

    For subtask i with distinct finite costs v_1 < ... < v_r, u_t = 1 when no
    participant executes i at cost <= v_t; then  min_{j in S} C_ij = v_1 +
    sum_{t<r} (v_{t+1} - v_t) u_t,  and  u_t >= u_{t-1} - sum_{j: C_ij = v_t} z_j
    (u_0 = 1, u_r = 0 forces coverage).  Same LP bound as assignment variables
    x_ij <= z_j, but with integer costs far fewer columns and rows (n = m = 30,
    costs 1..10: 270 instead of 900).
    """

    def __init__(self, C: np.ndarray) -> None:
        subtask, value, step, upper, previous, row, agent = [], [], [], [], [], [], []
        for i, costs in enumerate(C):
            finite = np.flatnonzero(np.isfinite(costs))
            v, level = np.unique(costs[finite], return_inverse=True)
            first = len(subtask)
            subtask += [i] * v.size
            value += v.tolist()
            step += np.diff(v).tolist() + [0.0]
            upper += [1.0] * (v.size - 1) + [0.0]
            previous += [-1] + list(range(first, first + v.size - 1))
            row += (first + level).tolist()
            agent += finite.tolist()
        self.subtask = np.array(subtask, dtype=np.intp)
        self.value = np.array(value, dtype=float)
        self.step = np.array(step, dtype=float)
        self.upper = np.array(upper, dtype=float)
        self.previous = np.array(previous, dtype=np.intp)
        self.row = np.array(row, dtype=np.intp)
        self.agent = np.array(agent, dtype=np.intp)
        self.size = self.subtask.size


class _Program:
    def __init__(self, C: np.ndarray, W: np.ndarray) -> None:
        n = C.shape[1]
        self.C, self.n, self.W = C, n, W
        self.rule = None  # participation="working": the allocation rule, S -> subtask's agent (_add_working)
        pj, pl = np.triu_indices(n, 1)
        self.pj, self.pl = pj, pl
        npair = pj.size
        ay = np.arange(npair)
        levels = _Levels(C)
        self.levels = levels
        nu = levels.size
        yo = n + nu  # offset of y; u follows z
        self.yo = yo
        self.size = yo + npair
        self.c = np.concatenate([np.zeros(n), levels.step, W[pj, pl]])
        self.offset = float(levels.value[levels.previous < 0].sum())  # sum of cheapest costs
        self.upper = np.concatenate([np.ones(n), levels.upper, np.ones(npair)])

        def block(data, r, c, nrows):
            return sp.csr_array((data, (r, c)), shape=(nrows, self.size))

        ones_p, minus_p = np.ones(npair), -np.ones(npair)
        au = np.arange(nu)
        prev = np.flatnonzero(levels.previous >= 0)
        blocks = [
            # u_t - u_{t-1} + sum_{j at level t} z_j >= 0  (u_0 = 1: right-hand side 1 at t = 1)
            (block(np.r_[np.ones(nu), -np.ones(prev.size), np.ones(levels.agent.size)],
                   np.r_[au, prev, levels.row],
                   np.r_[n + au, n + levels.previous[prev], levels.agent], nu),
             np.where(levels.previous < 0, 1.0, 0.0), np.inf),
            # y - z_j <= 0 ; y - z_l <= 0  (y >= z_j + z_l - 1 follows from the degree rows)
            (block(np.r_[ones_p, minus_p], np.r_[ay, ay], np.r_[yo + ay, pj], npair), -np.inf, 0.0),
            (block(np.r_[ones_p, minus_p], np.r_[ay, ay], np.r_[yo + ay, pl], npair), -np.inf, 0.0),
        ]
        self.rows = sp.vstack([b[0] for b in blocks], format="csr")
        self.rows_lo = np.concatenate([np.broadcast_to(b[1], (b[0].shape[0],)) for b in blocks])
        self.rows_hi = np.concatenate([np.full(b[0].shape[0], b[2]) for b in blocks])
        # needed only without the degree rows (the size-free program, see ``fixed``)
        self._both = block(np.r_[ones_p, minus_p, minus_p], np.r_[ay, ay, ay], np.r_[yo + ay, pj, pl], npair)
        self.integrality = np.r_[np.ones(n), np.zeros(self.size - n)]
        self.count = block(np.ones(n), np.zeros(n, dtype=int), np.arange(n), 1)
        # sum_{l != j} y_jl over pairs touching j, without the -(k-1) z_j term
        self.degree_y = block(np.ones(2 * npair), np.r_[pj, pl], np.r_[yo + ay, yo + ay], n)
        self.z_eye = block(np.ones(n), np.arange(n), np.arange(n), n)

        pair = np.zeros((n, n), dtype=np.intp)
        pair[pj, pl] = ay
        pair[pl, pj] = ay
        a, b, c = _triples(n if n <= _MAX_TRIANGLE_AGENTS else 0)
        ab, ac, bc = yo + pair[a, b], yo + pair[a, c], yo + pair[b, c]
        self.families = [
            # triangle: y_jl + y_lq - y_jq - z_l <= 0, for each of the three middle agents l
            _Cuts(np.concatenate([np.stack(t, axis=1) for t in ((ab, bc, ac, b), (ab, ac, bc, a), (ac, bc, ab, c))]),
                  np.array([1.0, 1.0, -1.0, -1.0]), 0.0, self.size),
            # clique: z_a + z_b + z_c - y_ab - y_ac - y_bc <= 1 (two of three members imply a pair)
            _Cuts(np.stack([a, b, c, ab, ac, bc], axis=1),
                  np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0]), 1.0, self.size),
        ]

    @property
    def fixed(self) -> list:
        """The program without a size (best D over every k) as scipy LinearConstraints.

        ``best_of_any_size`` solves it with 0..1 column bounds, so the column
        bounds that are not 1 and y >= z_j + z_l - 1 (implied only with the
        degree rows) are given as rows here.
        """
        from scipy.optimize import LinearConstraint

        capped = np.flatnonzero(self.upper < 1.0)
        cap = sp.csr_array((np.ones(capped.size), (np.arange(capped.size), capped)),
                           shape=(capped.size, self.size))
        return [LinearConstraint(self.rows, self.rows_lo, self.rows_hi),
                LinearConstraint(cap, -np.inf, self.upper[capped]),
                LinearConstraint(self._both, -1.0, np.inf)]

    def _upper(self, k: int) -> np.ndarray:
        """Column upper bounds for size k: k agents always cover subtask i at or below its
        k-th largest cost, so the levels from there up are never uncovered."""
        upper = self.upper.copy()
        kth = -np.sort(-self.C, axis=1)[:, k - 1]  # inf (cannot) sorts first
        levels = self.levels
        upper[self.n:self.yo][levels.value >= kth[levels.subtask]] = 0.0
        return upper

    def _start(self, S: list[int]) -> np.ndarray:
        """The full variable vector of set S."""
        v = np.zeros(self.size)
        v[S] = 1.0
        cheapest = self.C[:, S].min(axis=1)
        v[self.n:self.yo] = cheapest[self.levels.subtask] > self.levels.value
        inside = np.zeros(self.n, dtype=bool)
        inside[S] = True
        v[self.yo + np.flatnonzero(inside[self.pj] & inside[self.pl])] = 1.0
        if self.rule is not None:
            i, j = np.nonzero(np.isfinite(self.C))
            v = np.r_[v, (self.rule(S)[i] == j).astype(float)]
        return v

    def _works(self, S: list[int]) -> bool:
        alloc = self.rule(S)
        return np.unique(alloc[alloc >= 0]).size == len(S)

    def _add_working(self, h) -> None:
        """participation="working": every member executes a subtask.

        w_ij (i, j with C_ij finite) = j executes i:  w_ij <= z_j,  sum_i w_ij >= z_j,
        sum_j w_ij <= 1, and  w_ij + z_l <= 1  for every l cheaper than j on i.
        A tie on i goes to the member with the least transmission to the rest,
        t_j = sum_q W_jq z_q, then the lower index: for l tied with j,
        t_j - t_l <= -eps + M (2 - w_ij - z_l), eps = 0 for j < l; for j > l
        eps = 1 when W is integral (exact), else 0 (equal t let either win),
        and ``solve`` cuts off a set the rule leaves an agent of idle. (Without
        the tie rows, for binary z the w-polytope is a transportation polytope
        and w integral, but the tie rows' big M breaks that: the w in tie rows
        are binary -- faster than all or none, measured. The program is far
        harder than the plain one: n = m = 14, every k, about 70 s against
        0.05 s by enumeration.)
        """
        C, n, N = self.C, self.n, self.size
        i, j = np.nonzero(np.isfinite(C))
        F = i.size
        h.addVars(F, np.zeros(F), np.ones(F))
        w = N + np.arange(F)
        total = N + F
        eye = np.arange(F)
        rows = [
            (sp.csr_array((np.r_[np.ones(F), -np.ones(F)], (np.r_[eye, eye], np.r_[w, j])), shape=(F, total)),
             -np.inf, 0.0),
            (sp.csr_array((np.r_[np.ones(F), -np.ones(n)], (np.r_[j, np.arange(n)], np.r_[w, np.arange(n)])),
                          shape=(n, total)), 0.0, np.inf),
            (sp.csr_array((np.ones(F), (i, w)), shape=(C.shape[0], total)), -np.inf, 1.0),
        ]
        cheaper = C[i, :] < C[i, j][:, None]  # (F, n): agents cheaper than j on i
        f, l = np.nonzero(cheaper)
        r = np.arange(f.size)
        rows.append((sp.csr_array((np.ones(2 * f.size), (np.r_[r, r], np.r_[w[f], l])), shape=(f.size, total)),
                     -np.inf, 1.0))
        W = self.W
        f, l = np.nonzero((C[i, :] == C[i, j][:, None]) & (np.arange(n) != j[:, None]))  # l tied with j on i
        self.tied_w = np.unique(w[f]).astype(np.int32)
        if f.size:
            jj = j[f]
            diff = W[jj] - W[l]  # t_j - t_l = diff . z (the z_j, z_l terms cancel: W is symmetric)
            eps = np.where(jj > l, 1.0 if np.all(np.round(W) == W) else 0.0, 0.0)
            big = np.maximum(diff, 0.0).sum(axis=1) + eps
            # diff . z + big (w_ij + z_l) <= 2 big - eps
            coef = np.concatenate([diff, big[:, None], big[:, None]], axis=1)
            cols = np.concatenate([np.broadcast_to(np.arange(n), diff.shape), w[f][:, None], l[:, None]], axis=1)
            rr = np.broadcast_to(np.arange(f.size)[:, None], cols.shape)
            A = sp.csr_array((coef.ravel(), (rr.ravel(), cols.ravel())), shape=(f.size, total))
            A.sum_duplicates()
            rows.append((A, -np.inf, 2 * big - eps))
        for A, lo, hi in rows:
            _add_rows(h, A, lo, hi)

    @functools.cached_property
    def integer(self) -> bool:
        """Integer costs: every D(S) is an integer, so a bound within 1 of D proves it optimal."""
        return integral(self.c, self.offset)

    def D(self, S: list[int]) -> float:
        return float(self.c @ self._start(S)[: self.size] + self.offset)

    def solve(self, k: int, incumbent, time_limit: float | None) -> tuple[list[int] | None, Certificate]:
        """Best set of size k and its certificate (set None when there is none); ``incumbent(z)`` gives a MIP start."""
        import highspy

        h = self._relaxation(k, time_limit)
        x, bound = self._cut_rounds(h)
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return None, certify(None, np.inf, integer=self.integer, status="infeasible")
        if x is not None:
            for family in self.families:
                family.keep_tight(x)
        start = incumbent(k, None if x is None else x[: self.n])
        if start is not None:
            v = self._start(start)
            cert = certify(self.D(start), bound, integer=self.integer)
            if cert.optimal:
                return sorted(start), cert  # the cuts alone prove it optimal (typical for large k)
        self._make_integral(h)
        if start is not None:
            set_start(h, v)
        h.run()
        return self._branch_and_cut(h, k, start, bound)

    def _relaxation(self, k: int, time_limit: float | None):
        """A HiGHS model of the LP relaxation for size k, with the exact gaps and ``time_limit``."""
        h = _new_highs()
        set_exact_gaps(h, self.integer)  # HiGHS stops at 0.01% by default; exact means exact
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        N = self.size
        h.addVars(N, np.zeros(N), self._upper(k))
        h.changeColsCost(N, np.arange(N, dtype=np.int32), self.c)
        _add_rows(h, self.rows, self.rows_lo, self.rows_hi)
        _add_rows(h, self.count, k, k)
        _add_rows(h, self.degree_y - (k - 1) * self.z_eye, 0.0, 0.0)
        if self.rule is not None:
            self._add_working(h)
        return h

    def _cut_rounds(self, h) -> tuple[np.ndarray | None, float]:
        """Solve the LP and add violated cuts until none is (or ``_MAX_ROUNDS``); (last LP solution or None, bound)."""
        import highspy

        for family in self.families:
            family.begin(h)
        x, bound = None, -np.inf
        for _ in range(_MAX_ROUNDS):
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            x = np.asarray(h.getSolution().col_value)
            bound = h.getInfo().objective_function_value + self.offset  # fewer cuts: still a bound
            if not sum(family.separate(h, x) for family in self.families):
                break
        return x, bound

    def _make_integral(self, h) -> None:
        import highspy

        h.changeColsIntegrality(self.n, np.arange(self.n, dtype=np.int32),
                                np.full(self.n, highspy.HighsVarType.kInteger))
        if self.rule is not None:  # the tie rows' big M would let a fractional w share a subtask
            cols = self.tied_w
            h.changeColsIntegrality(cols.size, cols, np.full(cols.size, highspy.HighsVarType.kInteger))

    def _branch_and_cut(self, h, k: int, start, bound: float) -> tuple[list[int] | None, Certificate]:
        """Read the MIP HiGHS just ran: its set (never worse than ``start``) and certificate; under the
        working rule a set the rule leaves a member of idle is cut off and HiGHS run again."""
        import highspy

        status = highspy.HighsModelStatus
        while True:
            info = h.getInfo()
            stopped = "time limit" if h.getModelStatus() == status.kTimeLimit else None
            bound = max(bound, info.mip_dual_bound + self.offset)
            if info.primal_solution_status != 2:  # 2 = feasible: none found (or none exists)
                return self._fallback(h, start, bound, stopped, none_found=True)
            x = np.asarray(h.getSolution().col_value)
            S = [j for j in range(self.n) if x[j] > 0.5]
            if self.rule is not None and not self._works(S):
                if stopped is not None:
                    return self._fallback(h, start, bound, stopped, none_found=False)
                # a tie the rule breaks against a member: cut off exactly this set and solve again
                _add_rows(h, sp.csr_array((np.ones(k), (np.zeros(k, dtype=int), S)), shape=(1, self.n)),
                          -np.inf, k - 1)
                h.run()
                continue
            if start is not None and self.D(start) < self.D(S):
                S = sorted(start)  # never worse than the start
            return S, certify(self.D(S), bound, integer=self.integer, status=stopped)

    def _fallback(self, h, start, bound: float, stopped, *, none_found: bool) -> tuple[list[int] | None, Certificate]:
        """The start as the answer when HiGHS has no usable set (none at all when there is no start)."""
        import highspy

        if start is None:
            infeasible = none_found and h.getModelStatus() == highspy.HighsModelStatus.kInfeasible
            return None, certify(None, bound, integer=self.integer, status="infeasible" if infeasible else stopped)
        S = sorted(start)
        return S, certify(self.D(S), bound, integer=self.integer, status=stopped)


class MilpSets(dict):
    """{k: best set} as every strategy returns, plus ``certificates``: {k: mas.mip.Certificate}."""

    def __init__(self) -> None:
        super().__init__()
        self.certificates: dict[int, Certificate] = {}


def _incumbents(model):
    """``incumbent(k, lp_z)``: the best set of size k local search finds, or None if none is feasible.

    Starts: greedy's prefix, the optimum of k - 1 plus its best outsider,
    that of k + 1 less its best member to drop, the k agents with the largest
    root-LP z, and a set of size k it was handed (``incumbent.hints[k]``).  Keeps the optimum of each k it is told
    about (``incumbent.found``); ``incumbent.order`` is greedy's order.
    """
    from mas.selection.greedy import greedy_order
    from mas.selection.local_search import improve

    working = model.participation == "working"
    order = greedy_order(model, working=working)
    found: dict[int, list[int]] = {}
    hints: dict[int, list[int]] = {}

    def incumbent(k: int, lp_z) -> list[int] | None:
        starts = [order[:k]] if k <= len(order) else []
        if k - 1 in found:
            S = found[k - 1]
            rest = [j for j in range(model.n) if j not in S]
            if rest:
                starts.append(min((S + [j] for j in rest), key=model.D))
        if k + 1 in found:  # sizes solved downward (``mas.selection.branch`` by removal)
            S = found[k + 1]
            starts.append(min(([j for j in S if j != out] for out in S), key=model.D))
        if lp_z is not None:
            starts.append(np.argsort(-np.round(lp_z, 9), kind="stable")[:k].tolist())
        if k in hints:
            starts.append(list(hints[k]))
        if working:  # a start with an idle member is no solution of the working program
            starts = [S for S in starts if model.evaluate(S).working == k]
        best, best_D = None, np.inf
        for S in starts:
            S = improve(model, S, working=working)
            D = model.D(S)
            if best_D > D:
                best, best_D = S, D
        return best

    incumbent.found = found
    incumbent.hints = hints
    incumbent.order = order
    return incumbent


@register("milp")
def milp_strategy(model, ks, *, time_limit: float | None = None, progress=None) -> MilpSets:
    """Exact best set of each size in ``ks`` (see the module docstring); a k with no feasible set is left out.

    ``time_limit`` (seconds) applies to each k; a k that hits it returns the
    best set found so far, and its certificate (``.certificates[k]``) says
    "time limit" with the bound and gap reached.  A k proven by the branch and
    bound has bound = D (integer data) or D less a 1e-9 relative margin.
    ``progress(label, done, total)`` hears each k as it is settled (n = m = 40
    takes about half a minute).

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> sets = milp_strategy(CostModel([[5, 1, 3], [5, 4, 1]], [[0, 1, 9], [1, 0, 1], [9, 1, 0]]), [1, 2])
    >>> sets
    {1: [2], 2: [1, 2]}
    >>> sets.certificates[2].optimal, sets.certificates[2].gap
    (True, 0.0)
    """
    out = MilpSets()
    ks = sorted(set(ks))
    if not ks or not np.isfinite(model.C).any(axis=1).all():
        return out  # a subtask nobody can execute: no set is feasible
    program = _Program(model.C, model.W)
    if model.participation == "working":
        program.rule = model.allocate
        ks = [k for k in ks if k <= model.m]  # each working agent needs a subtask of its own
    incumbent = _incumbents(model)
    def report() -> None:
        if progress is not None:
            progress("milp: sizes settled", len(out.certificates), len(ks))

    left = list(ks)
    if model.participation == "participants" and model.n <= BRANCH_MAX_AGENTS:
        left = _branch(model, program, left, incumbent, out, time_limit, removing=False, report=report)  # small k up
        left = _branch(model, program, left[::-1], incumbent, out, time_limit, removing=True,
                       report=report)[::-1]  # large k down
    for k in left:
        _keep(out, incumbent, k, *program.solve(k, incumbent, time_limit))
        report()
    return out


def _keep(out: MilpSets, incumbent, k: int, s, cert: Certificate) -> None:
    out.certificates[k] = cert
    if s is not None:
        out[k] = s
        incumbent.found[k] = s


def _branch(model, program: _Program, ks: list[int], incumbent, out: MilpSets, time_limit, *,
            removing: bool, report) -> list[int]:
    """Solve ``ks`` in their order by ``mas.selection.branch`` until one outgrows the budget; the ks left.

    ``report()`` is called after each k is settled.

    A k stopped by the node budget or by ``time_limit`` goes to HiGHS with what
    the search found as a start and the time that is left; after a k stopped
    by the budget (or when the last two node counts predict the next k needs
    more: they grow by about the same ratio from one k to the next) the ks
    left are returned for HiGHS.
    """
    budget = max(1, BRANCH_WORK // (model.n * model.m))
    nodes: list[int] = []
    for i, k in enumerate(ks):
        if len(nodes) >= 2 and nodes[-1] * nodes[-1] / max(nodes[-2], 1) > budget:
            return ks[i:]
        began = time.perf_counter()
        found = best_of_size(model.C, model.W, k, start=incumbent(k, None), order=incumbent.order, max_nodes=budget,
                             deadline=None if time_limit is None else began + time_limit, removing=removing)
        nodes.append(found.nodes)
        if found.complete:
            s = found.participants
            _keep(out, incumbent, k, s, certify(found.D if s else None, found.bound, integer=found.integer,
                                                status=None if s else "infeasible"))
            report()
            continue
        if found.participants is not None:
            incumbent.hints[k] = found.participants
        limit = None if time_limit is None else max(time_limit - (time.perf_counter() - began), 1e-3)
        _keep(out, incumbent, k, *program.solve(k, incumbent, limit))
        report()
        if found.nodes > budget:
            return ks[i + 1:]
    return []


def best_of_any_size(model, start: list[int], *, time_limit: float | None = None) -> tuple[list[int], Certificate]:
    """The least-D set of any size by one MILP (the program without the size rows) at zero gap.

    Parameters
    ----------
    model : a CostModel (lambda plays no part: the least D is the same under both counts).
    start : a feasible set, the MIP start; the answer is never worse than it.
    time_limit : seconds for HiGHS; past it the best set found, with its bound.

    Returns
    -------
    (set, mas.mip.Certificate): the sorted set and what is proven about its D.

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> S, cert = best_of_any_size(CostModel([[5, 1, 3], [5, 4, 1]], [[0, 1, 9], [1, 0, 0], [9, 0, 0]]), [0])
    >>> S, cert.value, cert.optimal
    ([1, 2], 2.0, True)
    """
    from mas.mip import run_highs

    prog = _Program(model.C, model.W)
    rows = prog.fixed
    A = sp.vstack([r.A for r in rows], format="csr")
    lo = np.concatenate([np.broadcast_to(r.lb, (r.A.shape[0],)) for r in rows])
    hi = np.concatenate([np.broadcast_to(r.ub, (r.A.shape[0],)) for r in rows])
    run = run_highs(prog.c, A, lo, hi, np.zeros(prog.size), np.ones(prog.size), prog.integrality,
                    offset=prog.offset, start=prog._start(start), time_limit=time_limit, integer=prog.integer)
    S = sorted(start) if run.x is None else [j for j in range(prog.n) if run.x[j] > 0.5]
    if prog.D(start) < prog.D(S):
        S = sorted(start)  # never worse than the start
    return S, certify(prog.D(S), run.bound, integer=prog.integer, status=run.status)
