"""TGOA (Tong et al., ICDE 2016): greedy first, then follow the optimal matching of what has arrived.

Phase 1 (the first ``split`` share of the expected arrivals) is
:class:`~mas.crowdsourcing.greedy.Greedy`. In phase 2 an arrival ``u`` is
matched only to its partner ``v`` in an optimal matching of every task and
worker that has arrived so far (matched, expired or waiting alike), and only
if ``v`` is still waiting; otherwise ``u`` waits. A pair is possible when the
worker's range contains the task's and their time windows overlap; its
utility is ``utility(worker, task)`` (default 1: the number of completed
tasks), ties go to the lower bid. The optimal matching is
``scipy.optimize.linear_sum_assignment`` on the connected component of ``u``
in the graph of possible pairs (matchings of different components are
independent, and components are small in the seed's setting).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment

from mas.crowdsourcing.engine import register_algorithm
from mas.crowdsourcing.events import Arrival, Task, Worker
from mas.crowdsourcing.greedy import Greedy
from mas.errors import InputError


def unit_utility(worker: Worker, task: Task) -> float:
    """One per completed task."""
    return 1.0


@register_algorithm("tgoa")
class TGOA(Greedy):
    """Two-phase greedy / optimal-matching online algorithm.

    Parameters
    ----------
    split : float
        Share of the expected arrivals handled greedily (default 0.5 as in the
        paper; the authors' code uses 0.78).
    utility : callable(worker, task) -> float
        Value of a pair (default 1).
    """

    def __init__(self, split: float = 0.5, utility: Callable[[Worker, Task], float] = unit_utility,
                 index: str = "grid", cell: float = 25.0) -> None:
        if not (0.0 <= split <= 1.0):
            raise InputError("split", split, "must be in [0, 1]")
        super().__init__(index=index, cell=cell)
        self.split = split
        self.utility = utility

    def start(self, ledger, expected: int) -> None:
        super().start(ledger, expected)
        self.switch = int(self.split * expected)
        self.seen: list[Arrival] = []  # every arrival, by key
        self.adj: list[list[int]] = []  # possible partners, by key
        # coordinates of arrived tasks and workers (for the vectorized pair test), grown by doubling
        self._t_keys = np.empty(0, dtype=np.int64)
        self._w_keys = np.empty(0, dtype=np.int64)
        self._t = np.empty((0, 6))
        self._w = np.empty((0, 6))
        self._nt = self._nw = 0
        # components of the graph of possible pairs only ever merge: union-find with member lists
        self._parent: list[int] = []
        self._members: list[list[int] | None] = []
        self.decisions: list[tuple[int, int | None, int | None]] = []  # (arrival key, M-partner, matched)

    def handle(self, a: Arrival, key: int, now: float) -> None:
        self._record(a, key)
        if key < self.switch:
            super().handle(a, key, now)
            return
        partner = self._optimal_partner(key)
        taken = None
        if partner is not None:
            other = self.seen[partner]
            if a.kind == "task" and partner in self.workers:
                self.match(other, partner, a, None, now)
                taken = partner
            elif a.kind == "worker" and partner in self.tasks:
                self.match(a, None, other, partner, now)
                taken = partner
        self.decisions.append((key, partner, taken))
        if taken is None:
            self.wait(a, key)

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
                self._w = np.resize(self._w, (max(16, 2 * self._nw), 6))
                self._w_keys = np.resize(self._w_keys, max(16, 2 * self._nw))
            self._w[self._nw] = row
            self._w_keys[self._nw] = key
            self._nw += 1

    def _record(self, a: Arrival, key: int) -> None:
        row = np.array([*a.rect, a.time, a.deadline])
        x1, y1, x2, y2, t0, t1 = row
        if a.kind == "task":
            w = self._w[: self._nw]
            ok = ((w[:, 0] <= x1) & (w[:, 1] <= y1) & (x2 <= w[:, 2]) & (y2 <= w[:, 3])
                  & (np.maximum(w[:, 4], t0) <= np.minimum(w[:, 5], t1)))
            partners = self._w_keys[: self._nw][ok].tolist()
        else:
            t = self._t[: self._nt]
            ok = ((x1 <= t[:, 0]) & (y1 <= t[:, 1]) & (t[:, 2] <= x2) & (t[:, 3] <= y2)
                  & (np.maximum(t[:, 4], t0) <= np.minimum(t[:, 5], t1)))
            partners = self._t_keys[: self._nt][ok].tolist()
        self._append(a.kind, row, key)
        self.seen.append(a)
        self.adj.append(partners)
        self._parent.append(key)
        self._members.append([key])
        for p in partners:
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

    def _optimal_partner(self, key: int) -> int | None:
        """``key``'s partner in an optimal matching of everything arrived so far (None: unmatched)."""
        if not self.adj[key]:
            return None
        comp = sorted(self._members[self._find(key)])
        workers = [k for k in comp if self.seen[k].kind == "worker"]
        tasks = [k for k in comp if self.seen[k].kind == "task"]
        return optimal_matching(self.seen, workers, tasks, self.adj, self.utility).get(key)


def optimal_matching(seen, workers: list[int], tasks: list[int], adj, utility) -> dict[int, int]:
    """Max-utility matching of ``workers`` and ``tasks`` over the pairs in ``adj`` (ties: lower total bid).

    Returns a dict mapping each matched key to its partner (both directions).
    """
    col = {t: j for j, t in enumerate(tasks)}
    bids = np.array([seen[w].bid for w in workers])
    scale = float(bids.sum()) + 1.0  # one more unit of utility outweighs any difference of bids
    gain = np.zeros((len(workers), len(tasks)))
    for i, w in enumerate(workers):
        js = [col[t] for t in adj[w] if t in col]
        if utility is unit_utility:
            gain[i, js] = scale - bids[i]
        else:
            for j in js:
                u = utility(seen[w], seen[tasks[j]])
                if u > 0:
                    gain[i, j] = u * scale - bids[i]
    rows, cols = linear_sum_assignment(gain, maximize=True)
    out: dict[int, int] = {}
    for i, j in zip(rows, cols):
        if gain[i, j] > 0:
            out[workers[i]] = tasks[j]
            out[tasks[j]] = workers[i]
    return out
