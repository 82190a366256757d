"""k-swaps (Sandholm's OCSM contracts; Zheng and Koenig): exchanges of up to K subtasks while they lower D.

An *exchange* is a set of at most K simultaneous moves, "subtask i goes from
agent a to agent b". Its change of the total cost D is exact: execution costs
change, and the working set (agents executing at least one subtask) may gain
agents (who then pay their pair costs to the working set) and lose agents
(whose pair costs are saved). An exchange is applied only when that change is
negative, so D never increases. Unallocated subtasks stay unallocated; only
``allowed`` agents receive; with a ``capacity`` no agent holds more than that
after an exchange, and an agent that already holds more never gains.

Kinds (:data:`KINDS`), read off the moves of an exchange:

* ``transfer`` -- one move;
* ``cluster`` -- several subtasks from one giver to one receiver, the giver keeps working;
* ``vacate`` -- one giver hands all its subtasks away and leaves the working set;
* ``swap`` -- two agents exchange one subtask each; ``cycle`` -- a1 -> a2 -> ... -> a1, one subtask each;
* ``multi`` -- a multi-agent transfer: several givers and/or receivers otherwise
  (two agents' subtasks merged at a newcomer, a chain a -> b -> c, a newcomer
  taking work while another agent leaves).

Which exchanges are searched
----------------------------
Every step applies the most negative exchange among those searched (ties: the
first found, in the order listed); the run stops when none lowers D.

K = 1: every transfer (exhaustive).

K = 2, exhaustive in effect: every transfer; every pair of moves to the same
receiver (clusters and merges); every way an agent holding two subtasks hands
both away (to one or two receivers); every swap. Only when none of these
lowers D, also every pair "a subtask goes to an agent that does not work yet
while another agent hands away its only subtask", and, with a capacity, every
chain through an agent at capacity (a -> h -> b, h keeps its load). Any other
pair of moves costs at least the sum of its two transfers on their own, each
feasible on its own, so when no searched exchange improves, no exchange of up
to two moves does: the result is 2-exchange optimal (tests check this by brute
force). Exchanges of unrelated moves are not searched as one: they are made
one after the other.

K >= 3: everything of K = 2, plus, for every receiver and every s <= K, the
s subtasks that would each change D least on their own by moving there (a
cluster or a merge; exact D change); every agent holding at most K subtasks
handing all of them to one receiver, or each to its cheapest working agent;
with a capacity, every cycle of three subtasks among agents at capacity (when
at most :data:`CYCLE_LIMIT` subtasks are held by such agents). Only when none
of these (nor the K = 2 pairs) lowers D, every exchange of 3..K moves is tried
(branch and bound on a per-move lower bound of the D change, see
``_search_all``) if at most :data:`EXACT_LIMIT` partial exchanges survive the
bound: then the result is K-exchange optimal and ``k_optimal`` says so (in the
tests every instance of up to 4 agents and 5 subtasks; after contract net on
16 agents x 16 subtasks, K = 3 but not K = 4). Otherwise the result is
2-exchange optimal and no searched exchange improves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mas.errors import InputError

KINDS = ("transfer", "cluster", "vacate", "swap", "cycle", "multi")
#: K >= 3 searches 3-cycles only when at most this many subtasks are held by agents at capacity
CYCLE_LIMIT = 300
#: K >= 3 tries every exchange of 3..K moves that could lower D when there are at most this many
EXACT_LIMIT = 200_000
_TOP = 4  # candidates kept per receiver before the exactness check widens the search


@dataclass(frozen=True)
class Exchange:
    """One applied exchange: ``moves`` = [(subtask, from, to), ...] and its change of D."""

    kind: str
    moves: list[tuple[int, int, int]]
    delta: float

    def agents(self) -> list[int]:
        """The agents taking part (givers and receivers), sorted: who must talk to agree on it."""
        return sorted({x for _, a, b in self.moves for x in (a, b)})

    def to_dict(self) -> dict:
        return {"kind": self.kind, "moves": [list(mv) for mv in self.moves], "delta": self.delta,
                "agents": self.agents()}


@dataclass
class KSwapResult:
    """The improved allocation, D before and after, and every exchange applied, in order.

    ``moves`` is the number of exchanges applied (the sum of ``counts``). ``k_optimal``: no
    exchange of up to K moves lowers D any more (always for K <= 2 unless ``max_moves`` stopped
    the run; for K >= 3 when the exhaustive search of the last step was small enough to run).
    """

    allocation: list[int | None]
    K: int
    D_before: float
    D_after: float
    exchanges: list[Exchange] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    k_optimal: bool = False

    @property
    def moves(self) -> int:
        return len(self.exchanges)

    def to_dict(self) -> dict:
        return {"allocation": self.allocation, "K": self.K, "D_before": self.D_before, "D_after": self.D_after,
                "moves": self.moves, "counts": dict(self.counts), "k_optimal": self.k_optimal,
                "exchanges": [e.to_dict() for e in self.exchanges]}


def kswap(costs, allocation, K: int = 2, *, allowed=None, capacity: int | None = None,
          max_moves: int | None = None) -> KSwapResult:
    """Improve ``allocation`` (subtask -> agent or None) under ``costs`` by exchanges of up to K subtasks.

    Parameters
    ----------
    costs : a :class:`mas.costs.CostModel`.
    allocation : one agent (or None) per subtask.
    K : the most subtasks one exchange may move (>= 1).
    allowed : boolean mask of agents that may receive subtasks (default: all).
    capacity : at most this many subtasks per agent after every exchange (None = unlimited).
    max_moves : stop after this many exchanges (default 10 * m).

    Returns
    -------
    KSwapResult with the improved allocation, D before and after and the exchanges.

    Raises
    ------
    InputError for K < 1, capacity < 1, a bad ``allowed`` mask, or an allocation
    :meth:`mas.costs.CostModel.score` rejects.

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> model = CostModel([[1, 2], [2, 1]], [[0, 5], [5, 0]])
    >>> r = kswap(model, [0, 1], K=1)
    >>> r.allocation, r.D_before, r.D_after, r.exchanges[0].kind
    ([1, 1], 12.0, 3.0, 'transfer')
    """
    if int(K) < 1:
        raise InputError("K", K, "must be >= 1")
    K = int(K)
    if capacity is not None and int(capacity) < 1:
        raise InputError("capacity", capacity, "must be >= 1")
    before = costs.score(allocation)
    n = costs.n
    ok = np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    if ok.shape != (n,):
        raise InputError("allowed", ok.shape, f"needs one flag per agent ({n})")
    s = _State(costs, allocation, ok, capacity)
    limit = 10 * costs.m if max_moves is None else int(max_moves)
    eps = 1e-9 * max(1.0, abs(before.D))
    result = KSwapResult([], K, before.D, before.D)
    result.k_optimal = True  # nothing to move
    while s.rows.size:
        if result.moves >= limit:
            result.k_optimal = False
            break
        best = _Best(-eps)
        _search(s, K, best)
        if best.moves is None and K >= 2:
            _search_coupled(s, best)
        tried_all = K <= 2
        if best.moves is None and K >= 3:
            tried_all = _search_all(s, K, best)
        if best.moves is None:
            result.k_optimal = tried_all
            break
        delta = s.delta(best.moves)  # recomputed from the definition: what is applied is what is recorded
        if not delta < -eps:
            result.k_optimal = False  # a search promised what the definition denies: not to be trusted
            break
        ex = Exchange(_kind(s, best.moves), [(i, int(s.a[i]), b) for i, b in best.moves], delta)
        s.apply(best.moves)
        result.exchanges.append(ex)
        result.counts[ex.kind] += 1
    result.allocation = [int(x) if x >= 0 else None for x in s.a]
    result.D_after = costs.score(result.allocation).D
    return result


# -- state -------------------------------------------------------------------
class _State:
    """The allocation and what every candidate's D change needs, updated per exchange."""

    def __init__(self, costs, allocation, ok, capacity):
        self.C, self.W = costs.C, costs.W
        self.m, self.n = self.C.shape
        self.ok = ok
        self.capacity = None if capacity is None else int(capacity)
        self.a = np.array([-1 if x is None else int(x) for x in allocation], dtype=np.intp)
        self.load = np.bincount(self.a[self.a >= 0], minlength=self.n)
        self.pst = self.W[:, self.load > 0].sum(axis=1)  # pair cost of each agent to the working set
        self._refresh()

    def _refresh(self):
        self.rows = np.flatnonzero(self.a >= 0)
        self.held = self.a[self.rows]
        self.out = self.load == 0
        big = self.m + 1
        self.room = np.full(self.n, big) if self.capacity is None else np.maximum(self.capacity - self.load, 0)
        self.full = np.zeros(self.n, bool) if self.capacity is None else (self.load >= self.capacity) & ~self.out

    def new_loads(self, moves):
        change: dict[int, int] = {}
        for i, b in moves:
            change[int(self.a[i])] = change.get(int(self.a[i]), 0) - 1
            change[b] = change.get(b, 0) + 1
        return change

    def feasible(self, moves) -> bool:
        subs = [i for i, _ in moves]
        if len(set(subs)) != len(subs) or any(self.a[i] < 0 or self.a[i] == b or not self.ok[b]
                                              or not np.isfinite(self.C[i, b]) for i, b in moves):
            return False
        for x, d in self.new_loads(moves).items():
            if d > 0 and self.capacity is not None and self.load[x] + d > max(self.capacity, self.load[x]):
                return False
        return True

    def delta(self, moves) -> float:
        """Exact change of D if ``moves`` [(subtask, to), ...] were applied (inf if infeasible)."""
        if not self.feasible(moves):
            return float("inf")
        dc = sum(float(self.C[i, b] - self.C[i, self.a[i]]) for i, b in moves)
        change = self.new_loads(moves)
        L = [x for x, d in change.items() if self.load[x] > 0 and self.load[x] + d == 0]
        J = [x for x, d in change.items() if self.load[x] == 0 and d > 0]
        return dc + _pair_change(self.W, self.pst, J, L)

    def apply(self, moves):
        change = self.new_loads(moves)
        for i, b in moves:
            self.a[i] = b
        L = [x for x, d in change.items() if self.load[x] > 0 and self.load[x] + d == 0]
        J = [x for x, d in change.items() if self.load[x] == 0 and d > 0]
        for x, d in change.items():
            self.load[x] += d
        if J:
            self.pst = self.pst + self.W[:, J].sum(axis=1)
        if L:
            self.pst = self.pst - self.W[:, L].sum(axis=1)
        self._refresh()


