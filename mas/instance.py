"""Problem instances: the cost matrices, read from JSON or generated on a topology.

File format (the layout of the seed paper's example)::

    {"execution_cost": [[...n costs...] x m],   # null = the agent cannot execute
     "transmission_cost": [[...n...] x n],       # upper triangle negotiation, lower movement
     "kappa": 2,                                 # optional
     "agents": ["a1", ...]}                      # optional names
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np

import topologies
from mas.costs import CostModel
from mas.errors import InputError


@dataclass
class Instance:
    """C, P and kappa, plus the topology they came from when there is one.

    ``graph`` may be built only when first read (``graph_builder``): a
    generated complete topology of 5,000 agents is 12.5 million networkx edges,
    which the cost model never needs. ``transmission_cost`` is a
    :class:`topologies.PairMatrix` (rows on demand) above
    :data:`topologies.pairs.DENSE_MAX_N` agents.
    """

    execution_cost: np.ndarray
    transmission_cost: np.ndarray
    kappa: float = 2.0
    agent_names: list[str] | None = None
    graph: nx.Graph | None = field(default=None, repr=False, compare=False)
    graph_builder: Callable[[], nx.Graph] | None = field(default=None, repr=False, compare=False)
    # the CostModel this instance was validated as (a loaded one: its matrices are that model's,
    # read-only), reused while the instance still holds exactly those matrices, kappa and names
    _costs: CostModel | None = field(default=None, init=False, repr=False, compare=False)

    def cost_model(self, participation: str = "participants") -> CostModel:
        """The instance's CostModel; ``participation`` counts lambda in G (see :class:`CostModel`).

        A loaded instance was validated when it was read, and gives that model
        again (its matrices shared) instead of validating them anew; a consumer
        that needs the model several times should still ask once and pass it on.
        """
        known = self._costs
        if (known is not None and known.C is self.execution_cost and known.P is self.transmission_cost
                and known.kappa == self.kappa and known.agent_names == self.agent_names):
            return known.with_participation(participation)
        return CostModel(self.execution_cost, self.transmission_cost, self.kappa, agent_names=self.agent_names,
                         participation=participation)

    @property
    def n(self) -> int:
        return self.execution_cost.shape[1]

    @property
    def m(self) -> int:
        return self.execution_cost.shape[0]

    def topology(self) -> nx.Graph:
        """The graph agents negotiate over: the generating topology, or else the
        complete graph whose edge weights are P's upper triangle (PROTOCOLS.md)."""
        if self.graph is not None:
            return self.graph
        G = nx.complete_graph(self.n)
        P = self.transmission_cost
        for u, v in G.edges:
            j, l = min(u, v), max(u, v)
            G.edges[u, v]["weight"] = float(P[j, l])
        angle = 2 * np.pi * np.arange(self.n) / self.n
        nx.set_node_attributes(G, {j: (float(np.cos(a)), float(np.sin(a))) for j, a in enumerate(angle)}, "pos")
        return G

    def to_dict(self) -> dict:
        C = self.execution_cost
        d = {
            "execution_cost": [[None if not np.isfinite(v) else float(v) for v in row] for row in C],
            "transmission_cost": np.asarray(self.transmission_cost).tolist(),  # a lazy P computes every row
            "kappa": self.kappa,
        }
        if self.agent_names is not None:
            d["agents"] = list(self.agent_names)
        return d


def _get_graph(self) -> nx.Graph | None:
    if self._graph is None and self.graph_builder is not None:
        self._graph = self.graph_builder()
    return self._graph


def _set_graph(self, graph: nx.Graph | None) -> None:
    self._graph = graph


# after the dataclass is made, so its __init__ still takes ``graph``: reading it builds it when needed
Instance.graph = property(_get_graph, _set_graph, doc="The topology, built on first read if it was deferred.")


def instance_from_dict(data: dict, source: str = "instance") -> Instance:
    """An Instance from the JSON structure; errors name the missing or bad field."""
    if not isinstance(data, dict):
        raise InputError(source, type(data).__name__, "must be a JSON object")
    for key in ("execution_cost", "transmission_cost"):
        if key not in data:
            raise InputError(key, None, f"missing from {source}")
    kappa = data.get("kappa", 2.0)
    if not isinstance(kappa, (int, float)) or isinstance(kappa, bool):
        raise InputError("kappa", kappa, "must be a number")
    names = data.get("agents")
    if names is not None and (not isinstance(names, list)
                              or not all(isinstance(a, (str, int)) and not isinstance(a, bool) for a in names)):
        raise InputError("agents", names, "must be a list of names (strings)")
    model = CostModel(data["execution_cost"], data["transmission_cost"], kappa, agent_names=data.get("agents"))
    inst = Instance(model.C, model.P, model.kappa, model.agent_names)
    inst._costs = model
    return inst


