"""Batch scenario ``resources``: the dynamic allocation model (Mesa) as a queue, one policy per run.

Of the two resource problems in :mod:`mas.resources` -- static placement of
tasks on nodes and dynamic allocation of arriving jobs -- this scenario runs the
dynamic one, because that is what a parameter sweep is for: waiting times,
utilization and throughput as the load (arrival rate against service rate and
servers), the policy and the job sizes change, averaged over seeds that each
draw a different arrival stream. Static placement is one deterministic
optimisation per instance, which ``mas place`` / ``mas gap`` already cover.

One run = :class:`mas.resources.dynamic.AllocationModel` with ``nodes`` identical
nodes of ``capacity`` CPUs, Poisson arrivals, exponential service, jobs needing
1..``demand_max`` CPUs, run to ``horizon`` (the first ``warmup`` discarded,
default a tenth), exactly as :func:`mas.resources.dynamic.simulate_mmc` runs it
(with its defaults the scenario *is* ``simulate_mmc``, seed for seed).

Where the Erlang C formulas apply -- unit jobs (every policy then serves in
arrival order, or by priority, without idling), no timeout and lambda < c mu
with c = nodes x capacity -- the run also reports the M/M/c prediction
(:func:`mas.resources.queueing.mmc`), so simulation and theory sit in one row.
"""

from __future__ import annotations

import math

from mas import limits
from mas.errors import InputError
from mas.resources.dynamic import POLICIES, AllocationModel
from mas.resources.queueing import mmc
from scenarios.batch.registry import Param, PlotDefaults, register

PARAMS = [
    Param("policy", str, "fifo", "queue policy", choices=POLICIES),
    Param("arrival_rate", float, 2.0, "lambda: Poisson arrivals per time unit", min=1e-9),
    Param("service_rate", float, 1.0, "mu: exponential services per time unit (one CPU)", min=1e-9),
    Param("nodes", int, 3, "identical nodes", min=1),
    Param("capacity", int, 1, "CPUs per node", min=1),
    Param("demand_max", int, 1, "a job needs a uniform integer 1..demand_max of CPUs (1: unit jobs)", min=1),
    Param("priorities", int, 1, "jobs draw a priority from 0..priorities-1 (the priority policy serves high first)",
          min=1),
    Param("timeout", float, None, "a job that waited this long leaves (default: never)", min=1e-9),
    Param("horizon", float, 2000.0, "simulated time", min=1e-9),
    Param("warmup", float, None, "time discarded at the start (default horizon / 10)", min=0.0),
    Param("batches", int, 20, "batches of the batch-means 95% intervals", min=2),
]


def _warmup(params: dict) -> float:
    return params["horizon"] / 10 if params["warmup"] is None else params["warmup"]


def _check(point: dict) -> None:
    if _warmup(point) >= point["horizon"]:
        raise InputError("warmup", _warmup(point), f"must be < horizon ({point['horizon']:g})")


def make_model(params: dict, seed: int) -> AllocationModel:
    """The model of a run, not yet run (the same construction as ``simulate_mmc``)."""
    d = params["demand_max"]
    return AllocationModel(nodes=params["nodes"], capacity={"cpu": params["capacity"]},
                           demand={"cpu": 1 if d == 1 else [1, d]}, priorities=params["priorities"],
                           arrival_rate=params["arrival_rate"], service_rate=params["service_rate"],
                           policy=params["policy"], timeout=params["timeout"], dt=params["horizon"] / 100,
                           warmup=_warmup(params), rng=seed)


def erlang_prediction(params: dict) -> dict:
    """The M/M/c figures for a point where they apply, else the same keys with None.

    ``erlang_p95_wait`` uses P(Wq > t) = C e^{-(c mu - lambda) t}, which holds
    for service in arrival order; under the priority policy with several
    priorities only the mean wait (conservation law) is predicted.
    """
    keys = ("erlang_wait", "erlang_p95_wait", "erlang_wait_prob", "erlang_queue", "erlang_utilization")
    c = params["nodes"] * params["capacity"]
    lam, mu = params["arrival_rate"], params["service_rate"]
    if params["demand_max"] != 1 or params["timeout"] is not None or lam >= c * mu:
        return dict.fromkeys(keys)
    q = mmc(lam, mu, c)
    p95 = 0.0 if q.erlang_c <= 0.05 else math.log(q.erlang_c / 0.05) / (c * mu - lam)
    in_order = params["policy"] != "priority" or params["priorities"] == 1
    return dict(zip(keys, (q.Wq, p95 if in_order else None, q.erlang_c, q.Lq, q.rho)))


def _estimate(p: dict):
    """One run simulates about arrival_rate x horizon jobs: bounded in time, then sized."""
    limits.require_bounded(p["arrival_rate"] * p["horizon"], limits.MAX_SIMULATED_JOBS, "horizon", p["horizon"],
                           "simulated arrivals (arrival_rate x horizon)", "choose a shorter horizon")
    return limits.queue_estimate(p["arrival_rate"], p["horizon"], p["nodes"] * p["capacity"])


@register("resources", PARAMS, check=_check, estimate=_estimate,
          description="the dynamic allocation model as a queue: waits, utilization, throughput vs Erlang C",
          plot=PlotDefaults(x="arrival_rate", y=("mean_wait", "p95_wait", "utilization", "throughput"),
                            hue="policy"))
def resources(params: dict, seed: int) -> dict:
    """One run of the dynamic model.

    Returns
    -------
    dict with ``mean_wait`` and ``p95_wait`` (queueing time of the jobs that
    arrived after the warm-up and started), ``mean_wait_low`` / ``mean_wait_high``
    (its 95% batch-means interval), ``utilization`` (mean share of CPUs busy),
    ``throughput`` (completions per time unit), ``mean_queue``, the counts
    ``arrived``, ``completed``, ``timed_out``, ``rejected`` (jobs larger than any
    node), and the Erlang C prediction (see :func:`erlang_prediction`).

    Examples
    --------
    >>> p = {q.name: q.default for q in PARAMS} | {"horizon": 200.0}
    >>> m = resources(p, seed=1)
    >>> 0 < m["utilization"] < 1 and m["erlang_utilization"] == 2 / 3
    True
    """
    model = make_model(params, seed)
    model.run_until(params["horizon"])
    s = model.summary(batches=params["batches"])
    return {
        "mean_wait": model.mean_wait(), "p95_wait": model.p95_wait(),
        "mean_wait_low": s.Wq.low, "mean_wait_high": s.Wq.high,
        "utilization": s.rho.mean, "throughput": s.throughput.mean, "mean_queue": s.Lq.mean,
        "arrived": s.arrived, "completed": s.completed, "timed_out": s.timed_out, "rejected": s.rejected,
        **erlang_prediction(params),
    }
