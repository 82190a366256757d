"""Batch scenario ``cost-sweep``: the cost model's k-sweep on a generated instance.

One run = one random instance (topology and costs from the run's seed) and the
best participant set of every size k; the metrics are the curves D(k), G(k)
and the recommended k (smallest G). Over many seeds and topology kinds this is
the seed paper's future work: how the best number of participants depends on
the topology.
"""

from __future__ import annotations

import math

import networkx as nx

from mas import limits
from mas.costs import PARTICIPATION
from mas.errors import InputError
from mas.selection import STRATEGIES
from scenarios.batch.registry import Param, PlotDefaults, register
from scenarios.wiring import make_instance
from topologies import KINDS, WEIGHTS

PARAMS = [
    Param("topology", str, "random", "topology kind", choices=KINDS),
    Param("agents", int, 10, "number of agents n", min=1),
    Param("subtasks", int, 6, "number of subtasks m", min=1),
    Param("infeasible_prob", float, 0.0, "probability that an agent cannot execute a subtask", min=0.0, max=0.99),
    Param("kappa", float, 2.0, "exponent of k in G = D k^-kappa", min=1e-9),
    Param("lambda", str, "participants", "k in G: participants = |S|, working = agents that execute a subtask",
          choices=PARTICIPATION),
    Param("strategy", str, "auto", "participant selection (auto: exhaustive up to 20 agents)",
          choices=tuple(sorted(STRATEGIES)) + ("auto",)),
    Param("weights", str, "uniform", "negotiation-cost distribution of the edges", choices=WEIGHTS),
    Param("cost_low", int, 1, "smallest execution cost", min=0),
    Param("cost_high", int, 10, "largest execution cost", min=0),
    Param("edge_prob", float, None, "random: edge probability (default 2 ln n / n)", min=1e-9, max=1.0),
    Param("neighbours", int, 4, "small-world: ring neighbours k", min=1),
    Param("rewire", float, 0.1, "small-world: rewiring probability", min=0.0, max=1.0),
    Param("attach", int, 2, "scale-free: edges per new node m", min=1),
]


#: the parameters that draw a run's instance (:func:`scenarios.wiring.make_instance`), shared by the
#: scenarios that negotiate on the same instances
INSTANCE_PARAMS = [p for p in PARAMS if p.name != "strategy"]


def check_costs(point: dict) -> None:
    """Cost bounds that contradict each other fail before any run (shared by instance scenarios)."""
    if point["cost_high"] < point["cost_low"]:
        raise InputError("cost_high", point["cost_high"], f"must be >= cost_low ({point['cost_low']})")


@register("cost-sweep", PARAMS, check=check_costs,
          estimate=lambda p: limits.command_estimate("sweep", p["topology"], p["agents"], p["subtasks"],
                                                     p["strategy"]),
          description="D(k), G(k) and the best k of the cost model on a generated instance",
          curves={"D": "k", "G": "k"},
          plot=PlotDefaults(x="k", y=("G", "D"), hue="topology", minimize=("G",), log_y=("G",)))
def cost_sweep(params: dict, seed: int) -> dict:
    """The k-sweep of one generated instance.

    Returns
    -------
    dict with ``k`` (1..n), ``D`` and ``G`` (lists over k, inf where no set of
    size k covers every subtask or, with ``lambda = "working"``, has all k
    agents working), ``best_k``, ``best_G``, ``best_D``,
    ``best_working`` (agents of the best set that execute a subtask), the
    resolved ``strategy``, and the graph's ``edges`` and ``mean_degree``.

    Examples
    --------
    >>> m = cost_sweep({p.name: p.default for p in PARAMS} | {"agents": 5, "subtasks": 3}, seed=1)
    >>> m["k"], m["best_k"] in m["k"]
    ([1, 2, 3, 4, 5], True)
    """
    inst = make_instance(params, seed)
    sweep = inst.cost_model(params["lambda"]).sweep(params["strategy"])
    best = sweep.row(sweep.best_k) if sweep.best_k is not None else None
    G = inst.graph if inst.graph is not None else nx.empty_graph(inst.n)
    return {
        "k": [r.k for r in sweep.rows],
        "D": [r.D for r in sweep.rows],
        "G": [r.G for r in sweep.rows],
        "best_k": sweep.best_k,
        "best_G": best.G if best else math.inf,
        "best_D": best.D if best else math.inf,
        "best_working": best.working if best else 0,
        "strategy": sweep.strategy,
        "edges": G.number_of_edges(),
        "mean_degree": 2.0 * G.number_of_edges() / inst.n,
    }
