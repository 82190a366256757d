"""The online engine: feed arrivals one at a time to an algorithm and keep the books.

An algorithm (see :class:`OnlineAlgorithm`) sees each arrival once, at its
time, and reports what it decides to the :class:`Ledger`: assignments (a
worker, the range it is given, the task parts it covers) and completed tasks.
The ledger prices each assignment with the pay rule and refuses what the
model forbids (a worker used twice, payment below the bid), so no algorithm
can report an impossible run.
"""

from __future__ import annotations

import gc
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, field

from mas.crowdsourcing.events import Arrival, Task, Worker, check_stream
from mas.crowdsourcing.geometry import Rect
from mas.crowdsourcing.pay import PayRule, pay_bid
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

    def assign(self, worker: Worker, now: float, rect: Rect, covered: Sequence[tuple[Task, Rect]]) -> Assignment:
        if worker.id in self.used:
            raise RuntimeError(f"worker {worker.id!r} assigned twice")
        paid, shares = self.pay(worker, covered)
        if paid < worker.bid:
            raise RuntimeError(f"pay rule paid {paid} < bid {worker.bid} of worker {worker.id!r}")
        self.used.add(worker.id)
        a = Assignment(worker.id, now, rect, worker.bid, float(paid), [(t.id, r) for t, r in covered], shares)
        self.assignments.append(a)
        return a

    def complete(self, task: Task, now: float) -> None:
        self.completed[task.id] = now


class OnlineAlgorithm:
    """Base of the online algorithms: ``start`` once, then ``arrive`` for every arrival in order."""

    name = "?"

    def start(self, ledger: Ledger, expected: int) -> None:
        self.ledger = ledger
        self.expected = expected

    def arrive(self, a: Arrival) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


ALGORITHMS = Registry("algorithm", tag="name")
#: class decorator: make an algorithm available by name (CLI and user code alike)
register_algorithm = ALGORITHMS.register


def make_algorithm(name: str, **options) -> OnlineAlgorithm:
    """An algorithm by registered name: ``ossa``, ``ossa-indexed``, ``greedy``, ``tgoa``."""
    from mas.crowdsourcing import greedy, ossa, tgoa  # noqa: F401 - registration

    return ALGORITHMS.get(name)(**options)


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

    @property
    def average_cost(self) -> float:
        """Total paid per completed task (0 when nothing completed)."""
        return self.total_paid / self.completed if self.completed else 0.0

    def to_dict(self) -> dict:
        return {"algorithm": self.algorithm, "tasks": self.tasks, "workers": self.workers,
                "completed": self.completed, "workers_used": self.workers_used,
                "total_paid": self.total_paid, "average_cost": self.average_cost, "seconds": self.seconds}


def run_online(algorithm: OnlineAlgorithm | str, arrivals: Sequence[Arrival], *, pay: PayRule = pay_bid,
               check: bool = True) -> CrowdResult:
    """Run ``algorithm`` on ``arrivals`` (in their order) and report the metrics.

    Parameters
    ----------
    algorithm : OnlineAlgorithm or str
        An algorithm object or a registered name.
    arrivals : sequence of Task and Worker
        Times must not decrease; ids must be unique per kind.
    pay : pay rule, default :func:`mas.crowdsourcing.pay.pay_bid`
    check : bool
        Validate the stream first (skip only for streams already checked).

    Returns
    -------
    CrowdResult

    Raises
    ------
    InputError
        On an invalid stream or an unknown algorithm name.

    Examples
    --------
    >>> from mas.crowdsourcing import generate_stream
    >>> r = run_online("greedy", generate_stream(50, 20, seed=0))
    >>> r.completed <= 50 and r.workers_used <= 20
    True
    """
    alg = make_algorithm(algorithm) if isinstance(algorithm, str) else algorithm
    if check:
        check_stream(arrivals)
    ledger = Ledger(pay)
    # The algorithms keep hundreds of thousands of small objects alive; Python's cycle collector
    # would re-walk them over and over (3x the run time at 50,000 tasks). They create no garbage
    # cycles that matter, so it is paused for the run and restored after.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = _time.perf_counter()
        alg.start(ledger, len(arrivals))
        for a in arrivals:
            alg.arrive(a)
        seconds = _time.perf_counter() - t0
    finally:
        if was_enabled:
            gc.enable()
    n_tasks = sum(1 for a in arrivals if a.kind == "task")
    return CrowdResult(alg.name, n_tasks, len(arrivals) - n_tasks, len(ledger.completed), len(ledger.used),
                       float(sum(a.paid for a in ledger.assignments)), seconds, ledger.assignments,
                       ledger.completed)