def _pair_change(W, pst, J, L) -> float:
    """Change of the pair sum when agents J join and L leave (pst: pair cost to the old working set)."""
    J, L = np.asarray(J, dtype=np.intp), np.asarray(L, dtype=np.intp)
    tJ = W[np.ix_(J, J)].sum() / 2.0
    tL = W[np.ix_(L, L)].sum() / 2.0
    return float(tJ + pst[J].sum() - W[np.ix_(J, L)].sum() - pst[L].sum() + tL)


def _kind(s: _State, moves) -> str:
    if len(moves) == 1:
        return "transfer"
    givers = [int(s.a[i]) for i, _ in moves]
    receivers = [b for _, b in moves]
    if len(set(givers)) == len(givers) and sorted(givers) == sorted(receivers):
        return "swap" if len(moves) == 2 else "cycle"
    if len(set(givers)) == 1:
        if s.load[givers[0]] == len(moves):
            return "vacate"
        if len(set(receivers)) == 1:
            return "cluster"
    return "multi"


class _Best:
    """The most negative exchange seen so far (strictly below ``value`` to replace it)."""

    def __init__(self, value: float):
        self.value = value
        self.moves = None

    def offer(self, value, moves_fn):
        # moves_fn is called here or never: building the move list is the cost saved on a loss
        if value < self.value:
            self.value = float(value)
            self.moves = moves_fn()


