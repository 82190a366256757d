"""Greedy participant selection: repeatedly add the agent that lowers D most.

An agent's marginal cost is ``pair cost to S - execution saving``; as S grows
the pair cost grows and the saving shrinks, so a marginal computed for a
smaller S is a lower bound for the current one. Lazy evaluation with a
priority queue (refresh the top until it is fresh) is therefore exact, and
a whole k-sweep costs far less than recomputing every marginal each step.
"""

from __future__ import annotations

import heapq

import numpy as np

from mas.selection import register

_BATCH = 64  # stale entries refreshed together
_CHUNK = 512  # columns per vectorized block when computing all marginals


def _cover_cost(C: np.ndarray, W: np.ndarray) -> np.ndarray:
    """C with inf replaced by a cost larger than any feasible D, so covering comes first."""
    finite = np.isfinite(C)
    big = (np.where(finite, C, 0).max(axis=1).sum() + W.sum() / 2.0 + 1.0) * 2.0
    return np.where(finite, C, big)


def greedy_order(model) -> list[int]:
    """Agents in the order greedy adds them (ties: lowest index); prefix k is greedy's S_k."""
    Cm = _cover_cost(model.C, model.W)
    W = model.W
    m, n = Cm.shape
    first = int(np.argmin(Cm.sum(axis=0)))
    order = [first]
    cur = Cm[:, first].copy()
    pair_to_s = W[first].copy()

    def marginals(cols: np.ndarray) -> np.ndarray:
        out = np.empty(cols.size)
        for a in range(0, cols.size, _CHUNK):
            c = cols[a : a + _CHUNK]
            saving = np.maximum(cur[:, None] - Cm[:, c], 0.0).sum(axis=0)
            out[a : a + _CHUNK] = pair_to_s[c] - saving
        return out

    rest = np.array([j for j in range(n) if j != first], dtype=np.intp)
    step = 1
    heap = [(float(v), int(j), step) for v, j in zip(marginals(rest), rest)]
    heapq.heapify(heap)
    while heap:
        value, j, stamp = heap[0]
        if stamp == step:
            heapq.heappop(heap)
            order.append(j)
            cur = np.minimum(cur, Cm[:, j])
            pair_to_s += W[j]
            step += 1
            continue
        stale = [heapq.heappop(heap)]
        while heap and len(stale) < _BATCH and heap[0][2] != step:
            stale.append(heapq.heappop(heap))
        cols = np.array([e[1] for e in stale], dtype=np.intp)
        for v, c in zip(marginals(cols), cols):
            heapq.heappush(heap, (float(v), int(c), step))
    return order


@register("greedy")
def greedy(model, ks, **_) -> dict[int, list[int]]:
    """Greedy's set of each size in ``ks`` (one greedy path serves every k)."""
    order = greedy_order(model)
    return {k: sorted(order[:k]) for k in ks}
