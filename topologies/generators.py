"""Generated topologies: every node gets ``pos``, every edge a negotiation-cost ``weight``."""

from __future__ import annotations

import inspect
import math
import random
from collections.abc import Callable

import networkx as nx
import numpy as np

from topologies.complete import complete_arrays, edge_distances
from topologies.errors import TopologyError
from topologies.kinds import KINDS, WEIGHTS
from topologies.progress import Callback, callback
from topologies.validate import validate


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from an int, a Generator (returned as is) or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def nx_seed(rng: np.random.Generator) -> int:
    """An integer seed for a networkx function, drawn from ``rng``.

    networkx draws from its own RNG; seeding it from ours keeps the global
    ``random`` state untouched and the result reproducible.

    >>> nx_seed(np.random.default_rng(0)) == nx_seed(np.random.default_rng(0))
    True
    """
    return int(rng.integers(2**32))


def _complete(n, rng):
    return nx.complete_graph(n)


def _random(n, rng, p=None, tries=100, progress=None):
    p = min(1.0, 2.0 * math.log(max(n, 2)) / max(n, 1)) if p is None else float(p)
    if not 0 < p <= 1:
        raise TopologyError(f"p = {p!r}: edge probability must be in (0, 1]")
    for _ in range(tries):
        G = _gnp(n, p, nx_seed(rng), progress)
        if nx.is_connected(G):
            return G
    raise TopologyError(f"p = {p}: no connected Erdos-Renyi graph on {n} nodes in {tries} draws; raise p")


def _gnp(n: int, p: float, seed: int, progress: Callback | None = None) -> nx.Graph:
    """``networkx.gnp_random_graph(n, p, seed=seed)`` -- the same graph, edge for edge -- in numpy.

    networkx draws ``random.Random(seed).random()`` once per pair (0, 1), (0, 2), ...
    (12.5 million Python calls at n = 5000); numpy's legacy generator on the same
    Mersenne Twister state yields the same doubles in bulk. ``progress`` hears
    ``("random: drawing edges", rows done, n - 1)`` after each block of rows.
    """
    tell = callback(progress)
    if p >= 1:
        return nx.complete_graph(n)
    G = nx.empty_graph(n)
    if p <= 0 or n < 2:
        return G
    state = random.Random(seed).getstate()[1]
    bits = np.random.MT19937(0)
    bits.state = {"bit_generator": "MT19937", "state": {"key": np.array(state[:624], dtype=np.uint32),
                                                        "pos": state[624]}}
    draws = np.random.RandomState(bits)
    start = 0
    while start < n - 1:  # blocks of rows, each row u drawing for the pairs (u, u+1..n-1)
        stop, count = start, 0
        while stop < n - 1 and count < 2**23:
            count += n - 1 - stop
            stop += 1
        rows = np.arange(start, stop)
        lengths = n - 1 - rows
        u = np.repeat(rows, lengths)
        v = np.arange(u.size) - np.repeat(np.cumsum(lengths) - lengths, lengths) + u + 1
        keep = draws.random_sample(u.size) < p
        G.add_edges_from(zip(u[keep].tolist(), v[keep].tolist()))
        start = stop
        tell("random: drawing edges", stop, n - 1)
    return G


def _small_world(n, rng, k=4, p=0.1):
    k = min(int(k), n - 1)
    if k < 2:
        return nx.path_graph(n)
    return nx.connected_watts_strogatz_graph(n, k, float(p), tries=100, seed=nx_seed(rng))


def _scale_free(n, rng, m=2):
    m = int(m)
    if n <= m:
        return nx.complete_graph(n)
    return nx.barabasi_albert_graph(n, m, seed=nx_seed(rng))


def _grid(n, rng):
    cols = math.ceil(math.sqrt(n))
    G = nx.Graph()
    G.add_nodes_from(range(n))
    for v in range(n):
        r, c = divmod(v, cols)
        if c + 1 < cols and v + 1 < n:
            G.add_edge(v, v + 1)
        if v + cols < n:
            G.add_edge(v, v + cols)
    return G


_BUILDERS: dict[str, Callable] = {
    "complete": _complete,
    "random": _random,
    "small-world": _small_world,
    "scale-free": _scale_free,
    "grid": _grid,
}


