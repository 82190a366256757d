"""The dynamic resource model as the page runs it: two resource kinds, parameters the controls set."""

from __future__ import annotations

from mas.resources.dynamic.model import AllocationModel

#: what every node has and what a job asks (an integer drawn in [low, high] per kind)
CAPACITY = {"cpu": 4.0, "mem": 8.0}
DEMAND = {"cpu": [1, 2], "mem": [1, 4]}


class ResourcesView(AllocationModel):
    """:class:`mas.resources.dynamic.model.AllocationModel` with ``nodes`` identical nodes of
    :data:`CAPACITY` and jobs of :data:`DEMAND`; ``seed`` seeds the run."""

    def __init__(self, nodes: int = 4, arrival_rate: float = 4.0, service_rate: float = 0.5,
                 policy: str = "fifo", dt: float = 1.0, seed: int = 1) -> None:
        super().__init__(int(nodes), capacity=CAPACITY, demand=DEMAND, arrival_rate=float(arrival_rate),
                         service_rate=float(service_rate), policy=policy, dt=float(dt), rng=int(seed))
