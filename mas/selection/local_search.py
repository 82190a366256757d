"""Swap local search: exchange one member of S for one outsider while D drops.

Under ``participation="working"`` a swap is taken only if every member still
works under the allocation rule afterwards: of the improving swaps, best
first, the first of :data:`WORKING_TRIES` that keeps them all working.
"""

from __future__ import annotations

import numpy as np

from mas.selection import register
from mas.selection.greedy import WORKING_TRIES, cover_cost, greedy_order


def improve(model, S, *, max_rounds: int = 1000, working: bool = False) -> list[int]:
    """Apply the best improving swap (member out, outsider in) until none lowers D.

    Returns the improved set (sorted). Never worse than ``S``. With ``working``
    (and a start in which every member works) only swaps that keep every member
    working are taken.

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> model = CostModel([[5, 1], [5, 1]], [[0, 0], [0, 0]])
    >>> improve(model, [0])
    [1]
    """
    Cm = cover_cost(model.C, model.W)
    W = model.W
    n = model.n
    S = np.array(sorted(model.participants(S)), dtype=np.intp)
    if S.size == n:
        return S.tolist()
    for _ in range(max_rounds):
        inside = np.zeros(n, dtype=bool)
        inside[S] = True
        out = np.flatnonzero(~inside)
        sub = Cm[:, S]
        arg = sub.argmin(axis=1)
        first = sub[np.arange(sub.shape[0]), arg]
        if S.size > 1:
            second = np.partition(sub, 1, axis=1)[:, 1]
        else:
            second = np.full_like(first, np.inf)
        pair_to_s = W[:, S].sum(axis=1)
        pair = pair_to_s[S].sum() / 2.0
        current = first.sum() + pair
        best = (current, -1, -1)
        totals = []
        for p, j in enumerate(S):
            without = np.where(arg == p, second, first)
            execution = np.minimum(without[:, None], Cm[:, out]).sum(axis=0)
            total = execution + pair - pair_to_s[j] + pair_to_s[out] - W[out, j]
            totals.append(total)
            q = int(total.argmin())
            if total[q] < best[0] - 1e-9 * max(1.0, abs(best[0])):
                best = (float(total[q]), p, int(out[q]))
        if working and best[1] >= 0:
            best = _best_working_swap(model, S, out, np.array(totals), current)
        if best[1] < 0:
            break
        S[best[1]] = best[2]
        S.sort()
    return S.tolist()


def _best_working_swap(model, S, out, totals: np.ndarray, current: float) -> tuple:
    """The best improving swap (by ``totals[p, q]``) after which every member works, or (current, -1, -1)."""
    flat = totals.ravel()
    improving = np.flatnonzero(flat < current - 1e-9 * max(1.0, abs(current)))
    improving = improving[np.argsort(flat[improving], kind="stable")][:WORKING_TRIES]
    for f in improving:
        p, q = divmod(int(f), out.size)
        T = S.copy()
        T[p] = out[q]
        if model.evaluate(T).working == T.size:
            return float(totals[p, q]), p, int(out[q])
    return current, -1, -1


@register("local")
def local(model, ks, progress=None, **_) -> dict[int, list[int]]:
    """Greedy's set of each size, improved by swaps (``progress(label, done, total)``: greedy's
    agents, then the sizes improved)."""
    working = model.participation == "working"
    order = greedy_order(model, working=working, progress=progress)
    sets = {}
    wanted = [k for k in ks if k <= len(order)]
    for i, k in enumerate(wanted):
        if progress is not None:
            progress("local: swaps per k", i, len(wanted))
        sets[k] = improve(model, order[:k], working=working)
    return sets