def build(
    kind: str,
    n: int,
    *,
    seed: int | np.random.Generator | None = None,
    weights: str = "uniform",
    low: float = 1.0,
    high: float = 10.0,
    plane: float = 10.0,
    progress: Callback | None = None,
    **params,
) -> nx.Graph:
    """A connected topology of ``n`` agents numbered 0..n-1.

    Parameters
    ----------
    kind : "complete", "random" (Erdos-Renyi, ``p``), "small-world"
        (Watts-Strogatz, ``k``, ``p``), "scale-free" (Barabasi-Albert, ``m``) or
        "grid" (row-major, ceil(sqrt(n)) columns).
    n : number of agents, >= 1.
    seed : int or numpy Generator; the same seed gives the same graph.
    weights : negotiation-cost distribution of the edges: "uniform" in
        [low, high), "integer" in {low..high}, "constant" (= low), or
        "distance" (Euclidean distance of the endpoints).
    plane : positions are uniform in [0, plane)^2 (grid: unit spacing).
    progress : ``progress(label, done, total)`` after each step of the build
        (see :mod:`topologies.progress`); steps that take long report inside too.

    Returns
    -------
    networkx.Graph with node attribute ``pos`` and edge attribute ``weight``.

    Raises
    ------
    TopologyError for an unknown kind or weight distribution, bad sizes, or an
    option the kind does not take (named, with the ones it takes).

    Examples
    --------
    >>> G = build("small-world", 10, seed=1)
    >>> G.number_of_nodes(), all("pos" in d for _, d in G.nodes(data=True))
    (10, True)
    >>> build("grid", 4, p=0.5)
    Traceback (most recent call last):
    ...
    topologies.errors.TopologyError: p = 0.5: not an option of a grid topology (it takes none)
    """
    _check(kind, n, weights, low, high, params)
    rng = as_generator(seed)
    tell = callback(progress)
    steps = ("the graph", "positions", "edge weights", "checks")
    tell(f"{kind}: {steps[0]}", 0, len(steps))
    if kind == "complete":
        arrays = complete_arrays(int(n), rng, weights=weights, low=low, high=high, plane=plane, progress=progress)
        tell(f"{kind}: networkx edges", 2, len(steps))
        G = complete_graph(*arrays)
        tell(f"{kind}: done", len(steps), len(steps))
        return G
    # a builder that reports inside (the random graph's edge rows) says so by taking ``progress``
    reports = "progress" in _builder_parameters(kind)
    G = _BUILDERS[kind](int(n), rng, **params, **({"progress": progress} if reports else {}))
    tell(f"{kind}: {steps[1]}", 1, len(steps))
    if kind == "grid":
        cols = math.ceil(math.sqrt(n))
        xy = np.array([(float(v % cols), float(v // cols)) for v in G.nodes])
    else:
        xy = rng.uniform(0.0, plane, size=(n, 2))
    pos = {v: (float(xy[v, 0]), float(xy[v, 1])) for v in G.nodes}
    nx.set_node_attributes(G, pos, "pos")
    tell(f"{kind}: {steps[2]}", 2, len(steps))
    edges = list(G.edges)
    if weights == "uniform":
        w = rng.uniform(low, high, size=len(edges))
    elif weights == "integer":
        w = rng.integers(int(low), int(high) + 1, size=len(edges)).astype(float)
    elif weights == "constant":
        w = np.full(len(edges), float(low))
    else:
        ends = np.array(edges, dtype=np.intp).reshape(-1, 2)
        w = edge_distances(xy, ends[:, 0], ends[:, 1])
    nx.set_edge_attributes(G, dict(zip(edges, map(float, w))), "weight")
    G.graph["kind"] = kind
    tell(f"{kind}: {steps[3]}", 3, len(steps))
    validate(G)
    tell(f"{kind}: done", len(steps), len(steps))
    return G


def kind_options(kind: str) -> tuple[str, ...]:
    """The options ``build(kind, ...)`` takes beyond those of every kind (its generator's parameters).

    >>> kind_options("small-world"), kind_options("grid")
    (('k', 'p'), ())
    """
    if kind not in _BUILDERS:
        raise TopologyError(f"kind = {kind!r}: unknown topology; choose one of {', '.join(KINDS)}")
    return tuple(p for p in _builder_parameters(kind) if p != "progress")


def _builder_parameters(kind: str) -> tuple[str, ...]:
    """The keywords of ``kind``'s generator after (n, rng)."""
    return tuple(inspect.signature(_BUILDERS[kind]).parameters)[2:]


def _check(kind: str, n, weights: str, low: float, high: float, params: dict) -> None:
    takes = kind_options(kind)
    for name, value in params.items():
        if name not in takes:
            raise TopologyError(f"{name} = {value!r}: not an option of a {kind} topology "
                                f"(it takes {', '.join(takes) or 'none'})")
    if weights not in WEIGHTS:
        raise TopologyError(f"weights = {weights!r}: unknown distribution; choose one of {', '.join(WEIGHTS)}")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise TopologyError(f"n = {n!r}: the number of agents must be a whole number >= 1")
    if not (math.isfinite(low) and math.isfinite(high)) or low < 0 or high < low:
        raise TopologyError(f"low, high = {low!r}, {high!r}: need 0 <= low <= high")


def complete_topology(n: int, *, seed: int | np.random.Generator | None = None, weights: str = "uniform",
                      low: float = 1.0, high: float = 10.0, plane: float = 10.0, progress: Callback | None = None,
                      **params) -> tuple[np.ndarray, np.ndarray]:
    """``build("complete", n, ...)`` as arrays: positions (n, 2) and weights (n, n), the same draws.

    Any option in ``params`` is refused as ``build`` refuses it (a complete topology takes none).

    :func:`complete_graph` turns them into the graph ``build`` returns.

    Examples
    --------
    >>> pos, w = complete_topology(4, seed=1)
    >>> G = build("complete", 4, seed=1)
    >>> float(w[0, 3]) == G.edges[0, 3]["weight"], tuple(pos[2]) == G.nodes[2]["pos"]
    (True, True)
    """
    _check("complete", n, weights, low, high, params)
    return complete_arrays(int(n), as_generator(seed), weights=weights, low=low, high=high, plane=plane,
                           progress=progress)


def complete_graph(pos: np.ndarray, w: np.ndarray) -> nx.Graph:
    """The networkx complete graph of positions ``pos`` and symmetric weights ``w``."""
    n = pos.shape[0]
    G = nx.Graph(kind="complete")
    G.add_nodes_from((v, {"pos": (float(x), float(y))}) for v, (x, y) in enumerate(pos.tolist()))
    rows, cols = np.triu_indices(n, 1)
    G.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), w[rows, cols].tolist()))
    return validate(G)
