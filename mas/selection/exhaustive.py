"""Exact best set for every k by enumerating all 2^n subsets, vectorized.

Subsets are split into low bits (enumerated together, in memory) and high
bits (one chunk each). Per-subset minima of C are built by doubling
(``min[S | j] = min(min[S], C[:, j])``), pair sums the same way, so every
subset costs O(m) numpy work and nothing loops over entries in Python.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.selection import register

MAX_AGENTS = 30
#: bytes the low-bit table of subset minima may take
MEMORY_BUDGET = 16 * 2**20  # small tables stay in cache: measured faster than larger ones


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
        raise InputError("strategy", "exhaustive", f"{n} agents is too many to enumerate (max {max_agents}); use milp or greedy")
    b = n
    while b > 1 and (1 << b) * m * 8 > MEMORY_BUDGET:
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