def load_instance(path: str | Path) -> Instance:
    """Read an instance file (JSON, format in this module's docstring)."""
    from mas.files import read_json

    data = read_json(path, "instance")
    try:
        return instance_from_dict(data, source=str(path))
    except InputError as exc:
        if str(path) in exc.field or str(path) in str(exc.value):
            raise
        raise InputError(f"{path}: {exc.field}", exc.value, exc.problem) from None


def generate_instance(
    topology: str | nx.Graph,
    agents: int,
    subtasks: int,
    *,
    seed: int | np.random.Generator | None = None,
    infeasible_prob: float = 0.0,
    cost_low: int = 1,
    cost_high: int = 10,
    kappa: float = 2.0,
    progress=None,
    **topology_params,
) -> Instance:
    """A random instance on a topology: P from the graph, C integer costs.

    Parameters
    ----------
    topology : a kind for :func:`topologies.build`, or a ready graph (then
        ``agents`` must equal its number of nodes).
    agents, subtasks : n and m.
    seed : int or Generator; the same seed gives the same instance.
    infeasible_prob : probability that an agent cannot execute a subtask; every
        subtask keeps at least one agent that can.
    cost_low, cost_high : execution costs are integers uniform in [low, high].
    progress : ``progress(label, done, total)`` while the topology and P are built
        (:mod:`topologies.progress`; e.g. ``scenarios.progress.Progress.report``).

    Examples
    --------
    >>> inst = generate_instance("small-world", 8, 5, seed=3)
    >>> inst.execution_cost.shape, inst.transmission_cost.shape
    ((5, 8), (8, 8))
    """
    if not 0.0 <= infeasible_prob < 1.0:
        raise InputError("infeasible_prob", infeasible_prob, "must be in [0, 1)")
    if not isinstance(subtasks, (int, np.integer)) or subtasks < 1:
        raise InputError("subtasks", subtasks, "must be a whole number >= 1")
    if not isinstance(agents, (int, np.integer)) or agents < 1:
        raise InputError("agents", agents, "must be a whole number >= 1")
    if cost_low < 0 or cost_high < cost_low:
        raise InputError("cost_low, cost_high", (cost_low, cost_high), "need 0 <= low <= high")
    rng = topologies.as_generator(seed)
    if isinstance(topology, nx.Graph):
        G = topologies.validate(topology)
        if G.number_of_nodes() != agents:
            raise InputError("agents", agents, f"the topology has {G.number_of_nodes()} nodes")
    elif topology == "complete":
        pos, w = topologies.complete_topology(agents, seed=rng, progress=progress, **topology_params)
        P = topologies.complete_transmission(pos, w, metric=topology_params.get("weights") == "distance",
                                             progress=progress)
        G = None
    else:
        G = topologies.build(topology, agents, seed=rng, progress=progress, **topology_params)
    if G is not None:
        nodes = list(G.nodes)
        P = topologies.transmission_matrix(G, nodes, progress=progress)
    else:
        nodes = list(range(agents))
    C = _as_float(rng.integers(cost_low, cost_high + 1, size=(subtasks, agents)))
    if infeasible_prob > 0:
        blocked = rng.random(C.shape) < infeasible_prob
        keep = rng.integers(agents, size=subtasks)
        blocked[np.arange(subtasks), keep] = False
        C[blocked] = np.inf
    names = None if nodes == list(range(agents)) else [str(v) for v in nodes]
    if G is None:
        return _validated(C, P, kappa, names, graph_builder=lambda: topologies.complete_graph(pos, w))
    return _validated(C, P, kappa, names, graph=G)


def _validated(C: np.ndarray, P, kappa: float, names: list[str] | None, **graph) -> Instance:
    """The Instance of fresh matrices, validated once as a loaded instance is: read-only, the model
    sharing them instead of copying them (C and P, 3.2 GB each at 20,000 x 20,000)."""
    for a in (C, C.base, P):
        if isinstance(a, np.ndarray):
            a.setflags(write=False)
    model = CostModel(C, P, float(kappa), agent_names=names)
    inst = Instance(model.C, model.P, model.kappa, names, **graph)
    inst._costs = model
    return inst


def _as_float(values: np.ndarray, rows: int = 512) -> np.ndarray:
    """An int64 array as float64 in its own memory, a block of rows at a time (``astype`` needs a
    second m x n array: 3.2 GB more at 20,000 x 20,000)."""
    out = values.view(np.float64)
    for start in range(0, values.shape[0], rows):
        out[start:start + rows] = values[start:start + rows].astype(np.float64)
    return out
