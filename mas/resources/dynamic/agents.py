"""Nodes of the dynamic allocation model: Mesa agents that hold running jobs.

A node's free capacity is a row of the model's ``free`` array, so the model can
ask all nodes at once which of them a job fits on; the node itself starts and
releases jobs and reports its utilization.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np


@dataclass(eq=False)
class Job:
    """A task of the dynamic model: arrives, waits, runs for ``service`` time units, leaves."""

    id: int
    name: str
    arrival: float
    demand: np.ndarray
    service: float
    priority: float = 0.0
    start: float | None = None
    node: NodeAgent | None = field(default=None, repr=False)


class NodeAgent(mesa.Agent):
    """One node with a capacity per resource kind; runs as many jobs at once as fit."""

    def __init__(self, model, name: str, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.index = index  # row in the model's capacity/free arrays
        self.running: set[Job] = set()
        self.completed = 0

    @property
    def capacity(self) -> np.ndarray:
        return self.model.capacity[self.index]

    @property
    def free(self) -> np.ndarray:
        return self.model.free[self.index]

    @property
    def utilization(self) -> np.ndarray:
        """Used / capacity per kind (0 for a kind the node lacks)."""
        cap = self.capacity
        return np.divide(cap - self.free, cap, out=np.zeros_like(cap), where=cap > 0)

    @property
    def load(self) -> float:
        """Utilization of the node's fullest kind, in [0, 1]: what a view colours the node by."""
        return float(self.utilization.max(initial=0.0))

    def start(self, job: Job, now: float) -> None:
        self.model.free[self.index] -= job.demand
        job.start, job.node = now, self
        self.running.add(job)

    def release(self, job: Job) -> None:
        self.running.discard(job)
        self.model.free[self.index] += job.demand
        self.completed += 1
