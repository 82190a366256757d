"""Plain scenario parameters -> library calls: the instance, the topology's options, the model's options.

A batch point (a dict of :class:`scenarios.batch.registry.Param` values) and the
command line (``vars(args)``) name the same things; this module turns both
into the arguments of :func:`mas.instance.generate_instance` and
:class:`mas.model.NegotiationModel`, so every scenario draws the same instance
from the same parameters and seed. Light to import: ``mas --help`` loads it.
"""

from __future__ import annotations

from collections.abc import Mapping

#: the options of :class:`mas.model.NegotiationModel` a scenario may set (faults and limits)
MODEL_OPTIONS = ("loss", "crash_prob", "fail_prob", "max_ticks", "initiator", "capacity")


def topology_params(params: Mapping) -> dict:
    """The keyword options of ``topologies.build`` that a point's parameters name.

    Parameters
    ----------
    params : ``topology`` and, for its kind, ``edge_prob`` (random), ``neighbours``
        and ``rewire`` (small-world) or ``attach`` (scale-free).

    Returns
    -------
    dict of ``p``, ``k`` and ``m`` as the kind takes them (empty for the others).

    Examples
    --------
    >>> topology_params({"topology": "small-world", "neighbours": 4, "rewire": 0.1})
    {'k': 4, 'p': 0.1}
    >>> topology_params({"topology": "random", "edge_prob": None})
    {}
    """
    kind = params["topology"]
    if kind == "random":
        return {} if params["edge_prob"] is None else {"p": params["edge_prob"]}
    if kind == "small-world":
        return {"k": params["neighbours"], "p": params["rewire"]}
    if kind == "scale-free":
        return {"m": params["attach"]}
    return {}


def make_instance(params: Mapping, seed: int):
    """The generated instance of a point: the same parameters and seed give the same instance everywhere.

    Parameters
    ----------
    params : ``topology``, ``agents``, ``subtasks``, ``infeasible_prob``,
        ``cost_low``, ``cost_high``, ``kappa``, ``weights`` and the topology's
        options (:func:`topology_params`).
    seed : seeds the topology and the costs.

    Returns
    -------
    :class:`mas.instance.Instance`

    Raises
    ------
    InputError : a parameter out of range (from :func:`mas.instance.generate_instance`).

    Examples
    --------
    >>> p = {"topology": "complete", "agents": 4, "subtasks": 2, "infeasible_prob": 0.0, "cost_low": 1,
    ...      "cost_high": 10, "kappa": 2.0, "weights": "uniform"}
    >>> inst = make_instance(p, 1)
    >>> (inst.n, inst.m), bool((make_instance(p, 1).execution_cost == inst.execution_cost).all())
    ((4, 2), True)
    """
    from mas.instance import generate_instance

    return generate_instance(
        params["topology"], params["agents"], params["subtasks"], seed=seed,
        infeasible_prob=params["infeasible_prob"], cost_low=params["cost_low"], cost_high=params["cost_high"],
        kappa=params["kappa"], weights=params["weights"], **topology_params(params),
    )


def model_options(params: Mapping) -> dict:
    """The :data:`MODEL_OPTIONS` that ``params`` (a batch point or ``vars(args)``) names.

    Examples
    --------
    >>> model_options({"loss": 0.1, "agents": 5, "max_ticks": 100})
    {'loss': 0.1, 'max_ticks': 100}
    """
    return {k: params[k] for k in MODEL_OPTIONS if k in params}


__all__ = ["MODEL_OPTIONS", "make_instance", "model_options", "topology_params"]
