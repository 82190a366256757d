"""TGOA (Tong et al., ICDE 2016): greedy first, then follow the optimal matching of what has arrived.

Phase 1 (the first ``int(split x arrivals)`` arrivals) is
:class:`~mas.crowdsourcing.greedy.Greedy`. In phase 2, arrivals with equal
times form one batch: a maximum-utility matching is computed over every task
and worker that has arrived so far (matched, expired or waiting alike; pairs
that cannot meet weigh 0), and each arrival of the batch, workers first,
takes its partners in it (a worker up to its capacity) if they are still
waiting; otherwise it waits. A pair is possible when the task lies in the
worker's range and their time windows overlap; its utility is
``utility(worker, task)``, and among the matchings of maximum total utility
the one of lowest total bid is followed (:func:`max_utility_matching`:
utility first, exactly -- a lower bid never buys a utility loss). The
matching is ``scipy.optimize.linear_sum_assignment`` on the connected
component of the batch in the graph of possible pairs (matchings of
different components are independent), a worker of capacity c as c rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mas.crowdsourcing.engine import register_algorithm
from mas.crowdsourcing.events import Arrival, Task, Worker
from mas.crowdsourcing.geometry import discs_contain
from mas.crowdsourcing.greedy import Greedy
from mas.crowdsourcing.utility import Utility
from mas.errors import InputError


@register_algorithm("tgoa")
class TGOA(Greedy):
    """Two-phase greedy / optimal-matching online algorithm.

    Parameters
    ----------
    split : float
        Share of the expected arrivals handled greedily (default 0.5 as in the
        paper; the authors' code uses 0.78).
    utility : str or callable(worker, task) -> float
        Value of a pair (``cost`` default: 1, ties to the lower bid; ``pay-rate``).
    """

    def __init__(self, split: float = 0.5, utility: str | Utility = "cost", index: str = "grid",
                 cell: float = 25.0) -> None:
        if not (0.0 <= split <= 1.0):
            raise InputError("split", split, "must be in [0, 1]")
        super().__init__(index=index, cell=cell, utility=utility)
        self.split = split

    def start(self, ledger, expected: int, order: str = "time") -> None:
        super().start(ledger, expected, order)
        self.switch = int(self.split * expected)
        self.seen: list[Arrival] = []  # every arrival, by key
        self.adj: list[list[int]] = []  # possible partners (of positive utility), by key
        self.weight: dict[tuple[int, int], float] = {}  # (worker key, task key) -> utility
        # arrived tasks (x1 y1 x2 y2 t0 t1) and workers (the same, then cx cy radius; radius nan: a
        # rectangle) for the vectorized pair test, grown by doubling
        self._t_keys = np.empty(0, dtype=np.int64)
        self._w_keys = np.empty(0, dtype=np.int64)
        self._t = np.empty((0, 6))
        self._w = np.empty((0, 9))
        self._nt = self._nw = 0
        # components of the graph of possible pairs only ever merge: union-find with member lists
        self._parent: list[int] = []
        self._members: list[list[int] | None] = []
        #: phase-2 decisions: (arrival key, its partners in the matching, those it took, arrivals seen)
        self.decisions: list[tuple[int, list[int], list[int], int]] = []

    def arrive(self, a: Arrival) -> None:
        self.arrive_batch([a])

    def arrive_batch(self, batch) -> None:
        first = self.seq
        greedy = max(0, min(len(batch), self.switch - first))
        for a in batch[:greedy]:
            Greedy.arrive(self, a)
        rest = batch[greedy:]
        if not rest:
            return
        if self.timed:
            self._expire(rest[0].time)
        keys = []
        for a in rest:
            key = self.seq
            self.seq += 1
            self._record(a, key)
            self.wait(a, key)
            keys.append(key)
        partners = self._optimal_partners(keys)
        upto = self.seq
        for key in sorted(keys, key=lambda k: (self.seen[k].kind != "worker", k)):  # workers first
            mine = partners.get(key, [])
            taken = []
            for p in mine:
                if self.seen[key].kind == "worker":
                    if key in self.workers and p in self.tasks:
                        self.match(self.seen[key], key, self.seen[p], p)
                        taken.append(p)
                elif key in self.tasks and p in self.workers:
                    self.match(self.seen[p], p, self.seen[key], key)
                    taken.append(p)
            self.decisions.append((key, mine, taken, upto))

    def handle(self, a: Arrival, key: int, now: float) -> None:
        self._record(a, key)  # phase 1: the matching graph still grows
        super().handle(a, key, now)

    def _append(self, kind: str, row: np.ndarray, key: int) -> None:
        if kind == "task":
            if self._nt == len(self._t):
                self._t = np.resize(self._t, (max(16, 2 * self._nt), 6))
                self._t_keys = np.resize(self._t_keys, max(16, 2 * self._nt))
            self._t[self._nt] = row
            self._t_keys[self._nt] = key
            self._nt += 1
        else:
            if self._nw == len(self._w):
                self._w = np.resize(self._w, (max(16, 2 * self._nw), 9))
                self._w_keys = np.resize(self._w_keys, max(16, 2 * self._nw))
            self._w[self._nw] = row
            self._w_keys[self._nw] = key
            self._nw += 1

    def _record(self, a: Arrival, key: int) -> None:
        x1, y1, x2, y2 = a.rect
        t0, t1 = a.time, a.deadline
        if a.kind == "task":
            w = self._w[: self._nw]
            ok = np.maximum(w[:, 4], t0) <= np.minimum(w[:, 5], t1)
            disc = ~np.isnan(w[:, 8])
            ok &= np.where(disc, False, (w[:, 0] <= x1) & (w[:, 1] <= y1) & (x2 <= w[:, 2]) & (y2 <= w[:, 3]))
            cand = np.flatnonzero(disc & ~ok & (np.maximum(w[:, 4], t0) <= np.minimum(w[:, 5], t1)))
            if len(cand):
                ok[cand] = discs_contain(w[cand, 6], w[cand, 7], w[cand, 8], x1, y1, x2, y2)
            partners = self._w_keys[: self._nw][ok].tolist()
            row = np.array([x1, y1, x2, y2, t0, t1])
        else:
            t = self._t[: self._nt]
            ok = np.maximum(t[:, 4], t0) <= np.minimum(t[:, 5], t1)
            if a.radius is None:
                ok &= (x1 <= t[:, 0]) & (y1 <= t[:, 1]) & (t[:, 2] <= x2) & (t[:, 3] <= y2)
            else:
                cand = np.flatnonzero(ok)
                ok[:] = False
                ok[cand] = discs_contain(a.x, a.y, a.radius, t[cand, 0], t[cand, 1], t[cand, 2], t[cand, 3])
            partners = self._t_keys[: self._nt][ok].tolist()
            row = np.array([x1, y1, x2, y2, t0, t1, a.x, a.y, np.nan if a.radius is None else a.radius])
        self._append(a.kind, row, key)
        self.seen.append(a)
        u, seen, weight = self.utility, self.seen, self.weight
        kept = []
        for p in partners:
            pair = (p, key) if a.kind == "task" else (key, p)
            value = float(u(seen[pair[0]], seen[pair[1]]))
            if value > 0:  # a pair worth nothing weighs 0, as one that cannot meet
                weight[pair] = value
                kept.append(p)
        self.adj.append(kept)
        self._parent.append(key)
        self._members.append([key])
        for p in kept:
            self.adj[p].append(key)
            self._union(key, p)

    def _find(self, k: int) -> int:
        parent = self._parent
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra].extend(self._members[rb])
        self._members[rb] = None

    def _optimal_partners(self, keys: list[int]) -> dict[int, list[int]]:
        """Partners of ``keys`` in an optimal matching of everything arrived so far."""
        out: dict[int, list[int]] = {}
        done = set()
        for key in keys:
            if not self.adj[key]:
                continue
            root = self._find(key)
            if root in done:
                continue
            done.add(root)
            comp = sorted(self._members[root])
            workers = [k for k in comp if self.seen[k].kind == "worker"]
            tasks = [k for k in comp if self.seen[k].kind == "task"]
            out.update(optimal_matching(self.seen, workers, tasks, self.adj, self.weight))
        return out


def optimal_matching(seen, workers: list[int], tasks: list[int], adj, utility) -> dict[int, list[int]]:
    """Maximum-utility matching of ``workers`` and ``tasks`` over the pairs in ``adj`` (ties: lower total bid).

    ``utility`` is a function ``(worker, task) -> float`` or a dict ``{(worker key, task key): value}``;
    a worker of capacity c takes up to c tasks. Returns each matched key's partners (both directions).
    """
    col = {t: j for j, t in enumerate(tasks)}
    rows = [w for w in workers for _ in range(seen[w].capacity)]
    value = np.zeros((len(rows), len(tasks)))
    i = 0
    for w in workers:
        js, vs = [], []
        for t in adj[w]:
            j = col.get(t)
            if j is not None:
                js.append(j)
                vs.append(utility[(w, t)] if isinstance(utility, dict) else utility(seen[w], seen[t]))
        c = seen[w].capacity
        value[i:i + c, js] = vs
        i += c
    bids = np.array([seen[w].bid for w in rows], dtype=float)
    r, c = max_utility_matching(value, bids)
    out: dict[int, list[int]] = {}
    for i, j in zip(r.tolist(), c.tolist()):
        w, t = rows[i], tasks[j]
        out.setdefault(w, []).append(t)
        out[t] = [w]
    for w in workers:
        if w in out:
            out[w].sort()
    return out


def max_utility_matching(value: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a matching of maximum total ``value``; among those, one of least total ``cost``.

    ``value[i, j] > 0`` marks a possible pair (0: none); ``cost[i] >= 0`` is row
    i's cost of being matched (a worker's bid). Utility comes first exactly:
    with integer values one score ``value x (sum of costs + 1) - cost`` is
    exact (a unit of value outweighs every cost); otherwise the maximum value
    is found first, and a scored matching is accepted only if its value is
    not below it (else the score's weight on value grows; in the end the
    plain maximum-value matching is returned), so a lower cost never buys a
    lower value -- which a fixed score like ``value x (sum of costs + 1) - cost``
    does when values are fractional.

    Examples
    --------
    >>> import numpy as np
    >>> r, c = max_utility_matching(np.array([[1.0], [0.99]]), np.array([10.0, 1.0]))
    >>> r.tolist()  # the score 12 v - bid would prefer row 1: 10.88 > 2
    [0]
    """
    from scipy.optimize import linear_sum_assignment

    edge = value > 0
    empty = np.empty(0, dtype=np.int64)
    if not edge.any():
        return empty, empty

    def solve(gain):
        r, c = linear_sum_assignment(gain, maximize=True)
        keep = edge[r, c]
        return r[keep], c[keep]

    scale = float(cost.sum()) + 1.0
    vals = value[edge]
    top = float(vals.max())
    if np.all(vals == np.floor(vals)) and top * scale * min(value.shape) < 2.0 ** 50:
        return solve(np.where(edge, value * scale - cost[:, None], 0.0))
    r1, c1 = solve(value)
    best = math.fsum(value[r1, c1].tolist())
    levels = np.unique(vals)
    step = float(min(levels[0], np.diff(levels).min())) if len(levels) > 1 else float(levels[0])
    k = scale / step
    for _ in range(3):
        r, c = solve(np.where(edge, value * k - cost[:, None], 0.0))
        if math.fsum(value[r, c].tolist()) >= best:
            return r, c
        k *= 4096.0
    return r1, c1
