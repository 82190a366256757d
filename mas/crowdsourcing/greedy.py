"""Greedy: tasks are independent; each arrival is matched at once if it can be.

A task goes to the waiting worker of best utility whose range contains it
and who has capacity left; a worker takes, among the waiting tasks inside
its range, those of best utility, up to its capacity. Ties go to the lower
bid, then to the earliest arrival. Under the default ``cost`` utility that
is: a task goes to the cheapest worker, a worker takes the earliest tasks.
What is not matched waits until its deadline (in ``given`` order nothing
expires: every candidate's time window is checked against the arrival's).

Shapes: rectangle and point tasks, rectangle and disc ranges (the stores
index a disc by its bounding box; candidates are then tested exactly).
"""

from __future__ import annotations

import heapq

from mas.crowdsourcing.engine import OnlineAlgorithm, register_algorithm
from mas.crowdsourcing.events import Arrival, Task, Worker, windows_meet
from mas.crowdsourcing.index import make_store
from mas.crowdsourcing.utility import Utility, make_utility


@register_algorithm("greedy")
class Greedy(OnlineAlgorithm):
    """The greedy baseline (a strong one: see CROWDSOURCING.md).

    Parameters
    ----------
    index : str
        Store for the queues (``grid`` default, ``scan``); decisions do not depend on it.
    cell : float
        Grid cell side.
    utility : str or callable(worker, task) -> float
        What a pair is worth (``cost`` default, ``pay-rate``, or a function).

    Examples
    --------
    >>> from mas.crowdsourcing import Task, Worker, run_online
    >>> s = [Task.point("t", 0, 1, 1, 9, price=2), Worker.disc("a", 1, 0, 0, 2, 9, rate=1),
    ...      Worker.disc("b", 1, 0, 0, 2, 9, rate=3)]
    >>> run_online(Greedy(utility="pay-rate"), s).utility  # t arrived first: a, the first worker, takes it
    2.0
    """

    def __init__(self, index: str = "grid", cell: float = 25.0, utility: str | Utility = "cost") -> None:
        self.index = index
        self.store_options = {"cell": cell} if index == "grid" else {}
        self.utility = make_utility(utility)

    def start(self, ledger, expected: int, order: str = "time") -> None:
        super().start(ledger, expected, order)
        self.timed = order == "time"
        self.task_store = make_store(self.index, **self.store_options)
        self.worker_store = make_store(self.index, **self.store_options)
        self.tasks: dict[int, Task] = {}
        self.workers: dict[int, Worker] = {}
        self.left: dict[int, int] = {}  # capacity left of each waiting worker
        self.heap: list = []  # (deadline, key): lazy expiry
        self.seq = 0  # arrivals so far

    def arrive(self, a: Arrival) -> None:
        now = a.time
        if self.timed:
            self._expire(now)
        key = self.seq
        self.seq += 1
        self.handle(a, key, now)

    def candidates(self, a: Arrival) -> list[int]:
        """Keys of the waiting arrivals ``a`` could be matched with now."""
        if a.kind == "task":
            keys, others = self.worker_store.containing(a.rect), self.workers
            exact = [k for k in keys if others[k].radius is None or others[k].covers(a.rect)]
        else:
            keys, others = self.task_store.inside(a.rect), self.tasks
            exact = keys if a.radius is None else [k for k in keys if a.covers(others[k].rect)]
        if not self.timed:
            exact = [k for k in exact if windows_meet(a, others[k])]
        return exact

    def handle(self, a: Arrival, key: int, now: float) -> None:
        cands = self.candidates(a)
        u = self.utility
        if a.kind == "task":
            if cands:
                workers = self.workers
                wkey = min(cands, key=lambda w: (-u(workers[w], a), workers[w].bid, w))
                self.match(workers[wkey], wkey, a, None)
            else:
                self.wait(a, key)
            return
        tasks = self.tasks
        left = a.capacity
        if cands:
            rank = lambda t: (-u(a, tasks[t]), t)  # noqa: E731
            chosen = [min(cands, key=rank)] if left == 1 else sorted(cands, key=rank)[:left]
            for tkey in chosen:
                self.match(a, None, tasks[tkey], tkey)
            left -= len(chosen)
        if left:
            self.wait(a, key, left)

    def wait(self, a: Arrival, key: int, left: int | None = None) -> None:
        if a.kind == "task":
            self.tasks[key] = a
            self.task_store.add(key, a.rect)
        else:
            self.workers[key] = a
            self.left[key] = a.capacity if left is None else left
            self.worker_store.add(key, a.rect)
        if self.timed:
            heapq.heappush(self.heap, (a.deadline, key))

    def match(self, worker: Worker, wkey: int | None, task: Task, tkey: int | None) -> None:
        """Assign ``task`` to ``worker`` (keys: None for the arrival being handled, not yet waiting)."""
        if wkey is not None:
            self.left[wkey] -= 1
            if not self.left[wkey]:
                self._drop_worker(wkey)
        if tkey is not None:
            del self.tasks[tkey]
            self.task_store.remove(tkey)
        now = max(worker.time, task.time)  # the first moment both are there
        self.ledger.assign(worker, now, task.rect, [(task, task.rect)])
        self.ledger.complete(task, now)

    def _drop_worker(self, key: int) -> None:
        del self.workers[key]
        del self.left[key]
        self.worker_store.remove(key)

    def _expire(self, now: float) -> None:
        heap = self.heap
        while heap and heap[0][0] < now:
            _, key = heapq.heappop(heap)
            if key in self.tasks:
                del self.tasks[key]
                self.task_store.remove(key)
            elif key in self.workers:
                self._drop_worker(key)
