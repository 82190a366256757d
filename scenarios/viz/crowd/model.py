"""The crowdsourcing model as the page runs it: a generated stream from parameters the controls set."""

from __future__ import annotations

import math

import mesa

from mas.crowdsourcing.events import StreamSettings
from mas.crowdsourcing.model import CrowdModel


class CrowdView(CrowdModel):
    """:class:`mas.crowdsourcing.model.CrowdModel` on a generated stream of ``tasks`` and
    ``workers`` over a ``plane`` x ``plane`` square; ``seed`` seeds stream and run.

    The view's series leave out what is not yet defined: the average cost until
    a task is completed.
    """

    def __init__(self, tasks: int = 150, workers: int = 60, algorithm: str = "ossa-indexed",
                 plane: float = 300.0, dt: float = 2.0, seed: int = 1) -> None:
        self.settings = StreamSettings(plane=float(plane))
        super().__init__(tasks=int(tasks), workers=int(workers), algorithm=algorithm, settings=self.settings,
                         dt=float(dt), rng=int(seed))
        self.total_tasks = sum(a.kind == "task" for a in self.arrivals)
        self.total_workers = len(self.arrivals) - self.total_tasks
        reporters = dict(self.datacollector.model_reporters)
        reporters["average_cost"] = lambda m: m.average_cost if m.completed else math.nan
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    @property
    def time_fed(self) -> float | None:
        """The stream time up to which arrivals have been fed (None before the first tick)."""
        return None if self.tick == 0 else self.clock - self.dt
