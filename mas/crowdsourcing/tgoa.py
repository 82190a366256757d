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

import numpy as np

from mas.crowdsourcing.engine import register_algorithm
from mas.crowdsourcing.events import Arrival
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
        # possible pairs of positive utility: worker key, task key, utility (grown by doubling)
        self._ew = np.empty(0, dtype=np.int64)
        self._et = np.empty(0, dtype=np.int64)
        self._eu = np.empty(0)
        self._ne = 0
        self._degree: list[int] = []
        self._cap = np.empty(0, dtype=np.int64)  # by key: a worker's capacity (0: a task)
        self._bid = np.empty(0)
        self._root = np.empty(0, dtype=np.int64)  # by key: root of its component
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
        u, seen = self.utility, self.seen
        ws, ts, us = [], [], []
        for p in partners:
            w, t = (p, key) if a.kind == "task" else (key, p)
            value = float(u(seen[w], seen[t]))
            if value > 0:  # a pair worth nothing weighs 0, as one that cannot meet
                ws.append(w)
                ts.append(t)
                us.append(value)
                self._degree[p] += 1
        self._degree.append(len(ws))
        self._add_edges(ws, ts, us)
        if key == len(self._cap):
            n = max(16, 2 * key)
            self._cap, self._bid, self._root = (np.resize(self._cap, n), np.resize(self._bid, n),
                                                np.resize(self._root, n))
        self._cap[key] = a.capacity if a.kind == "worker" else 0
        self._bid[key] = a.bid if a.kind == "worker" else 0.0
        self._root[key] = key
        self._parent.append(key)
        self._members.append([key])
        for p in (ts if a.kind == "worker" else ws):
            self._union(key, p)

    def _add_edges(self, ws: list, ts: list, us: list) -> None:
        k = len(ws)
        if not k:
            return
        if self._ne + k > len(self._ew):
            n = max(64, 2 * (self._ne + k))
            self._ew, self._et, self._eu = np.resize(self._ew, n), np.resize(self._et, n), np.resize(self._eu, n)
        e = slice(self._ne, self._ne + k)
        self._ew[e], self._et[e], self._eu[e] = ws, ts, us
        self._ne += k

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
        self._root[self._members[rb]] = ra
        self._members[ra].extend(self._members[rb])
        self._members[rb] = None

    def _optimal_partners(self, keys: list[int]) -> dict[int, list[int]]:
        """Partners of ``keys`` in an optimal matching of everything arrived so far."""
        out: dict[int, list[int]] = {}
        done = set()
        ew, et, eu = self._ew[: self._ne], self._et[: self._ne], self._eu[: self._ne]
        for key in keys:
            if not self._degree[key]:
                continue
            root = self._find(key)
            if root in done:
                continue
            done.add(root)
            idx = np.flatnonzero(self._root[ew] == root)
            out.update(_component_matching(ew[idx], et[idx], eu[idx], self._cap, self._bid))
        return out


