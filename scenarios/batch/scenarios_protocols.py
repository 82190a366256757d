"""Batch scenario ``protocol-compare``: one negotiation protocol on a generated instance, under faults.

One run = one random instance (drawn from the run's seed exactly as
``cost-sweep`` draws it) negotiated by ``protocol`` with message loss, crashes
and failed work drawn from the same seed, scored against the centralized
optimum. The metrics are those of ``mas negotiate`` / ``mas compare``
(:func:`scenarios.negotiation.negotiation_report`); a grid over ``protocol``
and ``loss`` (or ``agents``) is ``mas compare`` over many seeds.
"""

from __future__ import annotations

from mas import limits
from protocols import names
from protocols.base import BIDS, bid_options
from scenarios.batch.registry import Param, PlotDefaults, register
from scenarios.batch.scenarios_cost import INSTANCE_PARAMS, check_costs
from scenarios.negotiation import negotiation_report
from scenarios.wiring import make_instance, model_options

PARAMS = [
    Param("protocol", str, "cnp", "negotiation protocol", choices=tuple(names())),
    Param("bids", str, "marginal", "what agents bid: the marginal cost of D or execution cost only",
          choices=BIDS),
    *INSTANCE_PARAMS,  # the instance is drawn exactly as cost-sweep draws it
    Param("loss", float, 0.0, "message loss probability", min=0.0, max=0.99),
    Param("crash_prob", float, 0.0, "probability that an agent crashes during the first 10 ticks",
          min=0.0, max=0.99),
    Param("fail_prob", float, 0.0, "probability that a contractor fails accepted work", min=0.0, max=0.99),
    Param("kswap", int, 0, "improve the result by k-swaps of up to K subtasks (0: none)", min=0),
    Param("max_ticks", int, 10_000, "stop the negotiation after this many ticks", min=1),
]


@register("protocol-compare", PARAMS, check=check_costs,
          estimate=lambda p: limits.command_estimate("negotiate", p["topology"], p["agents"], p["subtasks"]),
          description="one negotiation protocol under faults vs the optimum: D, gap, messages, ticks",
          plot=PlotDefaults(x="loss", y=("gap", "messages_sent", "D", "ticks"), hue="protocol"))
def protocol_compare(params: dict, seed: int) -> dict:
    """One protocol run on the run's instance (the seed draws both the instance and the run).

    Returns
    -------
    dict with ``D``, ``G``, ``optimal_D`` (and ``optimal_exact``), ``gap``
    (D / optimal_D - 1; None when a subtask stayed unallocated), ``optimal_G``
    and ``gap_G`` (lambda counted as the ``lambda`` parameter says), ``complete``,
    ``messages_sent``, ``messages_delivered``, ``messages_lost``,
    ``communication_cost``, ``ticks``, ``unallocated`` (a count),
    ``participants``, ``crashed`` (counts), ``payment_total``, and with
    ``kswap`` > 0 ``D_before_kswap``.

    Examples
    --------
    >>> p = {q.name: q.default for q in PARAMS} | {"agents": 6, "subtasks": 3, "protocol": "ssi"}
    >>> m = protocol_compare(p, seed=1)
    >>> m["complete"], m["gap"] >= 0
    (True, True)
    """
    report = negotiation_report(make_instance(params, seed), params["protocol"], seed=seed,
                                kswap=params["kswap"] or None, participation=params["lambda"],
                                protocol_options=bid_options(params["protocol"], params["bids"]),
                                **model_options(params))
    msgs = report["messages"]
    out = {
        "D": report["D"], "G": report["G"],
        "optimal_D": report["optimal_D"], "optimal_exact": report["optimal_D_exact"],
        "gap": report["gap"], "optimal_G": report["optimal_G"], "gap_G": report["gap_G"],
        "complete": report["complete"],
        "messages_sent": msgs["sent"], "messages_delivered": msgs["delivered"], "messages_lost": msgs["lost"],
        "communication_cost": report["communication_cost"], "ticks": report["ticks"],
        "unallocated": len(report["unallocated"]), "participants": len(report["participants"]),
        "crashed": len(report["crashed"]), "payment_total": report["payment_total"],
    }
    if "kswap" in report:
        out["D_before_kswap"] = report["kswap"]["D_before"]
    return out
