"""Exact best set of one size k by a combinatorial branch and bound, vectorized over nodes.

Two trees.  Adding (k <= n/2 by default): sets are built in increasing agent
order (agents renumbered in the given order, likely members first): a node
is a partial set S whose largest member is a, its children add one agent
f > a.  Leaving out (k > n/2): the same over the n - k agents left out, see
``_by_removal`` for its bound.  Nodes are expanded a batch at a time (numpy over the batch, depth
first over batches, so memory stays small) and a node is dropped when its
lower bound cannot beat the incumbent.

The bound on any completion S + R (|R| = r, R among the agents after a):

    D(S + R) = E(S + R) + pairs(S) + sum_{g in R} t_g + pairs(R)

with t_g = sum_{s in S} W[g, s].  Execution is a min over members, so adding
R saves at most the sum of the single savings  s_g = sum_i max(E_i(S) - C[i, g], 0),
and pairs(R) >= 1/2 sum_{g in R} (the r - 1 cheapest W[g, .] after a).  Hence

    D(S + R) >= E(S) + pairs(S) + (sum of the r smallest  t_g - s_g + h_g(r)),

and a second bound swaps the savings for "every later agent at once",
E(S + all later agents), which is tighter high in the tree.  At r = 1 the
first bound is exact, so the last level is evaluated without building its
nodes.

It is exact: a node is dropped only when its bound shows no completion is
better than the incumbent -- for integer data by at least 1 (every D is then
an integer), else by more than a 1e-9 relative margin (inside ``mas.mip``'s
tolerance, which the certificate states).  On ``benchmarks/bench_costs.py
--part milp``'s n = m = 40 it beats HiGHS (the MILP of ``mas.selection.milp``)
up to k = 17 adding and from k = 23 leaving out; 100,000 nodes take about
1-1.3 s CPU.  Tried: a cheap bound first and the full one only on what it
keeps (adding, k = 12: 6.0 -> 0.48 s; leaving out, k = 25: 5.9 -> 1.3 s;
same nodes); greedy's order expands the fewest nodes of the orders tried
(index, column sums, start first).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from mas.errors import InputError
from mas.selection.greedy import cover_cost

#: float entries one batch's savings array (children x agents x subtasks) may take
BATCH_ENTRIES = 2**21
#: real data: a completion must beat the incumbent by this relative margin to be searched
REL_MARGIN = 1e-9


def _suffix_tables(Ct: np.ndarray, W: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """sufmin[s] = min over agents >= s of their costs; half[s, g, q] = 1/2 the q cheapest W[g, l], l >= s, l != g."""
    n, m = Ct.shape
    sufmin = np.full((n + 1, m), np.inf)
    for s in range(n - 1, -1, -1):
        sufmin[s] = np.minimum(sufmin[s + 1], Ct[s])
    half = np.full((n + 1, n, k + 1), np.inf)
    for s in range(n + 1):
        sub = W[s:, s:].astype(float).copy()
        np.fill_diagonal(sub, np.inf)
        cum = np.concatenate([np.zeros((n - s, 1)), np.cumsum(np.sort(sub, axis=1), axis=1)], axis=1)
        q = min(k + 1, cum.shape[1])
        half[s, s:, :q] = cum[:, :q] / 2.0
    return sufmin, half


@dataclass
class Branched:
    """What ``best_of_size`` found: the best set (None: none found), its D, whether the search
    finished (then the set is optimal, or none exists), the data's integrality and the nodes expanded."""

    participants: list[int] | None
    D: float
    complete: bool
    integer: bool
    nodes: int

    @property
    def bound(self) -> float:
        """The proven lower bound on the optimum of size k (-inf when the search did not finish)."""
        if not self.complete:
            return -np.inf
        if self.participants is None:
            return np.inf
        return self.D if self.integer else self.D - REL_MARGIN * max(1.0, abs(self.D))

    def to_dict(self) -> dict:
        return {"participants": self.participants, "D": self.D, "complete": self.complete,
                "integer": self.integer, "nodes": self.nodes, "bound": self.bound}