def _component_matching(ew, et, eu, cap, bid) -> dict[int, list[int]]:
    """Partners in a maximum-utility matching over the pairs (ew[i], et[i]) of utility eu[i]; a worker
    of capacity c is c rows; ties go to the lower total bid."""
    workers, wi = np.unique(ew, return_inverse=True)
    tasks, tj = np.unique(et, return_inverse=True)
    c = cap[workers]
    start = np.cumsum(c) - c  # first row of each worker
    reps = c[wi]  # each pair, once per row of its worker
    rows = np.repeat(start[wi], reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
    cols = np.repeat(tj, reps)
    r, cc = match_pairs(int(c.sum()), len(tasks), rows, cols, np.repeat(eu, reps), np.repeat(bid[workers], c))
    row_worker = np.repeat(workers, c)
    out: dict[int, list[int]] = {}
    for w, t in sorted(zip(row_worker[r].tolist(), tasks[cc].tolist())):
        out.setdefault(w, []).append(t)
        out[t] = [w]
    return out


def max_utility_matching(value: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a matching of maximum total ``value``; among those, one of least total ``cost``.

    ``value[i, j] > 0`` marks a possible pair (0: none); ``cost[i] >= 0`` is row
    i's cost of being matched (a worker's bid). Utility comes first exactly.
    Values with at most six decimals (pay x rate of two-decimal inputs has
    four) are whole numbers u of units 10**-d, and one score ``u x (sum of
    costs + 1) - cost`` is exact: a unit of value outweighs every cost.
    Otherwise the maximum value is found first, and a scored matching is
    accepted only if its value is not below it (else the score's weight on
    value grows; in the end the plain maximum-value matching is returned). So
    a lower cost never buys a lower value -- which the former fixed score
    ``value x (sum of costs + 1) - cost`` did when values were fractional.

    Examples
    --------
    >>> import numpy as np
    >>> r, c = max_utility_matching(np.array([[1.0], [0.99]]), np.array([10.0, 1.0]))
    >>> r.tolist()  # the score 12 v - bid would prefer row 1: 10.88 > 2
    [0]
    """
    value = np.asarray(value, dtype=float)
    rows, cols = np.nonzero(value > 0)
    return match_pairs(value.shape[0], value.shape[1], rows, cols, value[rows, cols],
                       np.asarray(cost, dtype=float))


def _decimal_units(vals: np.ndarray, most: int = 6) -> np.ndarray | None:
    """``vals`` as integers in units of 10**-d for the least d <= ``most`` that makes them whole (to float
    rounding), or None. Pay x rate of two-decimal inputs has four decimals; the floats that stand for
    them are off by an ulp, which an exact comparison of sums would take for a difference.

    >>> _decimal_units(np.array([1.0541, 0.1 + 0.2])).tolist(), _decimal_units(np.array([1 / 3]))
    ([10541.0, 3000.0], None)
    """
    for d in range(most + 1):
        x = vals * 10.0 ** d
        whole = np.round(x)
        if np.all(np.abs(x - whole) <= 1e-9 * np.maximum(1.0, np.abs(x))):
            return whole
    return None


def match_pairs(m: int, n: int, rows, cols, vals, cost) -> tuple[np.ndarray, np.ndarray]:
    """:func:`max_utility_matching` of an m x n problem given as its possible pairs (all ``vals`` > 0).

    Parameters
    ----------
    m, n : the problem's rows (tasks or task copies) and columns (workers).
    rows, cols, vals : the possible pairs and their utilities.
    cost : per row, what its pair costs (the tie-break after utility).

    Returns
    -------
    (rows, cols) of the chosen pairs.

    Examples
    --------
    >>> r, c = match_pairs(2, 2, np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([1.0, 1.0, 1.0]),
    ...                    np.array([1.0, 1.0]))
    >>> sorted(zip(r.tolist(), c.tolist()))
    [(0, 1), (1, 0)]
    """
    from scipy.optimize import linear_sum_assignment

    empty = np.empty(0, dtype=np.int64)
    if not len(vals):
        return empty, empty

    def solve(weight):
        gain = np.zeros((m, n))
        gain[rows, cols] = weight
        r, c = linear_sum_assignment(gain, maximize=True)
        keep = gain[r, c] > 0
        return r[keep], c[keep]

    def total(r, c):
        v = np.zeros((m, n))
        v[rows, cols] = vals
        return math.fsum(v[r, c].tolist())

    scale = float(cost.sum()) + 1.0
    units = _decimal_units(vals)
    # the score's sums stay far below 2**53, so a unit of value (scale) outweighs every rounding
    if units is not None and float(units.max()) * scale * min(m, n) < 2.0 ** 40:
        return solve(units * scale - cost[rows])
    r1, c1 = solve(vals)
    best = total(r1, c1)
    levels = np.unique(vals)
    step = float(min(levels[0], np.diff(levels).min())) if len(levels) > 1 else float(levels[0])
    k = scale / step
    for _ in range(3):
        r, c = solve(vals * k - cost[rows])
        if total(r, c) >= best:
            return r, c
        k *= 4096.0
    return r1, c1
