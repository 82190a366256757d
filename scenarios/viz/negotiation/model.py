"""The negotiation model as the page runs it: built from plain parameters the controls can set.

SolaraViz re-creates the model from keyword arguments on every reset, so the
page needs a model whose arguments are a topology kind, sizes, a protocol name
and fault rates rather than an instance and a protocol object. Everything the
page draws that does not change during a run (node positions, edge segments,
shortest-path predecessors, the coordinator's G(k) sweep) is computed here,
once per reset, never per frame.
"""

from __future__ import annotations

import math

import mesa
import networkx as nx
import numpy as np
from scipy.sparse.csgraph import shortest_path

from mas.errors import InputError
from mas.instance import generate_instance
from mas.model import NegotiationModel
from mas.optimum import optimum
from mas.selection.policy import sweep_strategy
from protocols import create

#: the ``topology`` value that stands for the graph given as ``graph`` (a file's)
FILE = "file"

#: seconds the coordinator's optimum may take (a MILP for 21..40 agents) before its best bound is shown
OPTIMUM_TIME_LIMIT = 10.0


def _defined(model, value: float) -> float:
    """``value`` where the allocation holds anything, else NaN: D and G are undefined, not 0, before
    a subtask is allocated (a plot leaves them out)."""
    return value if (model.allocation >= 0).any() and math.isfinite(value) else math.nan


class NegotiationView(NegotiationModel):
    """:class:`mas.model.NegotiationModel` from page parameters.

    Parameters
    ----------
    topology : a kind for :func:`topologies.build`, a ready ``networkx.Graph``
        (its node names are kept as agent names; it needs ``pos`` on every node
        or it is laid out once, seeded), or ``"file"`` for ``graph``.
    agents, subtasks : n and m (``agents`` is ignored for a ready graph).
    graph : the graph ``topology="file"`` stands for (e.g. from :func:`topologies.load`).
    protocol : a registered protocol name.
    seed : seeds the instance and the run.
    loss, crash_prob : message loss and crash probabilities.
    max_ticks : the run stops here.
    """

    def __init__(self, topology="small-world", agents: int = 20, subtasks: int = 8, protocol: str = "cnp",
                 seed: int = 1, loss: float = 0.0, crash_prob: float = 0.0, max_ticks: int = 500,
                 graph: nx.Graph | None = None) -> None:
        name = topology
        if topology == FILE:
            if graph is None:
                raise InputError("topology", topology, "needs a graph (mas viz --topology-file FILE)")
            topology, name = graph, getattr(graph, "name", "") or FILE
        if isinstance(topology, nx.Graph):
            graph = topology.copy()
            if any("pos" not in d for _, d in graph.nodes(data=True)):
                nx.set_node_attributes(graph, nx.spring_layout(graph, seed=int(seed)), "pos")
            instance = generate_instance(graph, graph.number_of_nodes(), int(subtasks), seed=int(seed))
        else:
            instance = generate_instance(str(topology), int(agents), int(subtasks), seed=int(seed))
        super().__init__(instance, create(protocol), rng=int(seed), loss=float(loss),
                         crash_prob=float(crash_prob), max_ticks=int(max_ticks))
        self.topology_name = name if isinstance(name, str) else "graph"
        self.names = instance.agent_names or [str(j) for j in range(self.n)]
        self._layout()
        self.sweep = self.costs.sweep(sweep_strategy(self.n, purpose="view"))
        self.optimum = optimum(self.costs, time_limit=OPTIMUM_TIME_LIMIT)  # what the protocol is compared with

        # the view's series: the model's own plus per-tick message counts; D and G NaN until defined
        reporters = dict(self.datacollector.model_reporters)
        reporters.update({
            "messages": lambda m: int(m.messages_this_tick().size) if m.tick else math.nan,  # no tick run yet
            "lost_this_tick": lambda m: int(m.messages_this_tick()["lost"].sum()) if m.tick else math.nan,
            "D": lambda m: _defined(m, m.current_score().D),
            "G": lambda m: _defined(m, m.current_score().G),
        })
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    def _layout(self) -> None:
        g = self.graph  # nodes 0..n-1 in the instance's node order, attributes kept
        pos = nx.get_node_attributes(g, "pos")
        self.xy = np.array([pos[j] for j in range(self.n)], dtype=float)
        low, high = self.xy.min(axis=0), self.xy.max(axis=0)
        pad = np.maximum((high - low) * 0.06, 1e-6)
        self.bounds = (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])  # x0, x1, y0, y1
        self.edge_image = None  # the drawn edges of a dense graph, made on the first frame (see draw.py)
        edges = np.array(list(g.edges), dtype=np.intp).reshape(-1, 2)
        self.edges = np.sort(edges, axis=1)
        self.edge_cost = np.array([g.edges[u, v].get("weight", 1.0) for u, v in self.edges], dtype=float)
        adjacency = nx.to_scipy_sparse_array(g, nodelist=range(self.n), weight="weight", format="csr")
        # messages are charged the cheapest weighted path, so that is the path they are drawn along
        _, self.predecessors = shortest_path(adjacency, directed=False, return_predecessors=True)
        self.edge_id = {(int(u), int(v)): i for i, (u, v) in enumerate(self.edges)}
        self._paths: dict[tuple[int, int], np.ndarray] = {}

    def path_edges(self, sender: int, receiver: int) -> np.ndarray:
        """Indices into ``self.edges`` of the cheapest path from ``sender`` to ``receiver`` (memoized)."""
        key = (sender, receiver)
        hit = self._paths.get(key)
        if hit is None:
            ids = []
            v = receiver
            while v != sender and v >= 0:
                u = int(self.predecessors[sender, v])
                if u < 0:
                    break
                ids.append(self.edge_id[(min(u, v), max(u, v))])
                v = u
            hit = self._paths[key] = np.array(ids, dtype=np.intp)
        return hit

    @property
    def best_G(self) -> tuple[float, int | None]:
        """The coordinator's least G(k) and its k (``nan, None`` where no set covers every subtask)."""
        k = self.sweep.best_k
        return (float(self.sweep.rows[k - 1].G), k) if k is not None else (math.nan, None)