def best_of_size(C: np.ndarray, W: np.ndarray, k: int, *, start: list[int] | None = None,
                 order: list[int] | None = None, max_nodes: int | None = None,
                 deadline: float | None = None, removing: bool | None = None) -> Branched:
    """The least-D set of size k over agents with costs ``C`` (m x n) and pair costs ``W`` (n x n).

    Parameters
    ----------
    C, W : execution costs (inf = cannot) and symmetric pair costs (zero diagonal).
    k : the set size, 1 <= k <= n.
    start : an incumbent set (any feasible set of size k), which prunes from the start.
    order : the agents in the order to branch on (likely members first); default by index.
    max_nodes, deadline : stop (``complete`` false) after expanding more nodes than this, or
        once ``time.perf_counter()`` passes ``deadline``; the best set so far is returned.

    Returns
    -------
    Branched: the sorted best set (None if no set of size k covers every subtask),
    its D, and whether the search finished -- then the set is optimal (for integer
    data exactly, else within ``REL_MARGIN`` relative, see ``Branched.bound``).

    Raises
    ------
    InputError when k is not in 1..n.

    Examples
    --------
    >>> C = np.array([[5.0, 1, 3], [5, 4, 1]])
    >>> W = np.array([[0.0, 2, 18], [2, 0, 2], [18, 2, 0]])
    >>> found = best_of_size(C, W, 2)
    >>> found.participants, found.D, found.complete, found.bound
    ([1, 2], 4.0, True, 4.0)
    """
    from mas.mip import integral

    m, n = C.shape
    if not 1 <= k <= n:
        raise InputError("k", k, f"a set size must be in 1..{n}")
    integer = integral(C, W)
    order = np.arange(n) if order is None else np.asarray(order, dtype=np.intp)
    if removing is None:
        removing = 2 * k > n
    if removing:
        order = order[::-1]  # likely outsiders first
    finite = np.isfinite(C)
    Cm = cover_cost(C, W)  # inf as a cost above any feasible D: sums stay finite
    big = None if finite.all() else float(Cm[~finite].min())
    Ct = np.ascontiguousarray(Cm[:, order].T)  # agents as rows, branching order
    Wo = np.ascontiguousarray(np.asarray(W, dtype=float)[np.ix_(order, order)])

    best_set, best = None, np.inf
    if start is not None:
        pos = np.argsort(order)[np.asarray(start, dtype=np.intp)]
        best = float(Ct[pos].min(axis=0).sum() + Wo[np.ix_(pos, pos)].sum() / 2.0)
        best_set = np.sort(pos)

    def threshold() -> float:
        return _threshold(best, integer)

    if removing:
        best_set, best, complete, nodes = _by_removal(Ct, Wo, n - k, best_set, best, integer, max_nodes, deadline)
        return _result(order, best_set, best, big, integer, complete, nodes)
    if k == 1:
        D = Ct.sum(axis=1)
        j = int(D.argmin())
        if D[j] < best:
            best, best_set = float(D[j]), np.array([j])
        return _result(order, best_set, best, big, integer, True, 1)

    sufmin, half = _suffix_tables(Ct, Wo, k)
    agents = np.arange(n)
    # the empty set's children (singletons) come first; a stack of (members, cur, pair, t) batches
    stack = [(np.zeros((1, 0), dtype=np.intp), np.full((1, m), np.inf), np.zeros(1), np.zeros((1, n)))]
    nodes = 0
    while stack:
        if (max_nodes is not None and nodes > max_nodes) or (deadline is not None and time.perf_counter() > deadline):
            break
        members, cur, pair, t = stack.pop()
        d = members.shape[1]
        r = k - d - 1  # still to add after the child's agent
        last = members[:, -1] if d else np.full(members.shape[0], -1)
        p, f = np.nonzero((agents > last[:, None]) & (agents <= n - 1 - r))
        nodes += members.shape[0]
        step = max(1, BATCH_ENTRIES // (n * m))
        for lo in range(0, p.size, step):
            pp, ff = p[lo:lo + step], f[lo:lo + step]
            hr = half[ff + 1, :, r - 1]  # inf up to ff: only later agents can complete a child
            c_pair = pair[pp] + t[pp, ff]
            if r > 1:  # the cheap bound first: the rest is computed only for what it keeps
                # the child's set plus every agent after ff covers at min(parent, agents >= ff)
                cheap = (np.minimum(cur[pp], sufmin[ff]).sum(axis=1) + c_pair
                         + np.partition(t[pp] + Wo[ff] + hr, r - 1, axis=1)[:, :r].sum(axis=1))
                keep = np.flatnonzero(cheap < threshold())
                pp, ff, c_pair, hr = pp[keep], ff[keep], c_pair[keep], hr[keep]
            c_cur = np.minimum(cur[pp], Ct[ff])
            c_t = t[pp] + Wo[ff]
            E = c_cur.sum(axis=1)
            saving = np.maximum(c_cur[:, None, :] - Ct[None, :, :], 0.0).sum(axis=2)
            one = c_t - saving + hr
            if r == 1:  # exact: the best last agent of each child
                g = one.argmin(axis=1)
                D = E + c_pair + one[np.arange(g.size), g]
                i = int(D.argmin())
                if D[i] < threshold():
                    best = float(D[i])
                    best_set = np.sort(np.r_[members[pp[i]], ff[i], g[i]])
                continue
            bound = E + c_pair + np.partition(one, r - 1, axis=1)[:, :r].sum(axis=1)
            keep = np.flatnonzero(bound < threshold())
            if keep.size:
                stack.append((np.c_[members[pp[keep]], ff[keep]], c_cur[keep], c_pair[keep], c_t[keep]))
    return _result(order, best_set, best, big, integer, not stack, nodes)


def _threshold(best: float, integer: bool) -> float:
    """Bounds at or above this are pruned: no completion improves on the incumbent ``best``."""
    if not np.isfinite(best):
        return np.inf
    return best - 1.0 + 1e-6 if integer else best - REL_MARGIN * max(1.0, abs(best))


def _by_removal(Ct, W, q, best_set, best, integer, max_nodes, deadline):
    """The search over the q agents left out (for k > n/2: a shallower tree), on reordered data.

    A node is a set Q already left out of T = all - Q, its children leave out
    one more later agent.  Leaving out R (|R| = r, later agents) raises
    execution by at least the sum of the single raises  e_g = sum_i [g is the
    unique cheapest of T on i] (second cheapest - cheapest)  (a subtask's cost
    rises only when its cheapest goes, and then by at least this), and

        pairs(T - R) = pairs(T) - sum_{g in R} W[g, T] + pairs(R),

    so  D(T - R) >= D(T) + (sum of the r smallest  e_g - W[g, T] + h_g(r)),
    exact at r = 1.  Returns (best positions, D, complete, nodes).
    """
    n, m = Ct.shape
    agents = np.arange(n)
    _, half = _suffix_tables(Ct, W, q)
    top = np.argsort(Ct, axis=0, kind="stable")[: q + 2].T  # (m, q + 2): each subtask's cheapest agents
    vals = np.take_along_axis(Ct.T, top, axis=1)
    row = W.sum(axis=1)
    whole = row.sum() / 2.0
    nodes = 0

    def leaf(out):
        return np.setdiff1d(agents, out)

    if q == 0:
        D = float(Ct.min(axis=0).sum() + whole)
        if best > D:
            best, best_set = D, agents.copy()
        return best_set, best, True, 1
    # (left-out sets, W[g, left out] per agent g, pairs(T), execution of T) batches
    stack = [(np.zeros((1, 0), dtype=np.intp), np.zeros((1, n)), np.full(1, whole), Ct.min(axis=0).sum(keepdims=True))]
    step = max(1, BATCH_ENTRIES // (n * m))
    while stack:
        if (max_nodes is not None and nodes > max_nodes) or (deadline is not None and time.perf_counter() > deadline):
            break
        out, t_out, pair, E = stack.pop()
        d = out.shape[1]
        r = q - d - 1  # still to leave out after the child's agent
        last = out[:, -1] if d else np.full(out.shape[0], -1)
        p, f = np.nonzero((agents > last[:, None]) & (agents <= n - 1 - r))
        nodes += out.shape[0]
        for lo in range(0, p.size, step):
            pp, ff = p[lo:lo + step], f[lo:lo + step]
            c_pair = pair[pp] - (row[ff] - t_out[pp, ff])
            if r > 0:  # the cheap bound first (execution never falls when agents leave)
                c_t = t_out[pp] + W[ff]
                hr = half[ff + 1, :, r - 1] - (row - c_t)  # inf up to ff
                cheap = E[pp] + c_pair + np.partition(hr, r - 1, axis=1)[:, :r].sum(axis=1)
                keep = np.flatnonzero(cheap < _threshold(best, integer))
                pp, ff, c_pair, c_t, hr = pp[keep], ff[keep], c_pair[keep], c_t[keep], hr[keep]
            c_out = np.c_[out[pp], ff]
            if r == 0:
                removed = np.zeros((pp.size, n), dtype=bool)
                removed[np.arange(pp.size)[:, None], c_out] = True
                inside = ~removed[:, top]  # (N, m, q + 2)
                first = inside.argmax(axis=2)
                D = np.take_along_axis(vals[None], first[..., None], axis=2)[..., 0].sum(axis=1) + c_pair
                i = int(D.argmin())
                if D[i] < _threshold(best, integer):
                    best, best_set = float(D[i]), leaf(c_out[i])
                continue
            if pp.size == 0:
                continue
            removed = np.zeros((pp.size, n), dtype=bool)
            removed[np.arange(pp.size)[:, None], c_out] = True
            inside = ~removed[:, top]
            first = inside.argmax(axis=2)
            inside[np.arange(pp.size)[:, None], np.arange(m)[None], first] = False
            second = inside.argmax(axis=2)
            low = np.take_along_axis(vals[None], first[..., None], axis=2)[..., 0]
            rise = np.take_along_axis(vals[None], second[..., None], axis=2)[..., 0] - low
            who = np.take_along_axis(top[None], first[..., None], axis=2)[..., 0]  # (N, m) the cheapest
            flat = (np.arange(pp.size)[:, None] * n + who).ravel()
            e = np.bincount(flat, weights=rise.ravel(), minlength=pp.size * n).reshape(pp.size, n)
            one = e + hr
            c_E = low.sum(axis=1)
            base = c_E + c_pair
            if r == 1:  # exact: the best last agent to leave out of each child
                g = one.argmin(axis=1)
                D = base + one[np.arange(g.size), g]
                i = int(D.argmin())
                if D[i] < _threshold(best, integer):
                    best, best_set = float(D[i]), leaf(np.r_[c_out[i], g[i]])
                continue
            bound = base + np.partition(one, r - 1, axis=1)[:, :r].sum(axis=1)
            keep = np.flatnonzero(bound < _threshold(best, integer))
            if keep.size:
                stack.append((c_out[keep], c_t[keep], c_pair[keep], c_E[keep]))
    return best_set, best, not stack, nodes


def _result(order, best_set, best, big, integer, complete, nodes) -> Branched:
    if best_set is None or (big is not None and best >= big):
        return Branched(None, float("inf"), complete, integer, nodes)
    return Branched(sorted(order[best_set].tolist()), best, complete, integer, nodes)
