"""Greedy: tasks are independent; each arrival is matched at once if it can be.

A task goes to the cheapest waiting worker whose range contains it (ties: the
earliest worker); a worker takes, among the queued tasks inside its range, the
one with the earliest deadline (ties: the earliest task); otherwise the
arrival waits until its deadline.
"""

from __future__ import annotations

import heapq

from mas.crowdsourcing.engine import OnlineAlgorithm, register_algorithm
from mas.crowdsourcing.events import Arrival, Task, Worker
from mas.crowdsourcing.index import make_store


@register_algorithm("greedy")
class Greedy(OnlineAlgorithm):
    """The greedy baseline (a strong one: see CROWDSOURCING.md).

    Parameters
    ----------
    index : str
        Store for the queues (``grid`` default, ``scan``); decisions do not depend on it.
    cell : float
        Grid cell side.
    """

    def __init__(self, index: str = "grid", cell: float = 25.0) -> None:
        self.index = index
        self.store_options = {"cell": cell} if index == "grid" else {}

    def start(self, ledger, expected: int) -> None:
        super().start(ledger, expected)
        self.task_store = make_store(self.index, **self.store_options)
        self.worker_store = make_store(self.index, **self.store_options)
        self.tasks: dict[int, Task] = {}
        self.workers: dict[int, Worker] = {}
        self.heap: list = []  # (deadline, kind, key): lazy expiry
        self.seq = 0  # arrivals so far

    def arrive(self, a: Arrival) -> None:
        now = a.time
        self._expire(now)
        key = self.seq
        self.seq += 1
        self.handle(a, key, now)

    def handle(self, a: Arrival, key: int, now: float) -> None:
        if a.kind == "task":
            cands = self.worker_store.containing(a.rect)
            if cands:
                wid = min(cands, key=lambda w: (self.workers[w].bid, w))
                self.match(self.workers[wid], wid, a, None, now)
            else:
                self.wait(a, key)
        else:
            cands = self.task_store.inside(a.rect)
            if cands:
                tid = min(cands, key=lambda t: (self.tasks[t].deadline, t))
                self.match(a, None, self.tasks[tid], tid, now)
            else:
                self.wait(a, key)

    def wait(self, a: Arrival, key: int) -> None:
        if a.kind == "task":
            self.tasks[key] = a
            self.task_store.add(key, a.rect)
        else:
            self.workers[key] = a
            self.worker_store.add(key, a.rect)
        heapq.heappush(self.heap, (a.deadline, key))

    def match(self, worker: Worker, wkey: int | None, task: Task, tkey: int | None, now: float) -> None:
        if wkey is not None:
            del self.workers[wkey]
            self.worker_store.remove(wkey)
        if tkey is not None:
            del self.tasks[tkey]
            self.task_store.remove(tkey)
        self.ledger.assign(worker, now, task.rect, [(task, task.rect)])
        self.ledger.complete(task, now)

    def _expire(self, now: float) -> None:
        heap = self.heap
        while heap and heap[0][0] < now:
            _, key = heapq.heappop(heap)
            if key in self.tasks:
                del self.tasks[key]
                self.task_store.remove(key)
            elif key in self.workers:
                del self.workers[key]
                self.worker_store.remove(key)
