"""The online engine: feed arrivals one at a time to an algorithm and keep the books.

An algorithm (see :class:`OnlineAlgorithm`) sees each arrival once, at its
time, and reports what it decides to the :class:`Ledger`: assignments (a
worker, the range it is given, the task parts it covers) and completed tasks.
The ledger prices each assignment with the pay rule and refuses what the
model forbids (a worker used beyond its capacity, payment below the bid), so
no algorithm can report an impossible run.

Arrival order: ``time`` (times never decrease; "now" is the arrival's time)
or ``given`` (the random-order model: any order, times only define the
windows). A pair is assigned at the later of the two arrival times, the
first moment both are present. Consecutive arrivals with equal times are
handed to the algorithm together (:meth:`OnlineAlgorithm.arrive_batch`):
TGOA's phase 2 treats them as one batch, the others one at a time.
"""

from __future__ import annotations

import gc
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, field

from mas.crowdsourcing.events import Arrival, Task, Worker, check_stream
from mas.crowdsourcing.geometry import Rect, area
from mas.crowdsourcing.pay import PayRule, pay_bid
from mas.crowdsourcing.utility import Utility, cost
from mas.registry import Registry


@dataclass
class Assignment:
    """One worker given one (possibly merged) range at one time."""

    worker: object
    time: float
    rect: Rect
    bid: float
    paid: float
    covered: list[tuple[object, Rect]]  # (task id, the part of that task this worker covers)
    shares: dict

    def to_dict(self) -> dict:
        return {"worker": self.worker, "time": self.time, "rect": list(self.rect), "bid": self.bid,
                "paid": self.paid, "covered": [[t, list(r)] for t, r in self.covered], "shares": self.shares}


class Ledger:
    """What an algorithm has decided, priced by the pay rule."""

    def __init__(self, pay: PayRule = pay_bid) -> None:
        self.pay = pay
        self.assignments: list[Assignment] = []
        self.completed: dict[object, float] = {}  # task id -> completion time
        self.used: set = set()
        self.load: dict = {}  # worker id -> tasks taken

    def assign(self, worker: Worker, now: float, rect: Rect, covered: Sequence[tuple[Task, Rect]]) -> Assignment:
        taken = self.load.get(worker.id, 0)
        if taken >= worker.capacity:
            raise RuntimeError(f"worker {worker.id!r} assigned beyond its capacity {worker.capacity}")
        paid, shares = self.pay(worker, covered)
        if paid < worker.bid:
            raise RuntimeError(f"pay rule paid {paid} < bid {worker.bid} of worker {worker.id!r}")
        self.used.add(worker.id)
        self.load[worker.id] = taken + 1
        a = Assignment(worker.id, now, rect, worker.bid, float(paid), [(t.id, r) for t, r in covered], shares)
        self.assignments.append(a)
        return a

    def complete(self, task: Task, now: float) -> None:
        self.completed[task.id] = now


class OnlineAlgorithm:
    """Base of the online algorithms: ``start`` once, then ``arrive`` for every arrival in order.

    ``utility`` is what the run reports as its utility (Greedy and TGOA also decide by it).
    """

    name = "?"
    utility: Utility = staticmethod(cost)
    orders: tuple[str, ...] = ("time", "given")  # the arrival orders the algorithm supports

    def start(self, ledger: Ledger, expected: int, order: str = "time") -> None:
        from mas.errors import InputError

        if order not in self.orders:
            raise InputError("order", order, f"{self.name} supports {' and '.join(self.orders)} order only")
        self.ledger = ledger
        self.expected = expected
        self.order = order

    def arrive(self, a: Arrival) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def arrive_batch(self, batch: Sequence[Arrival]) -> None:
        """Consecutive arrivals with equal times; by default one at a time."""
        for a in batch:
            self.arrive(a)


def batches(arrivals: Sequence[Arrival]):
    """Runs of consecutive arrivals with equal times.

    >>> from mas.crowdsourcing.events import Task
    >>> [[a.id for a in b] for b in batches([Task(i, t, 0, 0, 1, 1, 9) for i, t in enumerate([1, 2, 2, 1])])]
    [[0], [1, 2], [3]]
    """
    i, n = 0, len(arrivals)
    while i < n:
        j = i + 1
        t = arrivals[i].time
        while j < n and arrivals[j].time == t:
            j += 1
        yield arrivals[i:j]
        i = j


def run_utility(assignments: Sequence[Assignment], completed, arrivals: Sequence[Arrival], utility: Utility) -> float:
    """Sum of ``utility`` over the matches of completed tasks (a task covered in parts: by covered area)."""
    tasks = {a.id: a for a in arrivals if a.kind == "task"}
    workers = {a.id: a for a in arrivals if a.kind == "worker"}
    total = 0.0
    for a in assignments:
        w = workers[a.worker]
        for tid, part in a.covered:
            if tid in completed:
                t = tasks[tid]
                whole = area(t.rect)
                total += utility(w, t) * (area(part) / whole if whole > 0 else 1.0)
    return total


