"""Exact best set for every k by enumerating all 2^n subsets, vectorized.

Subsets are split into low bits (enumerated together, in memory) and high
bits (one chunk each). Per-subset minima of C are built by doubling
(``min[S | j] = min(min[S], C[:, j])``), pair sums the same way, so every
subset costs O(m) numpy work and nothing loops over entries in Python.

Under ``participation="working"`` the doubling also keeps, per subset and
subtask, the bitmask of the members at the minimum. A subset whose members do
not all appear in those masks has an idle member and is masked out at once;
the others resolve the ties by the allocation rule (transmission to the rest
of the subset, then index), vectorized over the subsets, and are masked out
when a tie leaves a member idle.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.selection import register

MAX_AGENTS = 30
#: bytes the low-bit table of subset minima may take
MEMORY_BUDGET = 16 * 2**20  # small tables stay in cache: measured faster than larger ones
#: subsets whose ties are resolved at once (each takes m * n float keys)
TIE_CHUNK_ENTRIES = 2**21


def _subset_sums(values: np.ndarray) -> np.ndarray:
    """sums[s] = sum of values[b] over the bits b of s, for s < 2^len(values)."""
    out = np.zeros(1 << values.size)
    for b, v in enumerate(values):
        out[1 << b : 2 << b] = out[: 1 << b] + v
    return out


def _popcount(size_bits: int) -> np.ndarray:
    pc = np.zeros(1 << size_bits, dtype=np.int8)
    for b in range(size_bits):
        pc[1 << b : 2 << b] = pc[: 1 << b] + 1
    return pc


@register("exhaustive")
def exhaustive(model, ks, *, max_agents: int = MAX_AGENTS) -> dict[int, list[int]]:
    """Best set of each size in ``ks`` by full enumeration (ties: smallest bitmask).

    Raises
    ------
    InputError when n exceeds ``max_agents`` (2^n subsets would not finish).
    """
    C, W = model.C, model.W
    m, n = C.shape
    if n > max_agents:
        raise InputError(
            "strategy", "exhaustive", f"{n} agents is too many to enumerate (max {max_agents}); use milp or greedy"
        )
    working = model.participation == "working"
    b = n
    while b > 1 and (1 << b) * m * 8 * (2 if working else 1) > MEMORY_BUDGET:
        b -= 1
    h = n - b
    wanted = set(ks)

    # low part: subsets of agents 0..b-1
    low_min = np.full((1 << b, m), np.inf)
    low_pair = np.zeros(1 << b)
    for j in range(b):
        low_min[1 << j : 2 << j] = np.minimum(low_min[: 1 << j], C[:, j])
        low_pair[1 << j : 2 << j] = low_pair[: 1 << j] + _subset_sums(W[j, :j])
    pc = _popcount(b)
    order = np.argsort(pc, kind="stable")  # group subsets by size, masks ascending inside
    starts = np.searchsorted(pc[order], np.arange(b + 2))
    low_min = low_min[order]
    low_pair = low_pair[order]
    if working:
        low_tie = _tie_masks(C[:, :b])[order]
        pc_sorted = pc[order].astype(np.intp)

    best_val = {k: np.inf for k in wanted}
    best_mask = {}
    for H in range(1 << h):
        high = [b + t for t in range(h) if H >> t & 1]
        kh = len(high)
        if not any(kh <= k <= kh + b for k in wanted):
            continue
        if high:
            c_high = C[:, high].min(axis=1)
            execution = np.minimum(low_min, c_high).sum(axis=1)
            cross = _subset_sums(W[high][:, :b].sum(axis=0))[order]
            pair_high = W[np.ix_(high, high)].sum() / 2.0
            D = execution + low_pair + cross + pair_high
        else:
            D = low_min.sum(axis=1) + low_pair
        if working:
            bound = np.array([best_val.get(k, -np.inf) for k in range(n + 1)])
            D = _mask_idle(C, W, D, low_min, low_tie, high, H << b | order, kh + pc_sorted, bound)
        for c in range(b + 1):
            k = kh + c
            if k not in wanted or k == 0:
                continue
            seg = D[starts[c] : starts[c + 1]]
            i = int(seg.argmin())
            if seg[i] < best_val[k]:
                best_val[k] = seg[i]
                best_mask[k] = (H << b) | int(order[starts[c] + i])
    return {k: [j for j in range(n) if mask >> j & 1] for k, mask in best_mask.items()}


def _tie_masks(C: np.ndarray) -> np.ndarray:
    """ties[s, i] = bitmask of the agents of subset s (bits of C's columns) at subtask i's minimum."""
    m, b = C.shape
    best = np.full((1 << b, m), np.inf)
    ties = np.zeros((1 << b, m), dtype=np.int64)
    for j in range(b):
        old, mask = best[: 1 << j], ties[: 1 << j]
        c = C[:, j]
        bit = np.int64(1 << j)
        ties[1 << j : 2 << j] = np.where(c < old, bit, np.where((c == old) & np.isfinite(c), mask | bit, mask))
        best[1 << j : 2 << j] = np.minimum(old, c)
    return ties


def _mask_idle(C, W, D, low_min, low_tie, high, masks, sizes, bound) -> np.ndarray:
    """D of the subsets (low part x the ``high`` agents; ``masks`` their full bitmasks, ``sizes``
    their sizes) in which every member executes a subtask under the allocation rule, inf for the
    others -- and for those that cannot beat ``bound[size]`` (the best D found before), which are
    not resolved at all."""
    m, n = C.shape
    out = np.full(D.shape, np.inf)
    rows = np.flatnonzero(bound[sizes] > D)
    if rows.size == 0:
        return out
    ties = low_tie[rows]
    if high:
        c_high = C[:, high].min(axis=1)
        at_min = (C[:, high] == c_high[:, None]) & np.isfinite(C[:, high])
        high_tie = (at_min.astype(np.int64) << np.asarray(high, dtype=np.int64)).sum(axis=1)
        lm = low_min[rows]
        ties = np.where(c_high < lm, high_tie, np.where((c_high == lm) & np.isfinite(c_high), ties | high_tie, ties))
    mask, size, d = masks[rows], sizes[rows], D[rows]
    at_a_minimum = np.bitwise_or.reduce(ties, axis=1) == mask
    unique = (ties & (ties - 1)) == 0
    works = at_a_minimum & (np.bitwise_or.reduce(np.where(unique, ties, 0), axis=1) == mask)
    found = bound.copy()
    np.minimum.at(found, size[works], d[works])
    # every member at some minimum but some only in ties: resolve by the rule, cheapest first,
    # dropping what can no longer beat (or tie with a smaller mask) the best of its size
    todo = np.flatnonzero(at_a_minimum & ~works & (d <= found[size]))
    todo = todo[np.argsort(d[todo], kind="stable")]
    agents = np.arange(n, dtype=np.int64)
    step = max(1, TIE_CHUNK_ENTRIES // (m * n))
    while todo.size:
        part, todo = todo[:step], todo[step:]
        members = (mask[part, None] >> agents) & 1
        to_rest = members.astype(float) @ W  # transmission of each agent to the subset (W's diagonal is 0)
        tied = ((ties[part, :, None] >> agents) & 1).astype(bool)
        key = np.where(tied, to_rest[:, None, :], np.inf)
        winner = (key == key.min(axis=2, keepdims=True)).argmax(axis=2)  # equal keys: the lowest index
        ok = np.bitwise_or.reduce(np.int64(1) << winner, axis=1) == mask[part]
        works[part[ok]] = True
        np.minimum.at(found, size[part[ok]], d[part[ok]])
        todo = todo[d[todo] <= found[size[todo]]]
    out[rows[works]] = d[works]
    return out
