"""The dynamic allocation model (Mesa): nodes are agents, jobs arrive, queue, run and leave.

``simulate_mmc`` runs it as an M/M/c queue (c unit-capacity nodes, unit jobs,
FIFO) and returns the figures the formulas give, with confidence intervals.
"""

from __future__ import annotations

from mas.errors import InputError
from mas.resources.dynamic.agents import Job, NodeAgent
from mas.resources.dynamic.model import POLICIES, AllocationModel, History, model_params
from mas.resources.dynamic.stats import Estimate, RunSummary, summarize


def simulate_mmc(arrival_rate: float, service_rate: float, servers: int = 1, *, horizon: float = 10_000.0,
                 warmup: float | None = None, batches: int = 20, seed=None) -> RunSummary:
    """Simulate an M/M/c queue with the dynamic model; figures with 95% intervals.

    Parameters
    ----------
    arrival_rate, service_rate : float
        lambda and mu (per server).
    servers : int
        c: the model gets c nodes of capacity 1 and jobs of demand 1.
    horizon : float
        Simulated time.
    warmup : float, optional
        Time discarded at the start (default a tenth of the horizon).
    batches : int
        Batches for the confidence intervals (default 20).
    seed : int or numpy.random.Generator

    Examples
    --------
    >>> s = simulate_mmc(2, 3, 2, horizon=2000, seed=1)
    >>> 0.0 < s.Wq.mean < 0.2
    True
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, float)) or not horizon > 0:
        raise InputError("horizon", horizon, "must be a number > 0")
    if isinstance(batches, bool) or not isinstance(batches, int) or batches < 2:
        raise InputError("batches", batches, "must be an integer >= 2")
    warm = horizon / 10 if warmup is None else warmup
    model = AllocationModel(nodes=servers, capacity={"cpu": 1}, demand={"cpu": 1}, arrival_rate=arrival_rate,
                            service_rate=service_rate, policy="fifo", dt=horizon / 100, warmup=warm, rng=seed)
    model.run_until(horizon)
    return model.summary(batches=batches)


__all__ = ["POLICIES", "AllocationModel", "Estimate", "History", "Job", "NodeAgent", "RunSummary", "model_params",
           "simulate_mmc", "summarize"]