ALGORITHMS = Registry("algorithm", tag="name")
# each module registers its algorithms when a name is first looked up (mas/registry.py), so
# this module never imports them and they can import it
for _name, _module in (("ossa", "ossa"), ("ossa-indexed", "ossa"), ("greedy", "greedy"), ("tgoa", "tgoa")):
    ALGORITHMS.declare(_name, f"mas.crowdsourcing.{_module}")
#: class decorator: make an algorithm available by name (CLI and user code alike)
register_algorithm = ALGORITHMS.register


def make_algorithm(name: str, **options) -> OnlineAlgorithm:
    """An algorithm by registered name (``ALGORITHMS.names()``: ``ossa``, ``ossa-indexed``, ``greedy``, ``tgoa``).

    Raises
    ------
    InputError
        for an unknown name, or an option the algorithm does not take (``algorithm_options``).

    >>> make_algorithm("greedy", split=0.3)
    Traceback (most recent call last):
    ...
    mas.errors.InputError: split = 0.3: not an option of algorithm 'greedy'; its options: index, cell, utility
    """
    return ALGORITHMS.make(name, **options)


def algorithm_options(name: str) -> list[str]:
    """The keyword options the algorithm registered as ``name`` takes.

    >>> algorithm_options("tgoa")
    ['split', 'utility', 'index', 'cell']
    """
    return list(ALGORITHMS.options(name))


@dataclass
class CrowdResult:
    """Outcome of one online run."""

    algorithm: str
    tasks: int
    workers: int
    completed: int
    workers_used: int
    total_paid: float
    seconds: float
    assignments: list[Assignment] = field(default_factory=list, repr=False)
    completed_ids: dict = field(default_factory=dict, repr=False)
    utility: float = 0.0

    @property
    def average_cost(self) -> float:
        """Total paid per completed task (0 when nothing completed)."""
        return self.total_paid / self.completed if self.completed else 0.0

    def to_dict(self) -> dict:
        return {"algorithm": self.algorithm, "tasks": self.tasks, "workers": self.workers,
                "completed": self.completed, "utility": self.utility, "workers_used": self.workers_used,
                "total_paid": self.total_paid, "average_cost": self.average_cost, "seconds": self.seconds}


def run_online(algorithm: OnlineAlgorithm | str, arrivals: Sequence[Arrival], *, pay: PayRule = pay_bid,
               check: bool = True, order: str = "time") -> CrowdResult:
    """Run ``algorithm`` on ``arrivals`` (in their order) and report the metrics.

    Parameters
    ----------
    algorithm : OnlineAlgorithm or str
        An algorithm object or a registered name.
    arrivals : sequence of Task and Worker
        Ids must be unique per kind; in ``time`` order times must not decrease.
    pay : pay rule, default :func:`mas.crowdsourcing.pay.pay_bid`
    check : bool
        Validate the stream first (skip only for streams already checked).
    order : ``"time"`` (default) or ``"given"``
        The arrival order: by time, or as given (the random-order model, where
        times only define the windows; Greedy and TGOA only).

    Returns
    -------
    CrowdResult

    Raises
    ------
    InputError
        On an invalid stream, an unknown algorithm name, or an order or shape
        the algorithm does not support.

    Examples
    --------
    >>> from mas.crowdsourcing import generate_stream
    >>> r = run_online("greedy", generate_stream(50, 20, seed=0))
    >>> r.completed <= 50 and r.workers_used <= 20
    True
    """
    alg = make_algorithm(algorithm) if isinstance(algorithm, str) else algorithm
    if check:
        check_stream(arrivals, order=order)
    ledger = Ledger(pay)
    # The algorithms keep hundreds of thousands of small objects alive; Python's cycle collector
    # would re-walk them over and over (3x the run time at 50,000 tasks). They create no garbage
    # cycles that matter, so it is paused for the run and restored after.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = _time.perf_counter()
        alg.start(ledger, len(arrivals), order)
        for batch in batches(arrivals):
            alg.arrive_batch(batch)
        seconds = _time.perf_counter() - t0
    finally:
        if was_enabled:
            gc.enable()
    n_tasks = sum(1 for a in arrivals if a.kind == "task")
    return CrowdResult(alg.name, n_tasks, len(arrivals) - n_tasks, len(ledger.completed), len(ledger.used),
                       float(sum(a.paid for a in ledger.assignments)), seconds, ledger.assignments,
                       ledger.completed, run_utility(ledger.assignments, ledger.completed, arrivals, alg.utility))
