"""The crowdsourcing model as the page runs it: a generated stream from parameters the controls set."""

from __future__ import annotations

from mas.crowdsourcing.events import StreamSettings
from mas.crowdsourcing.model import CrowdModel


class CrowdView(CrowdModel):
    """:class:`mas.crowdsourcing.model.CrowdModel` on a generated stream of ``tasks`` and
    ``workers`` over a ``plane`` x ``plane`` square; ``seed`` seeds stream and run."""

    def __init__(self, tasks: int = 150, workers: int = 60, algorithm: str = "ossa-indexed",
                 plane: float = 300.0, dt: float = 2.0, seed: int = 1) -> None:
        self.settings = StreamSettings(plane=float(plane))
        super().__init__(tasks=int(tasks), workers=int(workers), algorithm=algorithm, settings=self.settings,
                         dt=float(dt), rng=int(seed))
