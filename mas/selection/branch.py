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
    if removing is None:
        removing = 2 * k > n
    order, Ct, Wo, big = _reordered(C, W, order, removing)
    found = _Incumbent(Ct, Wo, order, start, integer)
    if removing:
        complete, nodes = _by_removal(Ct, Wo, n - k, found, max_nodes, deadline)
    elif k == 1:
        D = Ct.sum(axis=1)
        j = int(D.argmin())
        if D[j] < found.D:
            found.D, found.members = float(D[j]), np.array([j])
        complete, nodes = True, 1
    else:
        tree = _Adding(Ct, Wo, k, found)
        complete, nodes = _depth_first(tree.root(), tree.expand, max_nodes, deadline)
    return _result(order, found.members, found.D, big, integer, complete, nodes)


def _reordered(C, W, order, removing):
    """(order, cover costs agents x subtasks, W, the cost standing for inf or None), in branching order."""
    n = C.shape[1]
    order = np.arange(n) if order is None else np.asarray(order, dtype=np.intp)
    if removing:
        order = order[::-1]  # likely outsiders first
    finite = np.isfinite(C)
    Cm = cover_cost(C, W)  # inf as a cost above any feasible D: sums stay finite
    big = None if finite.all() else float(Cm[~finite].min())
    Ct = np.ascontiguousarray(Cm[:, order].T)
    Wo = np.ascontiguousarray(np.asarray(W, dtype=float)[np.ix_(order, order)])
    return order, Ct, Wo, big


class _Incumbent:
    """The best set so far (positions in branching order, None: none yet) and its D."""

    def __init__(self, Ct, W, order, start, integer: bool) -> None:
        self.members, self.D, self.integer = None, np.inf, integer
        if start is not None:
            pos = np.argsort(order)[np.asarray(start, dtype=np.intp)]
            self.D = float(Ct[pos].min(axis=0).sum() + W[np.ix_(pos, pos)].sum() / 2.0)
            self.members = np.sort(pos)

    def threshold(self) -> float:
        return _threshold(self.D, self.integer)

    def offer(self, D: np.ndarray, members) -> None:
        """Take the least of the complete sets' ``D`` if it beats the incumbent; ``members(i)`` builds set i."""
        i = int(D.argmin())
        if D[i] < self.threshold():
            self.D, self.members = float(D[i]), members(i)


def _threshold(best: float, integer: bool) -> float:
    """Bounds at or above this are pruned: no completion improves on the incumbent ``best``."""
    if not np.isfinite(best):
        return np.inf
    return best - 1.0 + 1e-6 if integer else best - REL_MARGIN * max(1.0, abs(best))


def _depth_first(root: tuple, expand, max_nodes, deadline) -> tuple[bool, int]:
    """Expand batches of nodes depth first, ``expand(*batch)`` yielding the child batches kept;
    (finished, nodes expanded), stopping past ``max_nodes`` nodes or ``deadline``."""
    stack, nodes = [root], 0
    while stack and not _out_of_budget(nodes, max_nodes, deadline):
        batch = stack.pop()
        nodes += batch[0].shape[0]
        stack.extend(expand(*batch))
    return not stack, nodes


def _out_of_budget(nodes: int, max_nodes, deadline) -> bool:
    return (max_nodes is not None and nodes > max_nodes) or (deadline is not None and time.perf_counter() > deadline)


def _children(chosen: np.ndarray, n: int, r: int) -> tuple[np.ndarray, np.ndarray]:
    """(parent row, agent) of each child: an agent after the parent's last that leaves room for r more."""
    agents = np.arange(n)
    last = chosen[:, -1] if chosen.shape[1] else np.full(chosen.shape[0], -1)
    return np.nonzero((agents > last[:, None]) & (agents <= n - 1 - r))