# -- the searched exchanges --------------------------------------------------
def _gains(s: _State) -> np.ndarray:
    """g[r, b]: what moving rows[r] alone to b adds to D, its giver leaving if that was its only subtask,
    b's own join not counted (inf where b cannot take it or is not allowed). A newcomer's join is
    ``join[b] = pst[b]``; the transfer's whole change is ``g + join``."""
    C, W, pst, held = s.C, s.W, s.pst, s.held
    g = C[s.rows] - C[s.rows, held][:, None]
    lone = np.flatnonzero(s.load[held] == 1)
    if lone.size:
        g[lone] -= pst[held[lone]][:, None] + s.out[None, :] * W[held[lone]]
    g[np.arange(s.rows.size), held] = np.inf
    if not s.ok.all():
        g[:, ~s.ok] = np.inf
    return g


def _smallest_per_column(g: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and values of the k smallest entries of every column, ascending."""
    gt = np.ascontiguousarray(g.T)  # row-wise passes are several times faster than strided ones
    rows = np.arange(gt.shape[0])
    idx = np.empty((k, gt.shape[0]), dtype=np.intp)
    vals = np.empty((k, gt.shape[0]))
    for j in range(k):  # k argmin passes beat a full argpartition of the matrix
        idx[j] = np.argmin(gt, axis=1)
        vals[j] = gt[rows, idx[j]]
        gt[rows, idx[j]] = np.inf
    return idx, vals


def _search(s: _State, K: int, best: _Best) -> None:
    rows = s.rows
    g = _gains(s)
    join = np.where(s.out, s.pst, 0.0)
    d = g + join
    if s.capacity is not None:
        d[:, s.room < 1] = np.inf
    r, b = np.unravel_index(np.argmin(d), d.shape)
    best.offer(d[r, b], lambda: [(int(rows[r]), int(b))])
    if K < 2 or rows.size < 2:
        return
    two = (s.room >= 2) & s.ok  # receivers that can take two more
    top = _smallest_per_column(g, min(rows.size, max(_TOP, K) + 1)) if two.any() else None
    if top is not None:
        _same_receiver(s, g, join, top, best)
    _vacate_two(s, best)
    _swaps(s, best)
    if K >= 3:
        if top is not None:
            _same_receiver_up_to(s, K, join, top, best)
        _vacate_up_to(s, K, best)
        if s.capacity is not None:
            _cycles3(s, best)


def _pair_corr(s: _State, hp, hq, b):
    """What two moves to the same receiver b add beyond their gains: both givers leaving, or one leaving."""
    lone = (s.load[hp] == 1) & (s.load[hq] == 1) & (hp != hq)
    same2 = (hp == hq) & (s.load[hp] == 2)
    return np.where(lone, s.W[hp, hq], 0.0) - np.where(same2, s.pst[hp] + s.out[b] * s.W[hp, b], 0.0)


def _same_receiver(s: _State, g, join, top, best: _Best) -> None:
    """Clusters and merges of two subtasks at one receiver: exact over all pairs, per receiver."""
    R, n = s.rows.size, s.n
    part, vals = top
    r = min(_TOP, R)
    kth = min(R - 1, r)
    bcol = np.arange(n)
    colbest = np.full(n, np.inf)
    colarg = np.zeros((n, 2), dtype=np.intp)
    for p in range(r):
        for q in range(p + 1, r):
            rp, rq = part[p], part[q]
            v = join + vals[p] + vals[q] + _pair_corr(s, s.held[rp], s.held[rq], bcol)
            better = v < colbest
            colbest = np.where(better, v, colbest)
            colarg[better] = np.stack([rp, rq], axis=1)[better]
    # a pair outside the kept candidates costs at least this (both givers leaving only adds; one giver
    # with two subtasks leaving is searched exactly by _vacate_two)
    colbest[~(s.room >= 2)] = np.inf  # the receiver must have room for both
    bound = join + vals[0] + vals[kth] if r < R else np.full(n, np.inf)
    for b in np.flatnonzero((bound < colbest) & (bound < best.value) & (s.room >= 2)).tolist():
        gb = g[:, b]
        hp = s.held
        M = gb[:, None] + gb[None, :] + join[b] + _pair_corr(s, hp[:, None], hp[None, :], b)
        M[np.tri(R, dtype=bool)] = np.inf
        p, q = np.unravel_index(np.argmin(M), M.shape)
        if M[p, q] < colbest[b]:
            colbest[b], colarg[b] = M[p, q], (p, q)
    b = int(np.argmin(colbest))
    p, q = colarg[b]
    best.offer(colbest[b], lambda: [(int(s.rows[p]), b), (int(s.rows[q]), b)])


def _vacate_two(s: _State, best: _Best) -> None:
    """An agent holding two subtasks hands both away, to one receiver or to two: exact."""
    mask = s.load[s.held] == 2
    if not mask.any():
        return
    r2, h2 = s.rows[mask], s.held[mask]
    order = np.argsort(h2, kind="stable")
    P, Q, A = r2[order][0::2], r2[order][1::2], h2[order][0::2]
    C, W, pst, out = s.C, s.W, s.pst, s.out
    k = A.size
    ar = np.arange(k)
    base = out[None, :] * (pst[None, :] - W[A])  # a newcomer pays its pairs, not the one to the leaver
    U = C[P] - C[P, A][:, None] + base
    V = C[Q] - C[Q, A][:, None] + base
    for X in (U, V):
        X[:, ~s.ok] = np.inf
        X[ar, A] = np.inf
    both = U + V - base  # one receiver: joins once
    both[:, s.room < 2] = np.inf
    U[:, s.room < 1] = np.inf
    V[:, s.room < 1] = np.inf
    saved = pst[A]
    i, b = np.unravel_index(np.argmin(both), both.shape)
    best.offer(both[i, b] - saved[i], lambda: [(int(P[i]), int(b)), (int(Q[i]), int(b))])
    # two receivers, at least one already working
    work = ~out
    for X, Y, first in ((U, V, True), (V, U, False)):
        Yw = np.where(work[None, :], Y, np.inf)
        top2 = np.argsort(Yw, axis=1, kind="stable")[:, :2] if s.n > 1 else np.zeros((k, 1), np.intp)
        t1 = top2[:, 0]
        t2 = top2[:, 1] if top2.shape[1] > 1 else t1
        other = np.where(np.arange(s.n)[None, :] == t1[:, None], t2[:, None], t1[:, None])
        val = X + np.take_along_axis(Yw, other, axis=1)
        val[np.arange(s.n)[None, :] == other] = np.inf
        i, b = np.unravel_index(np.argmin(val), val.shape)
        b2 = int(other[i, b])
        if first:
            best.offer(val[i, b] - saved[i], lambda: [(int(P[i]), int(b)), (int(Q[i]), b2)])
        else:
            best.offer(val[i, b] - saved[i], lambda: [(int(Q[i]), int(b)), (int(P[i]), b2)])
    # two newcomers: they also pay the pair between them
    outs = np.flatnonzero(out & s.ok & (s.room >= 1))
    if outs.size < 2:
        return
    for i in range(k):
        u, v = U[i, outs], V[i, outs]
        if not (u.min() + v.min() - saved[i] < best.value):
            continue
        M = u[:, None] + v[None, :] + W[np.ix_(outs, outs)]
        np.fill_diagonal(M, np.inf)
        p, q = np.unravel_index(np.argmin(M), M.shape)
        best.offer(M[p, q] - saved[i], lambda: [(int(P[i]), int(outs[p])), (int(Q[i]), int(outs[q]))])


def _swaps(s: _State, best: _Best) -> None:
    """Two agents exchange one subtask each; the best pair for agents u, v is each one's cheapest to give."""
    order = np.argsort(s.held, kind="stable")
    rs, hs = s.rows[order], s.held[order]
    starts = np.flatnonzero(np.r_[True, hs[1:] != hs[:-1]])
    w = hs[starts]  # the working agents, ascending
    if w.size < 2:
        return
    Y = s.C[np.ix_(rs, w)] - s.C[rs, hs][:, None]  # Y[p, v]: what rs[p] moving to w[v] adds
    Z = np.minimum.reduceat(Y, starts, axis=0)  # Z[u, v]: the cheapest subtask of w[u] to give w[v]
    sw = Z + Z.T
    bad = np.tri(w.size, dtype=bool)
    if not s.ok.all():
        bad |= ~s.ok[w][:, None] | ~s.ok[w][None, :]
    sw[bad] = np.inf
    u, v = np.unravel_index(np.argmin(sw), sw.shape)

    def moves():
        ends = np.r_[starts[1:], rs.size]
        p = starts[u] + int(np.argmin(Y[starts[u]:ends[u], v]))
        q = starts[v] + int(np.argmin(Y[starts[v]:ends[v], u]))
        return [(int(rs[p]), int(w[v])), (int(rs[q]), int(w[u]))]

    best.offer(sw[u, v], moves)


def _same_receiver_up_to(s: _State, K: int, join, top, best: _Best) -> None:
    """K >= 3: for every receiver, the s <= K subtasks with the smallest gains, exact D change."""
    part, vals = top
    top = min(K, s.rows.size)
    for size in range(3, top + 1):
        cand = join + vals[:size].sum(axis=0)
        # exact = cand + the pairs among leaving lone givers (>= 0) - what a giver emptied by several
        # of the moves saves: so only receivers below the best, or with a repeated giver, can win
        givers = np.sort(s.held[part[:size]], axis=0)
        repeated = ((givers[1:] == givers[:-1]) & (s.load[givers[1:]] <= size)).any(axis=0)
        look = np.isfinite(cand) & (s.room >= size) & ((cand < best.value) | repeated)
        for b in np.flatnonzero(look).tolist():
            moves = [(int(s.rows[p]), b) for p in part[:size, b]]
            d = s.delta(moves)
            best.offer(d, lambda moves=moves: moves)


def _vacate_up_to(s: _State, K: int, best: _Best) -> None:
    """K >= 3: an agent holding 3..K subtasks hands all to one receiver, or each to its cheapest working agent."""
    for g in np.flatnonzero((s.load >= 3) & (s.load <= K)).tolist():
        mine = s.rows[s.held == g]
        tot = s.C[mine].sum(axis=0) - s.C[mine, g].sum() + s.out * (s.pst - s.W[g]) - s.pst[g]
        tot[~s.ok | (s.room < mine.size)] = np.inf
        tot[g] = np.inf
        b = int(np.argmin(tot))
        best.offer(tot[b], lambda: [(int(i), b) for i in mine])
        others = np.flatnonzero(~s.out & s.ok)
        others = others[others != g]
        if others.size:
            to = others[np.argmin(s.C[np.ix_(mine, others)], axis=1)]
            moves = [(int(i), int(t)) for i, t in zip(mine, to)]
            best.offer(s.delta(moves), lambda moves=moves: moves)


def _cycles3(s: _State, best: _Best) -> None:
    """K >= 3 with a capacity: cycles of three subtasks among agents at capacity (no load changes)."""
    sel = s.full[s.held]
    rows, held = s.rows[sel], s.held[sel]
    if rows.size < 3 or rows.size > CYCLE_LIMIT:
        return
    cur = s.C[rows, held]
    X = s.C[rows][:, held] - cur[:, None]  # X[p, q]: rows[p] moves to the holder of rows[q]
    X[held[:, None] == held[None, :]] = np.inf
    X[:, ~s.ok[held]] = np.inf
    for p in range(rows.size):
        # p -> holder(q) -> ... : q moves to holder(r), r moves to holder(p)
        T = X[p][:, None] + X + X[:, p][None, :]
        distinct = (held[:, None] != held[p]) & (held[None, :] != held[p])
        T[~distinct] = np.inf
        T[:, :p + 1] = np.inf  # each cycle once: p is its smallest row
        T[:p + 1, :] = np.inf
        q, r = np.unravel_index(np.argmin(T), T.shape)
        best.offer(T[q, r], lambda p=p, q=q, r=r: [(int(rows[p]), int(held[q])), (int(rows[q]), int(held[r])),
                                                     (int(rows[r]), int(held[p]))])


# -- searched only when nothing above improves --------------------------------
def _search_coupled(s: _State, best: _Best) -> None:
    """Pairs whose moves interact through the working set, and chains through agents at capacity."""
    if s.rows.size < 2:
        return
    d = _gains(s) + np.where(s.out, s.pst, 0.0)  # transfers, capacity ignored: a bound, not a move
    _newcomer_and_leaver(s, d, best)
    if s.capacity is not None:
        _chains(s, best)


def _newcomer_and_leaver(s: _State, d: np.ndarray, best: _Best) -> None:
    """Subtask i goes to a newcomer b while agent a' hands away its only subtask i' (i' to any b' != b).

    D change >= d1(i -> b) + d1(i' -> b') - W[b, a'] - (W[b', a] if b' is a newcomer too): bounded per
    (b, a'), and the pairs whose bound beats the best are searched exactly.
    """
    rows, held, W = s.rows, s.held, s.W
    lone = np.flatnonzero(s.load[held] == 1)  # row positions of the leavers' subtasks
    outs = np.flatnonzero(s.out & s.ok & (s.room >= 1))
    if lone.size == 0 or outs.size == 0:
        return
    singles = held[lone]
    ws = W[np.ix_(outs, singles)].max(axis=1)  # most a newcomer can save because a leaver leaves
    y = d[lone].copy()
    y[:, outs] -= ws[None, :]
    Y = y.min(axis=1)
    X = d[:, outs]
    R = rows.size
    top = np.argsort(X, axis=0, kind="stable")[:2] if R > 1 else np.zeros((1, outs.size), np.intp)
    x1, x2 = X[top[0], np.arange(outs.size)], X[top[-1], np.arange(outs.size)]
    Xex = np.where(top[0][:, None] == lone[None, :], x2[:, None], x1[:, None])
    LB = Xex + Y[None, :] - W[np.ix_(outs, singles)]
    cand = np.argwhere(best.value > LB)
    if cand.size == 0:
        return
    cand = cand[np.argsort(LB[cand[:, 0], cand[:, 1]], kind="stable")]
    agents = np.arange(s.n)
    for bo, lj in cand.tolist():
        if not LB[bo, lj] < best.value:
            break
        b, rq = int(outs[bo]), int(lone[lj])
        ip = np.delete(np.arange(R), rq)
        ip = ip[held[ip] != b]
        bq = agents[(agents != held[rq]) & s.ok]
        I1 = np.repeat(rows[ip], bq.size)
        B2 = np.tile(bq, ip.size)
        v = _pair_delta(s, I1, np.full(I1.size, b), np.full(I1.size, rows[rq]), B2)
        k = int(np.argmin(v))
        best.offer(v[k], lambda k=k, b=b, rq=rq: [(int(I1[k]), b), (int(rows[rq]), int(B2[k]))])


def _chains(s: _State, best: _Best) -> None:
    """With a capacity: i' goes to a hub h at capacity while h passes one of its subtasks on to b."""
    rows, held, C, W, pst, out = s.rows, s.held, s.C, s.W, s.pst, s.out
    lone = s.load[held] == 1
    for h in np.flatnonzero(s.full & s.ok).tolist():
        mine = rows[held == h]
        xo_all = C[mine] - C[mine, h][:, None]
        arg = np.argmin(xo_all, axis=0)
        xo = xo_all[arg, np.arange(s.n)] + out * pst
        xo[~s.ok | (s.room < 1)] = np.inf
        xo[h] = np.inf
        others = np.flatnonzero(held != h)
        if others.size == 0:
            continue
        yi = C[rows[others], h] - C[rows[others], held[others]] - lone[others] * pst[held[others]]
        # exact over (b, i'): xo[b] + yi[i'] - [b new, giver of i' leaves] W[b, giver], b != giver (a swap)
        M = xo[:, None] + yi[None, :] - (out[:, None] & lone[others][None, :]) * W[:, held[others]]
        M[np.arange(s.n)[:, None] == held[others][None, :]] = np.inf
        b, j = np.unravel_index(np.argmin(M), M.shape)
        best.offer(M[b, j], lambda b=b, j=j, mine=mine, arg=arg, others=others:
                   [(int(rows[others[j]]), h), (int(mine[arg[b]]), int(b))])


def _pair_delta(s: _State, I1, B1, I2, B2) -> np.ndarray:
    """Exact D change of the two-move exchanges (I1 -> B1, I2 -> B2), vectorized; inf where infeasible."""
    C, W, pst, load = s.C, s.W, s.pst, s.load
    A1, A2 = s.a[I1], s.a[I2]
    dc = C[I1, B1] - C[I1, A1] + C[I2, B2] - C[I2, A2]
    n1 = load[A1] - 1 - (A2 == A1) + (B2 == A1)
    n2 = load[A2] - 1 - (A1 == A2) + (B1 == A2)
    nb1 = load[B1] + 1 + (B2 == B1) - (A2 == B1)
    nb2 = load[B2] + 1 + (B1 == B2) - (A1 == B2)
    l1, l2 = n1 == 0, (n2 == 0) & (A2 != A1)
    j1, j2 = load[B1] == 0, (load[B2] == 0) & (B2 != B1)
    dT = (j1 * pst[B1] + j2 * pst[B2] - l1 * pst[A1] - l2 * pst[A2] + (j1 & j2) * W[B1, B2]
          + (l1 & l2) * W[A1, A2] - (j1 & l1) * W[B1, A1] - (j1 & l2) * W[B1, A2] - (j2 & l1) * W[B2, A1]
          - (j2 & l2) * W[B2, A2])
    v = dc + dT
    bad = (I1 == I2) | (B1 == A1) | (B2 == A2) | ~s.ok[B1] | ~s.ok[B2]
    if s.capacity is not None:
        q = s.capacity
        for x, nx_ in ((A1, n1), (A2, n2), (B1, nb1), (B2, nb2)):
            bad |= nx_ > np.maximum(q, load[x])
    return np.where(bad, np.inf, v)


def _search_all(s: _State, K: int, best: _Best) -> bool:
    """K >= 3: every exchange of 3..K moves that could lower D, if that is at most EXACT_LIMIT of them.

    A k-move exchange changes D by at least the sum over its moves of a bound ``h``: the execution
    change, 1/k of the receiver's join cost less its k largest pair costs to the working set (what
    leavers can take off it), less the giver's pair cost shared over its subtasks when it holds at
    most k. Exchanges are grown one move at a time (subtasks in increasing order) and a partial
    one is dropped as soon as its bound plus the smallest possible rest cannot beat the best found.
    Returns whether the search ran to the end (then no exchange of up to K moves lowers D).
    """
    R, rows, held = s.rows.size, s.rows, s.held
    work = np.flatnonzero(~s.out)
    cum = np.cumsum(-np.sort(-s.W[:, work], axis=1), axis=1)
    for k in range(3, min(K, R) + 1):
        wk = cum[:, min(k, work.size) - 1]
        share = np.where(s.load[held] <= k, s.pst[held] / np.maximum(s.load[held], 1), 0.0)
        H = s.C[rows] - s.C[rows, held][:, None] + s.out[None, :] * (s.pst - wk)[None, :] / k - share[:, None]
        H[np.arange(R), held] = np.inf
        H[:, ~s.ok] = np.inf
        mi, mb = np.nonzero(np.isfinite(H))  # every single move, by subtask
        mh = H[mi, mb]
        rest = np.concatenate([[0.0], np.cumsum(np.sort(mh))])  # rest[r]: the least r moves can add
        if rest.size <= k:
            continue
        keep = mh + rest[k - 1] < best.value
        Pi, Pb, part = mi[keep][:, None], mb[keep][:, None], mh[keep]
        for j in range(1, k):
            if Pi.shape[0] * mi.size > 25 * EXACT_LIMIT:
                return False
            grow = (mi[None, :] > Pi[:, -1][:, None]) & (part[:, None] + mh[None, :] + rest[k - 1 - j] < best.value)
            r, c = np.nonzero(grow)
            if r.size > EXACT_LIMIT:
                return False
            Pi, Pb, part = np.column_stack([Pi[r], mi[c]]), np.column_stack([Pb[r], mb[c]]), part[r] + mh[c]
        for c0 in range(0, Pi.shape[0], 100_000):
            I, B = rows[Pi[c0:c0 + 100_000]], Pb[c0:c0 + 100_000]
            v = _set_delta(s, I, B)
            if v.size:
                j = int(np.argmin(v))
                best.offer(v[j], lambda I=I, B=B, j=j: [(int(i), int(b)) for i, b in zip(I[j], B[j])])
    return True


def _set_delta(s: _State, I: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact D change of the exchanges whose moves are (I[r, j] -> B[r, j]); inf where infeasible."""
    C, W, pst, load = s.C, s.W, s.pst, s.load
    k = I.shape[1]
    I, B = np.ascontiguousarray(I.T), np.ascontiguousarray(B.T)  # one contiguous row per move
    A = s.a[I]
    v = (C[I, B] - C[I, A]).sum(axis=0)
    bad = ((B == A) | ~s.ok[B]).any(axis=0) | ~np.isfinite(v)
    ba = [[B[l] == A[j] for l in range(k)] for j in range(k)]  # ba[j][l]: move l brings to move j's giver
    aa = [[A[l] == A[j] for l in range(k)] for j in range(k)]
    bb = [[B[l] == B[j] for l in range(k)] for j in range(k)]
    ab = [[A[l] == B[j] for l in range(k)] for j in range(k)]
    joins, leaves = [], []
    for j in range(k):
        na = load[A[j]] + np.sum(ba[j], axis=0) - np.sum(aa[j], axis=0)
        leaves.append((na == 0) & ~np.any(aa[j][:j], axis=0) if j else na == 0)
        joins.append((load[B[j]] == 0) & ~np.any(bb[j][:j], axis=0) if j else load[B[j]] == 0)
        if j:
            bad |= np.any([I[l] == I[j] for l in range(j)], axis=0)
        if s.capacity is not None:
            nb = load[B[j]] + np.sum(bb[j], axis=0) - np.sum(ab[j], axis=0)
            bad |= nb > np.maximum(s.capacity, load[B[j]])
    for j in range(k):
        v += np.where(joins[j], pst[B[j]], 0.0) - np.where(leaves[j], pst[A[j]], 0.0)
        for l in range(k):
            v -= np.where(joins[j] & leaves[l], W[B[j], A[l]], 0.0)
            if l > j:
                v += np.where(joins[j] & joins[l], W[B[j], B[l]], 0.0)
                v += np.where(leaves[j] & leaves[l], W[A[j], A[l]], 0.0)
    return np.where(bad, np.inf, v)
