"""Topologies from files: GraphML, node-link JSON and weighted edge lists."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from topologies.errors import TopologyError
from topologies.generators import as_generator, nx_seed
from topologies.validate import validate

FORMATS = ("graphml", "json", "edgelist")


def _guess(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".graphml", ".xml"):
        return "graphml"
    if suffix == ".json":
        return "json"
    return "edgelist"


def _positions_from_attributes(G: nx.Graph) -> None:
    for v, data in G.nodes(data=True):
        pos = data.get("pos")
        try:
            if isinstance(pos, str):  # GraphML stores tuples as text: "x,y" or "x y"
                parts = pos.replace(",", " ").split()
                data["pos"] = tuple(float(p) for p in parts)
            elif isinstance(pos, (list, tuple)):
                data["pos"] = tuple(float(p) for p in pos)
            elif pos is None and "x" in data and "y" in data:
                data["pos"] = (float(data["x"]), float(data["y"]))
        except (TypeError, ValueError, OverflowError):
            raise TopologyError(f"node {v!r}: pos = {pos!r}: must be numbers x, y") from None


def load(path: str | Path, *, format: str | None = None, layout: str | None = None, seed=None) -> nx.Graph:
    """Read a topology; node names are kept as they are in the file.

    Parameters
    ----------
    path : a ``.graphml``, node-link ``.json`` or edge-list file (``u v weight``
        per line, ``#`` comments).
    format : "graphml", "json" or "edgelist"; default from the suffix.
    layout : "spring" to give nodes without positions a seeded spring layout;
        by default missing positions are an error.
    seed : seed of that layout.

    Raises
    ------
    TopologyError for an unreadable file, missing positions (without
    ``layout``), bad weights, or a disconnected graph.
    """
    path = Path(path)
    fmt = format or _guess(path)
    G = _read(path, fmt)
    _positions_from_attributes(G)
    if layout is not None:
        if layout != "spring":
            raise TopologyError(f"layout = {layout!r}: only 'spring' is offered")
        missing = [v for v, p in G.nodes(data="pos") if p is None]
        if missing:
            pos = nx.spring_layout(G, seed=nx_seed(as_generator(seed)))
            for v in missing:
                G.nodes[v]["pos"] = tuple(float(c) for c in pos[v])
    _float_weights(G)
    return validate(G)


def _read(path: Path, fmt: str) -> nx.Graph:
    """The graph in the file, as networkx reads ``fmt``; every failure is one TopologyError."""
    if fmt not in FORMATS:
        raise TopologyError(f"format = {fmt!r}: choose one of {', '.join(FORMATS)}")
    if not path.exists():
        raise TopologyError(f"topology file = {str(path)!r}: no such file")
    if not path.is_file():
        raise TopologyError(f"topology file = {str(path)!r}: is not a regular file")
    try:
        if fmt == "graphml":
            return nx.read_graphml(path)
        if fmt == "json":
            data = json.loads(path.read_text())
            return nx.node_link_graph(data, edges="links" if "links" in data else "edges")
        return nx.read_weighted_edgelist(path, nodetype=_node_type(path))
    except (json.JSONDecodeError, nx.NetworkXError, KeyError, TypeError, ValueError) as exc:
        raise TopologyError(f"topology file = {str(path)!r}: cannot read it as {fmt}: {exc}") from None
    except RecursionError:
        raise TopologyError(f"topology file = {str(path)!r}: nested too deeply to read") from None
    except Exception as exc:  # the XML parser's own errors
        raise TopologyError(f"topology file = {str(path)!r}: cannot read it as {fmt}: {exc}") from None


def _float_weights(G: nx.Graph) -> None:
    for u, v, d in G.edges(data=True):
        if "weight" in d:
            try:
                d["weight"] = float(d["weight"])
            except (TypeError, ValueError, OverflowError):
                raise TopologyError(f"edge ({u!r}, {v!r}): weight = {d['weight']!r}: must be a number") from None


def _node_type(path: Path):
    # keep integer names as integers when every name is one
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].split()
        names += line[:2]
    return int if names and all(n.lstrip("-").isdigit() for n in names) else str

