"""The complete topology as arrays: positions, the edge-weight matrix, and its shortest paths.

A complete graph on 5,000 agents has 12.5 million edges; as a networkx graph
that is gigabytes of dicts before any cost is computed. The cost model needs
only P, so :func:`complete_arrays` draws exactly what :func:`topologies.build`
draws for ``"complete"`` (same seed, same numbers) as two numpy arrays, and
:func:`complete_negotiation` finds every shortest path from the weight matrix.

Shortest paths. Agents negotiate along the cheapest path, which in a complete
graph with random weights is often two cheap edges rather than the direct one.
Let ``w_min`` be the smallest weight and ``U`` an upper bound on every distance
(the largest entry of the direct-or-two-hop costs found so far). A shortest
path is the direct edge, or has two hops each no heavier than ``U - w_min``, or
has three or more hops each no heavier than ``U - 2 w_min`` (the other edges
weigh at least ``w_min`` each). So the distances are exactly the minimum of the
direct edges, the two-hop paths over edges <= ``U - w_min`` (a few hundred per
agent for weights uniform in [1, 10) at n = 5000: numpy blocks per middle
agent) and Dijkstra over the edges <= ``U - 2 w_min`` (none in that example).
Euclidean weights (``metric=True``) satisfy the triangle inequality: the direct
edge is a shortest path.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from topologies.progress import Callback, callback


def complete_arrays(n: int, rng: np.random.Generator, *, weights: str = "uniform", low: float = 1.0,
                    high: float = 10.0, plane: float = 10.0,
                    progress: Callback | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Positions (n, 2) and the symmetric weight matrix (n, n; zero diagonal) of a complete topology.

    The draws are those of ``topologies.build("complete", n, ...)``: positions
    first, then one weight per edge in the order (0, 1), (0, 2), ..., (1, 2), ...
    ``progress`` hears ``("complete: edge weights", done, 2)`` (drawn, then in the matrix).

    Examples
    --------
    >>> pos, w = complete_arrays(3, np.random.default_rng(1), weights="constant", low=2.0)
    >>> w.tolist()
    [[0.0, 2.0, 2.0], [2.0, 0.0, 2.0], [2.0, 2.0, 0.0]]
    """
    tell = callback(progress)
    tell("complete: edge weights", 0, 2)
    pos = rng.uniform(0.0, plane, size=(n, 2))
    rows, cols = np.triu_indices(n, 1)
    if weights == "uniform":
        values = rng.uniform(low, high, size=rows.size)
    elif weights == "integer":
        values = rng.integers(int(low), int(high) + 1, size=rows.size).astype(float)
    elif weights == "constant":
        values = np.full(rows.size, float(low))
    else:
        values = edge_distances(pos, rows, cols)
    tell("complete: edge weights", 1, 2)
    w = np.zeros((n, n))
    w[rows, cols] = values
    w[cols, rows] = values
    tell("complete: edge weights", 2, 2)
    return pos, w


