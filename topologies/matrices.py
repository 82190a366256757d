"""The cost matrices a topology implies: negotiation, movement, hops and the paper's P."""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from topologies.errors import TopologyError
from topologies.validate import validate


def _adjacency(G: nx.Graph, nodelist: Sequence, weighted: bool) -> sp.csr_array:
    index = {v: i for i, v in enumerate(nodelist)}
    rows, cols, data = [], [], []
    for u, v, w in G.edges(data="weight", default=1.0):
        rows.append(index[u])
        cols.append(index[v])
        data.append(float(w) if weighted else 1.0)
    n = len(nodelist)
    # explicit zeros stay edges in csgraph, so a zero negotiation cost is kept
    return sp.csr_array((np.asarray(data, float), (np.asarray(rows, int), np.asarray(cols, int))), shape=(n, n))


def _nodes(G: nx.Graph, nodelist: Sequence | None) -> list:
    nodes = list(G.nodes) if nodelist is None else list(nodelist)
    if len(set(nodes)) != len(nodes) or set(nodes) != set(G.nodes):
        raise TopologyError("nodelist: must list every node of the graph exactly once")
    return nodes


def negotiation_costs(G: nx.Graph, nodelist: Sequence | None = None) -> np.ndarray:
    """Cheapest negotiation cost between every ordered pair (shortest weighted path).

    Agents that are not adjacent negotiate indirectly along the cheapest path.
    Symmetric for an undirected graph; for a DiGraph entry [j, l] is from j to l.

    Examples
    --------
    >>> G = nx.path_graph(3); nx.set_edge_attributes(G, 2.0, "weight")
    >>> float(negotiation_costs(G)[0, 2])
    4.0
    """
    nodes = _nodes(G, nodelist)
    return shortest_path(_adjacency(G, nodes, True), method="D", directed=G.is_directed())


def hop_counts(G: nx.Graph, nodelist: Sequence | None = None) -> np.ndarray:
    """Number of hops on a shortest path between every ordered pair (message latency)."""
    nodes = _nodes(G, nodelist)
    return shortest_path(_adjacency(G, nodes, False), method="D", directed=G.is_directed(), unweighted=True)


def movement_costs(G: nx.Graph, nodelist: Sequence | None = None) -> np.ndarray:
    """Euclidean distance between the positions of every pair of agents."""
    nodes = _nodes(G, nodelist)
    pos = np.array([G.nodes[v]["pos"] for v in nodes], dtype=float)
    diff = pos[:, None, :] - pos[None, :, :]
    return np.sqrt((diff**2).sum(-1))


def transmission_matrix(G: nx.Graph, nodelist: Sequence | None = None, *, directed: bool | None = None) -> np.ndarray:
    """The paper's P (n x n) for topology ``G``.

    Above the diagonal the negotiation cost (shortest weighted path), below it
    the movement cost (Euclidean distance of ``pos``), zero on the diagonal, so
    ``P[j, l] + P[l, j]`` is what a pair of participants costs.

    The directed variant (default for a ``DiGraph``) puts, in both triangles,
    ``(negotiation j->l + movement) / 2``: a pair then costs the mean of its two
    negotiation directions plus one movement, which equals the undirected pair
    cost when both directions cost the same.

    Parameters
    ----------
    G : a topology that passes :func:`topologies.validate`.
    nodelist : row/column order; default ``list(G.nodes)``.
    directed : force the directed variant on or off.

    Raises
    ------
    TopologyError if the graph is disconnected or has bad weights or positions.

    Examples
    --------
    >>> G = nx.Graph(); G.add_edge("a", "b", weight=3.0)
    >>> nx.set_node_attributes(G, {"a": (0, 0), "b": (4, 3)}, "pos")
    >>> transmission_matrix(G).tolist()
    [[0.0, 3.0], [5.0, 0.0]]
    """
    validate(G)
    nodes = _nodes(G, nodelist)
    neg = negotiation_costs(G, nodes)
    move = movement_costs(G, nodes)
    if not np.isfinite(neg).all():
        raise TopologyError("topology: some agents cannot reach each other")
    if directed if directed is not None else G.is_directed():
        P = (neg + move) / 2.0
    else:
        P = np.where(np.triu(np.ones_like(neg, dtype=bool), 1), neg, move)
    np.fill_diagonal(P, 0.0)
    return P