def _batches(p: np.ndarray, f: np.ndarray, n: int, m: int):
    step = max(1, BATCH_ENTRIES // (n * m))
    for lo in range(0, p.size, step):
        yield p[lo:lo + step], f[lo:lo + step]


def _least(values: np.ndarray, r: int) -> np.ndarray:
    """Each row's sum of its r smallest values."""
    return np.partition(values, r - 1, axis=1)[:, :r].sum(axis=1)


class _Tree:
    """What both trees share: a node's children are batched, and a subclass's ``_kept`` keeps those
    whose bound beats the incumbent. ``size`` agents are chosen in all (added, or left out)."""

    def __init__(self, Ct: np.ndarray, W: np.ndarray, size: int, found: _Incumbent) -> None:
        self.Ct, self.W, self.size, self.found = Ct, W, size, found

    def expand(self, chosen, *state):
        r = self.size - chosen.shape[1] - 1  # still to choose after the child's agent
        p, f = _children(chosen, self.Ct.shape[0], r)
        for pp, ff in _batches(p, f, *self.Ct.shape):
            kept = self._kept(chosen, *state, pp, ff, r)
            if kept is not None:
                yield kept


class _Adding(_Tree):
    """The tree adding agents: a batch is (members, execution per subtask, pairs(S), t = W[g, S] per agent g)."""

    def __init__(self, Ct: np.ndarray, W: np.ndarray, k: int, found: _Incumbent) -> None:
        super().__init__(Ct, W, k, found)
        self.sufmin, self.half = _suffix_tables(Ct, W, k)

    def root(self) -> tuple:
        """The empty set, whose children are the singletons."""
        n, m = self.Ct.shape
        return np.zeros((1, 0), dtype=np.intp), np.full((1, m), np.inf), np.zeros(1), np.zeros((1, n))

    def _kept(self, members, cur, pair, t, pp, ff, r):
        """The children (parent pp, agent ff) whose bound beats the incumbent, as a batch (None: none);
        at r = 1 the best completion of each is offered to the incumbent instead."""
        Ct, W = self.Ct, self.W
        hr = self.half[ff + 1, :, r - 1]  # inf up to ff: only later agents can complete a child
        c_pair = pair[pp] + t[pp, ff]
        if r > 1:  # the cheap bound first: the rest is computed only for what it keeps
            # the child's set plus every agent after ff covers at min(parent, agents >= ff)
            cheap = np.minimum(cur[pp], self.sufmin[ff]).sum(axis=1) + c_pair + _least(t[pp] + W[ff] + hr, r)
            keep = np.flatnonzero(cheap < self.found.threshold())
            pp, ff, c_pair, hr = pp[keep], ff[keep], c_pair[keep], hr[keep]
        c_cur = np.minimum(cur[pp], Ct[ff])
        c_t = t[pp] + W[ff]
        E = c_cur.sum(axis=1)
        saving = np.maximum(c_cur[:, None, :] - Ct[None, :, :], 0.0).sum(axis=2)
        one = c_t - saving + hr
        if r == 1:  # exact: the best last agent of each child
            g = one.argmin(axis=1)
            self.found.offer(E + c_pair + one[np.arange(g.size), g],
                             lambda i: np.sort(np.r_[members[pp[i]], ff[i], g[i]]))
            return None
        keep = np.flatnonzero(E + c_pair + _least(one, r) < self.found.threshold())
        if not keep.size:
            return None
        return np.c_[members[pp[keep]], ff[keep]], c_cur[keep], c_pair[keep], c_t[keep]


def _by_removal(Ct, W, q, found: _Incumbent, max_nodes, deadline) -> tuple[bool, int]:
    """The search over the q agents left out (for k > n/2: a shallower tree), on reordered data.

    A node is a set Q already left out of T = all - Q, its children leave out
    one more later agent.  Leaving out R (|R| = r, later agents) raises
    execution by at least the sum of the single raises  e_g = sum_i [g is the
    unique cheapest of T on i] (second cheapest - cheapest)  (a subtask's cost
    rises only when its cheapest goes, and then by at least this), and

        pairs(T - R) = pairs(T) - sum_{g in R} W[g, T] + pairs(R),

    so  D(T - R) >= D(T) + (sum of the r smallest  e_g - W[g, T] + h_g(r)),
    exact at r = 1.  Improves ``found``; returns (complete, nodes).
    """
    tree = _Removing(Ct, W, q, found)
    if q == 0:
        D = float(Ct.min(axis=0).sum() + tree.whole)
        if found.D > D:
            found.D, found.members = D, np.arange(Ct.shape[0])
        return True, 1
    return _depth_first(tree.root(), tree.expand, max_nodes, deadline)


class _Removing(_Tree):
    """The tree leaving agents out: a batch is (left-out sets, W[g, left out] per agent g, pairs(T),
    execution of T)."""

    def __init__(self, Ct: np.ndarray, W: np.ndarray, q: int, found: _Incumbent) -> None:
        super().__init__(Ct, W, q, found)
        _, self.half = _suffix_tables(Ct, W, q)
        self.top = np.argsort(Ct, axis=0, kind="stable")[: q + 2].T  # (m, q + 2): each subtask's cheapest agents
        self.vals = np.take_along_axis(Ct.T, self.top, axis=1)
        self.row = W.sum(axis=1)
        self.whole = self.row.sum() / 2.0

    def root(self) -> tuple:
        """Nobody left out yet."""
        n = self.Ct.shape[0]
        return (np.zeros((1, 0), dtype=np.intp), np.zeros((1, n)), np.full(1, self.whole),
                self.Ct.min(axis=0).sum(keepdims=True))

    def _kept(self, out, t_out, pair, E, pp, ff, r):
        """The children (parent pp, agent ff) whose bound beats the incumbent, as a batch (None: none);
        at r <= 1 the best completion of each is offered to the incumbent instead."""
        c_pair = pair[pp] - (self.row[ff] - t_out[pp, ff])
        if r > 0:  # the cheap bound first (execution never falls when agents leave)
            c_t = t_out[pp] + self.W[ff]
            hr = self.half[ff + 1, :, r - 1] - (self.row - c_t)  # inf up to ff
            keep = np.flatnonzero(E[pp] + c_pair + _least(hr, r) < self.found.threshold())
            pp, ff, c_pair, c_t, hr = pp[keep], ff[keep], c_pair[keep], c_t[keep], hr[keep]
        c_out = np.c_[out[pp], ff]
        if r == 0:
            first = self._inside(c_out).argmax(axis=2)
            D = self._value(self.vals, first).sum(axis=1) + c_pair
            self.found.offer(D, lambda i: self._leaf(c_out[i]))
            return None
        if pp.size == 0:
            return None
        low, e = self._cheapest(c_out)
        one = e + hr
        c_E = low.sum(axis=1)
        base = c_E + c_pair
        if r == 1:  # exact: the best last agent to leave out of each child
            g = one.argmin(axis=1)
            self.found.offer(base + one[np.arange(g.size), g], lambda i: self._leaf(np.r_[c_out[i], g[i]]))
            return None
        keep = np.flatnonzero(base + _least(one, r) < self.found.threshold())
        if not keep.size:
            return None
        return c_out[keep], c_t[keep], c_pair[keep], c_E[keep]

    def _inside(self, c_out: np.ndarray) -> np.ndarray:
        """(N, m, q + 2): whether each subtask's cheapest agents are still in each child's set."""
        removed = np.zeros((c_out.shape[0], self.Ct.shape[0]), dtype=bool)
        removed[np.arange(c_out.shape[0])[:, None], c_out] = True
        return ~removed[:, self.top]

    @staticmethod
    def _value(table: np.ndarray, which: np.ndarray) -> np.ndarray:
        return np.take_along_axis(table[None], which[..., None], axis=2)[..., 0]

    def _cheapest(self, c_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each child's execution per subtask (N, m) and raises e (N, n) of leaving out one more agent."""
        N, n, m = c_out.shape[0], self.Ct.shape[0], self.Ct.shape[1]
        inside = self._inside(c_out)
        first = inside.argmax(axis=2)
        inside[np.arange(N)[:, None], np.arange(m)[None], first] = False
        second = inside.argmax(axis=2)
        low = self._value(self.vals, first)
        rise = self._value(self.vals, second) - low
        who = self._value(self.top, first)  # (N, m) the cheapest
        flat = (np.arange(N)[:, None] * n + who).ravel()
        e = np.bincount(flat, weights=rise.ravel(), minlength=N * n).reshape(N, n)
        return low, e

    def _leaf(self, out: np.ndarray) -> np.ndarray:
        return np.setdiff1d(np.arange(self.Ct.shape[0]), out)


def _result(order, best_set, best, big, integer, complete, nodes) -> Branched:
    if best_set is None or (big is not None and best >= big):
        return Branched(None, float("inf"), complete, integer, nodes)
    return Branched(sorted(order[best_set].tolist()), best, complete, integer, nodes)
