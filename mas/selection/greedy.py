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
    saving = np.maximum(cur[:, None] - Cm, 0.0).sum(axis=0)
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
            rows = Cm[lowered]
            old, new = cur[lowered, None], Cm[lowered, j, None]
            saving -= (np.maximum(old - rows, 0.0) - np.maximum(new - rows, 0.0)).sum(axis=0)
            cur[lowered] = new[:, 0]
    return order


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
