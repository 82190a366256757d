"""Greedy participant selection: repeatedly add the agent that lowers D most.

An agent's marginal cost is ``pair cost to S - execution saving``, with
``saving_j = sum_i max(0, cur_i - C[i, j])`` and ``cur_i`` the cheapest cost of
subtask i in S. Both terms change only a little per step: the pair term by one
row of the pair matrix, the saving only on the subtasks whose ``cur`` the new
agent lowered. Keeping every agent's marginal exact by those increments costs
O(n) per lowered entry, and an entry can only be lowered as often as it has
distinct values -- far less than re-evaluating stale marginals (even lazily,
from a priority queue), which we measured 20-50x slower at n = m = 5000.

Under ``participation="working"`` greedy adds, of the :data:`WORKING_TRIES`
agents with the best marginals, the first that leaves every member working
under the allocation rule (one O(m k) evaluation per try), and stops when
none does: its sets are nested and all work, so sizes past the stop have no
greedy set.
"""

from __future__ import annotations

import numpy as np

from mas.selection import NestedSets, register

#: under participation="working", candidates tried per step before greedy stops
WORKING_TRIES = 32


def cover_cost(C: np.ndarray, W) -> np.ndarray:
    """C with inf replaced by a cost larger than any feasible D, so covering comes first."""
    finite = np.isfinite(C)
    if finite.all():
        return C
    n = W.shape[0]
    pairs = W.sum() / 2.0 if isinstance(W, np.ndarray) else n * (n - 1) / 2.0 * W.bound
    big = (np.where(finite, C, 0).max(axis=1).sum() + pairs + 1.0) * 2.0
    return np.where(finite, C, big)


def greedy_order(model, *, working: bool = False, until_rising: bool = False, limit: int | None = None,
                 progress=None) -> list[int]:
    """Agents in the order greedy adds them (ties: lowest index); prefix k is greedy's S_k.

    With ``working`` only agents that keep every member of the prefix working
    are added, and the order may stop before n (see the module docstring).
    ``until_rising`` stops after the first agent that does not lower D. Every
    agent's marginal cost only grows as S grows (its pair cost to S grows, its
    saving shrinks), so D along the path falls and then only rises: the best D
    of any prefix is in the shorter order, and only its rows of W are read.
    ``limit`` stops after that many agents (a sweep of small k only).
    ``progress(label, done, total)`` hears the agents added so far.

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> greedy_order(CostModel([[5, 1, 3], [5, 4, 1]], [[0, 1, 1], [1, 0, 1], [1, 1, 0]]))
    [2, 1, 0]
    """
    Cm = cover_cost(model.C, model.W)
    W = model.W
    m, n = Cm.shape
    if working:
        can = np.isfinite(model.C).any(axis=0)  # alone, an agent works iff it can execute something
        if not can.any():
            return []
        first = int(np.argmin(np.where(can, Cm.sum(axis=0), np.inf)))
    else:
        first = int(np.argmin(Cm.sum(axis=0)))
    order = [first]
    cur = Cm[:, first].copy()
    saving = _row_sums(lambda rows: np.maximum(cur[rows, None] - Cm[rows], 0.0), m, n)
    pair_to_s = W[first].copy()
    taken = np.zeros(n, dtype=bool)
    taken[first] = True
    steps = n if limit is None else min(n, int(limit))
    for _ in range(steps - 1):
        if progress is not None:
            progress("greedy: agents added", len(order), steps)
        marginal = np.where(taken, np.inf, pair_to_s - saving)
        if working:
            j = _first_working(model, order, marginal)
            if j is None:
                break
        else:
            j = int(marginal.argmin())
        order.append(j)
        if until_rising and marginal[j] >= 0:
            break
        taken[j] = True
        pair_to_s += W[j]
        lowered = np.flatnonzero(Cm[:, j] < cur)
        if lowered.size:
            def change(part, lowered=lowered, j=j):
                rows = Cm[lowered[part]]
                old, new = cur[lowered[part], None], Cm[lowered[part], j, None]
                return np.maximum(old - rows, 0.0) - np.maximum(new - rows, 0.0)

            saving -= _row_sums(change, lowered.size, n)
            cur[lowered] = Cm[lowered, j]
    return order


#: bytes of one block of rows of the m x n temporaries in :func:`greedy_order` (several exist at once)
BLOCK_BYTES = 64 * 2**20


def _row_sums(block, count: int, n: int) -> np.ndarray:
    """``block(slice(0, count)).sum(axis=0)`` bit for bit, ``block`` asked for a few rows at a time.

    Each block is summed with the sum so far as its first row: numpy adds the rows of an
    (r, n >= 2) array one after another, so the result is the whole array's sum (the temporaries
    of the first step were 4 m x n floats, 12.8 GB at 20,000 x 20,000).
    """
    step = count if n < 2 else max(1, BLOCK_BYTES // (8 * n))
    total = None
    for start in range(0, count, step):
        part = block(slice(start, min(start + step, count)))
        total = part.sum(axis=0) if total is None else np.concatenate([total[None], part]).sum(axis=0)
    return total


def _first_working(model, order: list[int], marginal: np.ndarray) -> int | None:
    """Of the best-marginal outsiders, the first whose joining leaves every member working."""
    if len(order) >= model.m:
        return None  # each working agent needs a subtask of its own
    tries = np.argsort(marginal, kind="stable")[:WORKING_TRIES]
    for j in tries[np.isfinite(marginal[tries])]:
        if model.evaluate(order + [int(j)]).working == len(order) + 1:
            return int(j)
    return None


@register("greedy")
def greedy(model, ks, progress=None, **_) -> dict[int, list[int]]:
    """Greedy's set of each size in ``ks`` (one greedy path serves every k)."""
    ks = list(ks)
    return NestedSets(greedy_order(model, working=model.participation == "working", limit=max(ks, default=0),
                                   progress=progress), ks)
