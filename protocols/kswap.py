"""k-swaps (Zheng and Koenig): agents exchange up to K subtasks while that lowers D.

Moves, best first, until none lowers the total cost D of the allocation:

* K >= 1 -- transfer: one subtask moves to another agent (which may join the
  working set, and the giver may leave it: the pair costs change accordingly);
* K >= 2 -- swap: two agents exchange one subtask each;
* K >= 2 -- vacate: an agent holding at most K subtasks hands all of them to
  the other working agents (each to its cheapest one), or to one agent that
  does not work yet, and leaves, saving its pair costs.

Unallocated subtasks stay unallocated; only ``allowed`` agents (e.g. the live
ones) receive subtasks. The cost never increases: a move is applied only when
its exact change of D is negative.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from mas.errors import InputError


@dataclass
class Exchange:
    kind: str
    moves: list[tuple[int, int, int]]  # (subtask, from, to)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class KSwapResult:
    allocation: list[int | None]
    K: int
    D_before: float
    D_after: float
    moves: int
    transfers: int
    swaps: int
    vacates: int
    exchanges: list = None

    def to_dict(self) -> dict:
        return asdict(self)


def kswap(costs, allocation, K: int = 2, *, allowed=None, capacity=None, max_moves: int | None = None) -> KSwapResult:
    """Improve ``allocation`` (subtask -> agent or None) under ``costs`` by k-swaps.

    Parameters
    ----------
    costs : a :class:`mas.costs.CostModel`.
    allocation : one agent (or None) per subtask.
    K : the most subtasks one exchange may move (>= 1).
    allowed : boolean mask of agents that may receive subtasks (default: all).
    max_moves : stop after this many moves (default 10 * m).

    Returns
    -------
    KSwapResult with the improved allocation and D before and after.

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> model = CostModel([[1, 2], [2, 1]], [[0, 5], [5, 0]])
    >>> r = kswap(model, [0, 1], K=1)
    >>> r.allocation, r.D_before, r.D_after
    ([1, 1], 12.0, 3.0)
    """
    if int(K) < 1:
        raise InputError("K", K, "must be >= 1")
    K = int(K)
    C, Wm = costs.C, costs.W
    m, n = C.shape
    before = costs.score(allocation)
    a = np.array([-1 if x is None else int(x) for x in allocation], dtype=np.intp)
    ok_agent = np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    limit = 10 * m if max_moves is None else int(max_moves)
    counts = {"transfers": 0, "swaps": 0, "vacates": 0}
    exchanges = []
    eps = 1e-9 * max(1.0, abs(before.D))
    for _ in range(limit):
        rows = np.flatnonzero(a >= 0)
        if rows.size == 0:
            break
        held = a[rows]
        load = np.bincount(held, minlength=n)
        working = load > 0
        pst = Wm[:, working].sum(axis=1)
        cur = C[rows, held]
        # transfers: |rows| x n
        joining = ~working[None, :]
        leaving = (load[held] == 1)[:, None]
        d = (C[rows] - cur[:, None]) + joining * pst[None, :] - leaving * pst[held][:, None] \
            - (joining & leaving) * Wm[:, held].T
        d[~np.isfinite(d)] = np.inf
        d[:, ~ok_agent] = np.inf
        if capacity is not None:
            d[:, load >= capacity] = np.inf
        d[np.arange(rows.size), held] = np.inf
        r, b = np.unravel_index(np.argmin(d), d.shape)
        best = (float(d[r, b]), "transfers", (int(rows[r]), int(b)))
        if K >= 2 and rows.size > 1:
            cross = C[rows][:, held]  # cross[p, q] = C[rows[p], held[q]]
            sw = cross + cross.T - cur[:, None] - cur[None, :]
            sw[held[:, None] == held[None, :]] = np.inf
            sw[~np.isfinite(sw)] = np.inf
            p, q = np.unravel_index(np.argmin(sw), sw.shape)
            if sw[p, q] < best[0]:
                best = (float(sw[p, q]), "swaps", (int(rows[p]), int(rows[q])))
            for g in np.flatnonzero(working & (load <= K) & (load >= 2)).tolist():
                mine = rows[held == g]
                others = np.flatnonzero(working & ok_agent)
                others = others[others != g]
                if capacity is not None:
                    others = others[load[others] + mine.size <= capacity]
                if others.size:
                    sub = C[np.ix_(mine, others)]
                    delta = float(sub.min(axis=1).sum() - C[mine, g].sum() - pst[g])
                    if delta < best[0]:
                        best = (delta, "vacates", (g, mine, others[sub.argmin(axis=1)]))
                # or one outsider takes all of them over
                out = np.flatnonzero(~working & ok_agent)
                if out.size:
                    total = C[np.ix_(mine, out)].sum(axis=0) + pst[out] - Wm[out, g] - C[mine, g].sum() - pst[g]
                    total[~np.isfinite(total)] = np.inf
                    b = int(np.argmin(total))
                    if total[b] < best[0]:
                        best = (float(total[b]), "vacates", (g, mine, np.full(mine.size, out[b])))
        if not best[0] < -eps:
            break
        kind, move = best[1], best[2]
        before_a = a.copy()
        if kind == "transfers":
            a[move[0]] = move[1]
        elif kind == "swaps":
            i, j = move
            a[i], a[j] = a[j], a[i]
        else:
            a[move[1]] = move[2]
        changed = np.flatnonzero(a != before_a)
        exchanges.append(Exchange(kind, [(int(i), int(before_a[i]), int(a[i])) for i in changed]))
        counts[kind] += 1
    alloc = [int(x) if x >= 0 else None for x in a]
    after = costs.score(alloc)
    return KSwapResult(alloc, K, before.D, after.D, sum(counts.values()), **counts, exchanges=exchanges)
