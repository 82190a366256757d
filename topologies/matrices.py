"""The cost matrices a topology implies: negotiation, movement, hops and the paper's P."""

from __future__ import annotations

import mmap
import os
import threading
from collections.abc import Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from topologies import pairs
from topologies.errors import TopologyError
from topologies.pairs import PairMatrix, pair_matrix
from topologies.progress import Callback, callback, silent
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


def negotiation_costs(G: nx.Graph, nodelist: Sequence | None = None, *, dense_max_n: int | None = None,
                      progress: Callback | None = None):
    """Cheapest negotiation cost between every ordered pair (shortest weighted path).

    Agents that are not adjacent negotiate indirectly along the cheapest path.
    Symmetric for an undirected graph; for a DiGraph entry [j, l] is from j to l.
    Above ``dense_max_n`` agents (default :data:`topologies.pairs.DENSE_MAX_N`) a
    :class:`topologies.pairs.PairMatrix` whose rows are Dijkstra searches run
    when read. ``progress(label, done, total)`` hears the sources searched so far
    (:mod:`topologies.progress`).

    Examples
    --------
    >>> G = nx.path_graph(3); nx.set_edge_attributes(G, 2.0, "weight")
    >>> float(negotiation_costs(G)[0, 2])
    4.0
    """
    nodes = _nodes(G, nodelist)
    return _searches(G, nodes, True, dense_max_n, progress)


def hop_counts(G: nx.Graph, nodelist: Sequence | None = None, *, dense_max_n: int | None = None):
    """Number of hops on a shortest path between every ordered pair (message latency); lazy like
    :func:`negotiation_costs` above ``dense_max_n`` agents."""
    nodes = _nodes(G, nodelist)
    return _searches(G, nodes, False, dense_max_n)


def _searches(G, nodes, weighted: bool, dense_max_n, progress: Callback | None = None):
    directed = G.is_directed()
    adj = _adjacency(G, nodes, weighted)

    def rows(src, graph=adj):
        return dijkstra(graph, directed=directed, indices=src, unweighted=not weighted)

    limit = pairs.DENSE_MAX_N if dense_max_n is None else dense_max_n
    if len(nodes) <= limit:
        return _all_rows(rows, len(nodes), callback(progress))
    if not directed:
        return PairMatrix(len(nodes), rows, symmetric=True)
    return PairMatrix(len(nodes), rows, column_function=lambda src: rows(src, adj.T.tocsr()))


#: from this many agents an all-pairs search is split between two processes (where fork exists)
PARALLEL_MIN_N = 3000


#: sources per Dijkstra call of an all-pairs search, so that a progress bar moves (at n = 2500 no slower
#: than one call, within the noise of a shared machine)
SEARCH_CHUNK = 256


def _all_rows(rows, n: int, tell: Callback = silent) -> np.ndarray:
    """``rows(arange(n))``; on two or more cores, the second half of the sources in a forked child.

    scipy's Dijkstra holds the GIL, so threads do not help; the child writes its
    rows into shared memory and leaves with ``os._exit``, nothing else. The
    parent tells ``tell`` about its own half (doubled: the halves run side by side).
    """
    label = "shortest paths"
    # fork() in a process with other threads (a server, a Dask worker) can deadlock the child: then no split
    if n < PARALLEL_MIN_N or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        out = np.empty((n, n))
        _chunked(rows, out, 0, n, lambda done: tell(label, done, n))
        return out
    half = n // 2
    out = np.ndarray((n, n), dtype=np.float64, buffer=mmap.mmap(-1, n * n * 8))
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            out[half:] = rows(np.arange(half, n))
            code = 0
        finally:
            os._exit(code)
    _chunked(rows, out, 0, half, lambda done: tell(label, min(2 * done, n), n))
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:  # the child failed: do its half here
        out[half:] = rows(np.arange(half, n))
    return np.array(out)  # an ordinary array, off the shared mapping


def _chunked(rows, out: np.ndarray, start: int, stop: int, done) -> None:
    """out[start:stop] = rows(start..stop-1), SEARCH_CHUNK sources per call, ``done(count)`` after each."""
    for first in range(start, stop, SEARCH_CHUNK):
        last = min(first + SEARCH_CHUNK, stop)
        out[first:last] = rows(np.arange(first, last))
        done(last - start)


def _positions(G: nx.Graph, nodes) -> np.ndarray:
    return np.array([G.nodes[v]["pos"] for v in nodes], dtype=float)