def edge_distances(pos: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Euclidean length of the edges (u, v), computed like :func:`topologies.movement_costs`."""
    return np.sqrt(((pos[u] - pos[v]) ** 2).sum(-1))


def complete_negotiation(w: np.ndarray, *, metric: bool = False, progress: Callback | None = None) -> np.ndarray:
    """Shortest-path costs between all pairs of a complete graph with weight matrix ``w``.

    Parameters
    ----------
    w : (n, n) symmetric, zero diagonal, finite weights >= 0.
    metric : the weights satisfy the triangle inequality (Euclidean distances):
        the direct edge is a shortest path.
    progress : ``progress(label, done, total)`` during the searches (:mod:`topologies.progress`).

    Returns
    -------
    (n, n) array, the same numbers as Dijkstra on the graph.

    Examples
    --------
    >>> w = np.array([[0, 1, 5], [1, 0, 1], [5, 1, 0]], dtype=float)
    >>> complete_negotiation(w).tolist()
    [[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 0.0]]
    """
    n = w.shape[0]
    D = np.array(w, dtype=np.float64)
    if metric or n <= 2:
        return D
    upper = _upper_values(w)  # n (n - 1) / 2 floats, not the pair indices and a copy of both triangles
    w_min = float(upper.min())
    if float(D.max()) <= w_min:  # every pair costs at least w_min: the direct edges are shortest
        return D
    # two-hop paths over about 4 sqrt(n) light edges per agent settle most pairs; the rest one by one
    k = min(upper.size - 1, int(2 * n * math.sqrt(n)))
    upper.partition(k)
    tau = float(upper[k])
    del upper
    tell = callback(progress)
    _two_hop(D, w, tau + w_min, w_min, tell)
    _settle(D, w, tau + w_min, tell=tell)
    deep = float(D.max()) - 2 * w_min
    if deep >= w_min:
        tell("shortest paths: Dijkstra over the light edges", 0, 1)
        np.minimum(D, _dijkstra_below(w, deep), out=D)
        tell("shortest paths: Dijkstra over the light edges", 1, 1)
    return D


def _two_hop(D: np.ndarray, w: np.ndarray, U: float, w_min: float, tell: Callback) -> None:
    """D = min(D, w[a, x] + w[x, b]) over every two-hop path a-x-b of cost <= U.

    Such a path has both edges <= U - w_min; per middle agent x those edges,
    sorted, give the pairs below U by one searchsorted, applied in batches.
    """
    n = w.shape[0]
    flat = D.reshape(-1)
    targets, values, size = [], [], 0
    for x in range(n):
        tell("shortest paths: two-hop paths", x, n)
        nb = np.flatnonzero(w[x] <= U - w_min)
        nb = nb[nb != x]
        if nb.size < 2:
            continue
        v = w[x, nb]
        order = np.argsort(v, kind="stable")
        nb, v = nb[order], v[order]
        # partners j > i with v[i] + v[j] <= U
        count = np.maximum(np.searchsorted(v, U - v, side="right") - np.arange(1, nb.size + 1), 0)
        total = int(count.sum())
        if total == 0:
            continue
        i = np.repeat(np.arange(nb.size), count)
        j = np.arange(total) - np.repeat(np.cumsum(count) - count, count) + i + 1
        a, b = nb[i], nb[j]
        targets.append(np.minimum(a, b) * n + np.maximum(a, b))
        values.append(v[i] + v[j])
        size += total
        if size > 2**23 or x == n - 1:
            np.minimum.at(flat, np.concatenate(targets), np.concatenate(values))
            targets, values, size = [], [], 0
    if targets:
        np.minimum.at(flat, np.concatenate(targets), np.concatenate(values))
    tell("shortest paths: two-hop paths", n, n)
    _mirror_upper(D)


def _upper_values(w: np.ndarray) -> np.ndarray:
    """``w[np.triu_indices(n, 1)]`` row by row, without the index arrays (n^2 integers)."""
    n = w.shape[0]
    out = np.empty(n * (n - 1) // 2)
    at = 0
    for i in range(n - 1):
        out[at:at + n - 1 - i] = w[i, i + 1:]
        at += n - 1 - i
    return out


def _mirror_upper(D: np.ndarray, block: int = 1024) -> None:
    """D below the diagonal = D above it, a block of rows at a time (the lower triangle's indices
    and values at once were 1.5 n^2 floats: 4.8 GB at 20,000 agents)."""
    n = D.shape[0]
    for start in range(0, n, block):
        stop = min(start + block, n)
        D[start:stop, :start] = D[:start, start:stop].T
        square = D[start:stop, start:stop]
        lower = np.tril_indices(stop - start, -1)
        square[lower] = square.T[lower]


def _settle(D: np.ndarray, w: np.ndarray, U: float, chunk: int = 512, tell: Callback | None = None) -> None:
    """Pairs whose cost is still above U: their best two-hop path over every middle agent."""
    tell = callback(tell)
    a, b = np.nonzero(np.triu(D > U, 1))
    for start in range(0, a.size, chunk):
        tell("shortest paths: the remaining pairs", start, a.size)
        aa, bb = a[start:start + chunk], b[start:start + chunk]
        best = (w[aa] + w[bb]).min(axis=1)
        D[aa, bb] = np.minimum(D[aa, bb], best)
        D[bb, aa] = D[aa, bb]


def _dijkstra_below(w: np.ndarray, U: float) -> np.ndarray:
    """Shortest paths over the edges no heavier than U (inf where those do not connect a pair)."""
    rows, cols = np.nonzero(np.triu(w <= U, 1))
    n = w.shape[0]
    adj = sp.csr_array((w[rows, cols], (rows, cols)), shape=(n, n))
    return dijkstra(adj, directed=False)


def complete_transmission(pos: np.ndarray, w: np.ndarray, *, metric: bool = False,
                          progress: Callback | None = None) -> np.ndarray:
    """The paper's P for a complete topology given as arrays (as :func:`topologies.transmission_matrix`);
    ``progress`` as in :func:`complete_negotiation`, then over the movement costs' row blocks."""
    tell = callback(progress)
    neg = complete_negotiation(w, metric=metric, progress=progress)
    n = pos.shape[0]
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    P = np.empty((n, n))
    np.copyto(P, neg, where=upper)
    del neg
    for start in range(0, n, 1024):  # movement row blocks: (block, n, 2) differences, not (n, n, 2)
        tell("movement costs", start, n)
        stop = min(start + 1024, n)
        diff = pos[start:stop, None, :] - pos[None, :, :]
        block = np.sqrt((diff**2).sum(-1))
        np.copyto(P[start:stop], block, where=~upper[start:stop])
    np.fill_diagonal(P, 0.0)
    tell("movement costs", n, n)
    return P
