"""Batch scenario ``crowd``: one online spatial-crowdsourcing algorithm on a generated stream.

One run = the stream :func:`mas.crowdsourcing.generate_stream` draws from the
run's seed (the same stream for every algorithm at the same point and seed, so
algorithms are compared on common random numbers) and one algorithm run on it
with :func:`mas.crowdsourcing.run_online`, as ``mas crowd --tasks N --workers W``
does. A grid over ``algorithm`` and ``tasks`` is the seed's experiments
(``mas crowd-experiment``) with any number of seeds and any other setting.

``algorithm_seconds`` is the algorithm's own running time (what the seed's third
experiment plots); it is the one metric that is not a function of the seed.
It is not called ``seconds`` because every result row already has a
``seconds`` column (the whole run, stream generation included).
"""

from __future__ import annotations

from mas import limits
from mas.crowdsourcing import ALGORITHMS, UTILITIES, StreamSettings, generate_stream, make_algorithm, run_online
from mas.crowdsourcing.engine import algorithm_options
from mas.errors import InputError
from scenarios.batch.registry import Param, PlotDefaults, register

_DEFAULT = StreamSettings()

PARAMS = [
    Param("algorithm", str, "ossa-indexed", "online algorithm", choices=tuple(sorted(ALGORITHMS))),
    Param("tasks", int, 200, "tasks in the stream", min=0),
    Param("workers", int, 100, "workers in the stream", min=0),
    Param("plane", float, _DEFAULT.plane, "side of the square plane", min=1e-9),
    Param("horizon", float, _DEFAULT.horizon, "arrival times uniform in [0, horizon]", min=0.0),
    Param("task_stay_low", float, _DEFAULT.task_stay[0], "a task stays uniform in [low, high]", min=0.0),
    Param("task_stay_high", float, _DEFAULT.task_stay[1], "upper end of the task stay", min=0.0),
    Param("worker_stay_low", float, _DEFAULT.worker_stay[0], "a worker stays uniform in [low, high]", min=0.0),
    Param("worker_stay_high", float, _DEFAULT.worker_stay[1], "upper end of the worker stay", min=0.0),
    Param("split", float, 0.5, "tgoa: share of arrivals handled greedily", min=0.0, max=1.0),
    Param("utility", str, "cost", "what a pair is worth (greedy, tgoa decide by it)", choices=tuple(UTILITIES.names())),
]


def settings(params: dict) -> StreamSettings:
    """The stream settings of a point (as ``mas crowd --plane --horizon --task-stay --worker-stay``)."""
    return StreamSettings(plane=params["plane"], horizon=params["horizon"],
                          task_stay=(params["task_stay_low"], params["task_stay_high"]),
                          worker_stay=(params["worker_stay_low"], params["worker_stay_high"]))


def algorithm(params: dict):
    """The algorithm object of a point (with its split where it takes one, as ``mas crowd --split``)."""
    name = params["algorithm"]
    options = {"utility": params.get("utility", "cost")}
    if "split" in algorithm_options(name):
        options["split"] = params["split"]
    return make_algorithm(name, **options)


def _check(point: dict) -> None:
    for kind in ("task", "worker"):
        lo, hi = point[f"{kind}_stay_low"], point[f"{kind}_stay_high"]
        if hi < lo:
            raise InputError(f"{kind}_stay_high", hi, f"must be >= {kind}_stay_low ({lo:g})")
    try:
        settings(point).validate()
    except InputError as exc:  # e.g. a plane smaller than the smallest task side
        raise InputError("plane" if exc.field in ("plane", "task_size", "worker_size") else exc.field,
                         point["plane"], exc.problem) from None


@register("crowd", PARAMS, check=_check,
          estimate=lambda p: limits.crowd_estimate(p["tasks"], p["workers"], p["algorithm"]),
          description="an online crowdsourcing algorithm on a generated stream: completed tasks, cost, time",
          plot=PlotDefaults(x="tasks", y=("completed", "average_cost", "workers_used", "algorithm_seconds"),
                            hue="algorithm", log_y=("algorithm_seconds",)))
def crowd(params: dict, seed: int) -> dict:
    """One algorithm on the run's stream.

    Returns
    -------
    dict with ``completed``, ``utility`` (the sum over matches), ``completion_rate`` (completed / tasks),
    ``workers_used``, ``total_paid``, ``average_cost`` (paid per completed
    task) and ``algorithm_seconds``.

    Examples
    --------
    >>> p = {q.name: q.default for q in PARAMS} | {"tasks": 30, "workers": 10, "algorithm": "greedy"}
    >>> m = crowd(p, seed=1)
    >>> 0 <= m["completed"] <= 30 and m["workers_used"] <= 10
    True
    """
    stream = generate_stream(params["tasks"], params["workers"], seed=seed, settings=settings(params))
    r = run_online(algorithm(params), stream, check=False)
    return {
        "completed": r.completed,
        "utility": r.utility,
        "completion_rate": r.completed / r.tasks if r.tasks else 0.0,
        "workers_used": r.workers_used,
        "total_paid": r.total_paid,
        "average_cost": r.average_cost,
        "algorithm_seconds": r.seconds,
    }