def _distance_rows(pos: np.ndarray, src) -> np.ndarray:
    # dx*dx + dy*dy is what ((p - q)**2).sum(-1) computes, without an (k, n, 2) temporary
    src = np.asarray(src)
    dx = pos[src, 0][:, None] - pos[None, :, 0]
    dy = pos[src, 1][:, None] - pos[None, :, 1]
    dx *= dx
    dy *= dy
    dx += dy
    return np.sqrt(dx, out=dx)


def movement_costs(G: nx.Graph, nodelist: Sequence | None = None, *, dense_max_n: int | None = None):
    """Euclidean distance between the positions of every pair of agents."""
    nodes = _nodes(G, nodelist)
    pos = _positions(G, nodes)
    return pair_matrix(len(nodes), lambda src: _distance_rows(pos, src), dense_max_n=dense_max_n, symmetric=True)


def transmission_matrix(G: nx.Graph, nodelist: Sequence | None = None, *, directed: bool | None = None,
                        dense_max_n: int | None = None, progress: Callback | None = None):
    """The paper's P (n x n) for topology ``G``.

    Above the diagonal the negotiation cost (shortest weighted path), below it
    the movement cost (Euclidean distance of ``pos``), zero on the diagonal, so
    ``P[j, l] + P[l, j]`` is what a pair of participants costs.

    The directed variant (default for a ``DiGraph``) puts, in both triangles,
    ``(negotiation j->l + movement) / 2``: a pair then costs the mean of its two
    negotiation directions plus one movement, which equals the undirected pair
    cost when both directions cost the same.

    Above ``dense_max_n`` agents (default :data:`topologies.pairs.COST_DENSE_MAX_N`)
    P is a :class:`topologies.pairs.PairMatrix` (rows computed when read) with
    ``P.pair_sum``, the lazy ``P + P.T``.

    Parameters
    ----------
    G : a topology that passes :func:`topologies.validate`.
    nodelist : row/column order; default ``list(G.nodes)``.
    directed : force the directed variant on or off.
    dense_max_n : largest n returned as a numpy array.
    progress : ``progress(label, done, total)`` during the shortest-path searches
        and the movement costs (:mod:`topologies.progress`).

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
    dense_max_n = pairs.COST_DENSE_MAX_N if dense_max_n is None else dense_max_n
    tell = callback(progress)
    neg = negotiation_costs(G, nodes, dense_max_n=dense_max_n, progress=progress)
    tell("movement costs", 0, 1)
    move = movement_costs(G, nodes, dense_max_n=dense_max_n)
    tell("movement costs", 1, 1)
    directed = directed if directed is not None else G.is_directed()
    if isinstance(neg, np.ndarray):
        return _dense_transmission(neg, move, directed)
    pos = _positions(G, nodes)
    # a shortest path is no longer than all edges together; no two agents are farther apart than the box's diagonal
    bound = float(sum(w for _, _, w in G.edges(data="weight", default=1.0))) + float(np.hypot(*np.ptp(pos, axis=0)))
    return lazy_transmission(neg, move, directed, bound=bound)


def _dense_transmission(neg: np.ndarray, move: np.ndarray, directed: bool) -> np.ndarray:
    if not np.isfinite(neg).all():
        raise TopologyError("topology: some agents cannot reach each other")
    if directed:
        P = (neg + move) / 2.0
    else:
        P = np.where(np.triu(np.ones_like(neg, dtype=bool), 1), neg, move)
    np.fill_diagonal(P, 0.0)
    return P


def lazy_transmission(neg: PairMatrix, move: PairMatrix, directed: bool, *, bound: float | None = None) -> PairMatrix:
    """P and ``P.pair_sum`` (= P + P.T) as lazy matrices over lazy negotiation and movement costs."""
    n = neg.n

    def own(src, values):
        src = np.asarray(src)
        values[np.arange(src.size), src] = 0.0
        return values

    if directed:
        def rows(src):
            return own(src, (neg.rows(src) + move.rows(src)) / 2.0)

        def cols(src):
            return own(src, (neg.T.rows(src) + move.rows(src)) / 2.0)

        def sums(src):
            return own(src, (neg.rows(src) + neg.T.rows(src)) / 2.0 + move.rows(src))

        P = PairMatrix(n, rows, column_function=cols, bound=bound)
    else:
        def upper(src, first, second):
            src = np.asarray(src)
            above = np.arange(n)[None, :] > src[:, None]
            return own(src, np.where(above, first(src), second(src)))

        P = PairMatrix(n, lambda src: upper(src, neg.rows, move.rows),
                       column_function=lambda src: upper(src, move.rows, neg.rows), bound=bound)

        def sums(src):
            return own(src, neg.rows(src) + move.rows(src))

    P.pair_sum = PairMatrix(n, sums, symmetric=True, bound=None if bound is None else 2 * bound)
    return P
