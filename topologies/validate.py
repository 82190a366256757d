"""Checks that a graph can carry agents: connected, costs usable, positions present."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from topologies.errors import TopologyError

if TYPE_CHECKING:
    import networkx as nx


def _list(items, limit: int = 6) -> str:
    items = list(items)
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def validate(G: nx.Graph) -> nx.Graph:
    """Return ``G`` if every node has a 2-d ``pos``, every edge a finite ``weight`` >= 0
    and the graph is connected (weakly, for a directed graph); else raise.

    Raises
    ------
    TopologyError
        naming the nodes or edges at fault.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(2); G.add_edge(0, 1, weight=1.0)
    >>> nx.set_node_attributes(G, {0: (0, 0), 1: (1, 0)}, "pos")
    >>> validate(G) is G
    True
    """
    import networkx as nx  # noqa: PLC0415  (here: the package exports this function without importing networkx)

    if G.number_of_nodes() == 0:
        raise TopologyError("topology: the graph has no nodes")
    missing = [v for v, pos in G.nodes(data="pos") if pos is None]
    if missing:
        raise TopologyError(f"topology: nodes without a position 'pos': {_list(missing)}")
    bad_pos = [
        v for v, pos in G.nodes(data="pos")
        if len(pos) != 2 or not all(isinstance(c, (int, float)) and math.isfinite(c) for c in map(_num, pos))
    ]
    if bad_pos:
        raise TopologyError(f"topology: nodes whose 'pos' is not two finite numbers: {_list(bad_pos)}")
    no_weight = [(u, v) for u, v, w in G.edges(data="weight") if w is None]
    if no_weight:
        raise TopologyError(f"topology: edges without a 'weight': {_list(no_weight)}")
    nan = [(u, v) for u, v, w in G.edges(data="weight") if not math.isfinite(_num(w))]
    if nan:
        raise TopologyError(f"topology: edges whose weight is NaN or infinite: {_list(nan)}")
    negative = [(u, v, w) for u, v, w in G.edges(data="weight") if _num(w) < 0]
    if negative:
        raise TopologyError(
            "topology: edges with a negative weight: " + _list(f"{u}-{v} ({w})" for u, v, w in negative)
        )
    components = list(nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G))
    if len(components) > 1:
        components.sort(key=len, reverse=True)
        cut_off = [v for comp in components[1:] for v in comp]
        raise TopologyError(
            f"topology: the graph is disconnected ({len(components)} components); "
            f"nodes cut off from the largest component: {_list(cut_off)}"
        )
    if G.is_directed() and not nx.is_strongly_connected(G):
        raise TopologyError(
            "topology: the directed graph is not strongly connected; some agents cannot reach others"
        )
    return G


def _num(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
