"""Batch scenario ``bargain-topology``: a protocol run priced by bargaining, strategies x topologies.

One run = one generated instance (drawn from the run's seed exactly as
``cost-sweep`` and ``protocol-compare`` draw it), allocated by ``protocol``,
then every awarded subtask's payment bargained between the initiator and the
winner by alternating offers over the topology
(:func:`protocols.bargaining.settle`). A grid over ``buyer``, ``seller`` and
``topology`` shows how concession strategies and the network's costs meet:
agreement rate, rounds, and what the haggling costs in messages.
"""

from __future__ import annotations

from mas.errors import InputError
from protocols import names, negotiate
from protocols.bargaining import make
from scenarios.batch.registry import Param, PlotDefaults, register
from scenarios.batch.scenarios_cost import INSTANCE_PARAMS, check_costs
from scenarios.wiring import make_instance, model_options

PARAMS = [
    Param(
        "buyer", str, "linear", "the initiator's strategy: boulware, linear, conceder, time:BETA, tit-for-tat, random"
    ),
    Param("seller", str, "linear", "every winner's strategy (same names)"),
    Param("deadline", int, 10, "rounds per negotiation", min=2),
    Param(
        "budget", float, 0.0, "the initiator's reservation price per subtask (0: its largest execution cost)", min=0.0
    ),
    Param("markup", float, 1.0, "a winner opens at (1 + markup) x its execution cost", min=0.001),
    Param("protocol", str, "cnp", "the protocol that allocates before pricing", choices=tuple(names())),
    *INSTANCE_PARAMS,
    Param("loss", float, 0.0, "message loss probability (protocol and pricing)", min=0.0, max=0.99),
]


def check_point(point: dict) -> None:
    """Costs that contradict each other and unknown strategies fail before any run."""
    check_costs(point)
    for role in ("buyer", "seller"):
        try:
            make(point[role])
        except InputError as exc:
            raise InputError(role, point[role], exc.problem) from None


@register("bargain-topology", PARAMS, check=check_point,
          description="a protocol's allocation priced by alternating offers over the topology: "
                      "agreement rate, rounds, bargaining messages and cost",
          plot=PlotDefaults(x="topology", y=("agreement_rate", "mean_rounds", "bargaining_cost", "payment_total"),
                            hue="buyer"))
def bargain_topology(params: dict, seed: int) -> dict:
    """One priced protocol run on the run's instance.

    Returns
    -------
    dict with ``agreement_rate`` (empty when nothing was bargained),
    ``mean_rounds``, ``bargained``, ``agreed``, ``payment_total`` (agreed
    payments), ``bargaining_messages``, ``bargaining_resent``,
    ``bargaining_cost`` (its communication cost), ``bargaining_ticks``, and the
    protocol run's ``D``, ``G``, ``communication_cost`` and ``ticks`` (both including pricing).

    Examples
    --------
    >>> p = {q.name: q.default for q in PARAMS} | {"agents": 6, "subtasks": 3, "buyer": "conceder"}
    >>> m = bargain_topology(p, seed=1)
    >>> m["agreement_rate"], m["bargained"] == m["agreed"]
    (1.0, True)
    """
    options = {"buyer": params["buyer"], "seller": params["seller"], "deadline": params["deadline"],
               "budget": params["budget"] or None, "markup": params["markup"]}
    result, _ = negotiate(make_instance(params, seed), params["protocol"], seed=seed, pricing="bargain",
                          pricing_options=options, **model_options(params))
    pr = result.extra["pricing"]
    return {
        "agreement_rate": pr["agreement_rate"], "mean_rounds": pr["mean_rounds"],
        "bargained": pr["bargained"], "agreed": pr["agreed"], "payment_total": pr["payment_total"],
        "bargaining_messages": pr["messages"]["sent"], "bargaining_resent": pr["messages"]["resent"],
        "bargaining_cost": pr["communication_cost"], "bargaining_ticks": pr["ticks"],
        "D": result.D, "G": result.G, "communication_cost": result.communication_cost, "ticks": result.ticks,
    }
