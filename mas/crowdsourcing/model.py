"""The online crowdsourcing run as a Mesa model: one tick feeds the arrivals of one time unit.

The algorithm is the same object :func:`run_online` drives; the model only
adds agents for what has arrived, their states and a DataCollector, so a
browser view or a notebook can watch the run.
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np

from mas.compat import model_init_kwargs
from mas.crowdsourcing.agents import TaskAgent, WorkerAgent
from mas.crowdsourcing.engine import Ledger, OnlineAlgorithm, batches, make_algorithm
from mas.crowdsourcing.events import Arrival, StreamSettings, check_stream, generate_stream
from mas.crowdsourcing.pay import PayRule, pay_bid
from mas.errors import InputError


class CrowdModel(mesa.Model):
    """Online spatial crowdsourcing with workers and tasks as agents.

    Parameters
    ----------
    arrivals : sequence of Task and Worker, optional
        The stream; by default one is generated from ``tasks``, ``workers``, ``settings`` and ``rng``.
    tasks, workers : int
        Sizes of a generated stream.
    algorithm : str or OnlineAlgorithm
        Registered name (default ``ossa-indexed``) or an algorithm object.
    dt : float
        Time a tick advances the clock.
    rng : int or numpy Generator, optional
        Seeds the model and the generated stream.

    Examples
    --------
    >>> m = CrowdModel(tasks=60, workers=30, rng=1)
    >>> while m.running:
    ...     m.step()
    >>> m.completed == len(m.ledger.completed)
    True
    """

    def __init__(self, arrivals: Sequence[Arrival] | None = None, *, tasks: int = 200, workers: int = 80,
                 algorithm: str | OnlineAlgorithm = "ossa-indexed", settings: StreamSettings | None = None,
                 dt: float = 1.0, pay: PayRule = pay_bid, rng: int | np.random.Generator | None = None) -> None:
        super().__init__(**model_init_kwargs(rng))
        if not dt > 0:
            raise InputError("dt", dt, "must be > 0")
        if arrivals is None:
            arrivals = generate_stream(tasks, workers, seed=int(self.rng.integers(2**63 - 1)), settings=settings)
        else:
            check_stream(arrivals)
        self.arrivals = list(arrivals)
        self.algorithm = make_algorithm(algorithm) if isinstance(algorithm, str) else algorithm
        self.ledger = Ledger(pay)
        self.algorithm.start(self.ledger, len(self.arrivals))
        self.dt = float(dt)
        self.clock = self.arrivals[0].time if self.arrivals else 0.0
        self.tick = 0  # the tick counter of every model of ours (see mas.model.NegotiationModel)
        self._next = 0
        self._seen_assignments = 0
        self.task_agents: dict[object, TaskAgent] = {}
        self.worker_agents: dict[object, WorkerAgent] = {}
        self.datacollector = mesa.DataCollector(model_reporters={
            "completed": lambda m: m.completed,
            "workers_used": lambda m: len(m.ledger.used),
            "total_paid": lambda m: m.total_paid,
            "average_cost": lambda m: m.average_cost,
            "open_tasks": lambda m: sum(a.state in ("open", "merged") for a in m.task_agents.values()),
            "waiting_workers": lambda m: sum(a.state == "waiting" for a in m.worker_agents.values()),
        })
        self.running = bool(self.arrivals)
        self.datacollector.collect(self)

    @property
    def completed(self) -> int:
        return len(self.ledger.completed)

    @property
    def total_paid(self) -> float:
        return float(sum(a.paid for a in self.ledger.assignments))

    @property
    def average_cost(self) -> float:
        return self.total_paid / self.completed if self.completed else 0.0

    def step(self) -> None:
        """Feed every arrival up to the clock, then advance the clock by ``dt``."""
        arrivals = self.arrivals
        first = self._next
        while self._next < len(arrivals) and arrivals[self._next].time <= self.clock:
            a = arrivals[self._next]
            self._next += 1
            if a.kind == "task":
                self.task_agents[a.id] = TaskAgent(self, a)
            else:
                self.worker_agents[a.id] = WorkerAgent(self, a)
        for batch in batches(arrivals[first:self._next]):  # equal times together, as run_online feeds them
            self.algorithm.arrive_batch(batch)
        self._update_states()
        self.tick += 1
        self.clock += self.dt
        self.running = self._next < len(arrivals)
        self.datacollector.collect(self)

    def _update_states(self) -> None:
        for a in self.ledger.assignments[self._seen_assignments:]:
            self.worker_agents[a.worker].state = "working"
        self._seen_assignments = len(self.ledger.assignments)
        status = getattr(self.algorithm, "task_status", None)
        for tid, agent in self.task_agents.items():
            if agent.state in ("done", "expired"):
                continue
            if tid in self.ledger.completed:
                agent.state = "done"
            elif agent.task.deadline < self.clock:
                agent.state = "expired"
            elif status is not None:
                agent.state = status(tid) if status(tid) in ("open", "merged") else agent.state
        for agent in self.worker_agents.values():
            if agent.state == "waiting" and agent.worker.deadline < self.clock:
                agent.state = "left"
