"""Tabu search for the GAP with capacities as adaptive penalties (strategic oscillation).

The search moves through infeasible assignments too: an agent over capacity
costs alpha_i per unit of excess, and alpha_i grows while agent i stays over
and shrinks while it is within, so the search oscillates around the boundary
of the feasible region, where the good assignments of tight instances are
(Yagiura, Ibaraki and Glover's idea, without their ejection chains). Every step
takes the best move not tabu -- a shift of one job, or a swap of two jobs
between their agents -- evaluated for all moves at once as numpy arrays; a job
may not return to an agent it just left for ``tenure`` steps unless that
gives a feasible assignment better than the best. The best feasible
assignment seen is returned, never worse than the start.
"""

from __future__ import annotations

import time

import numpy as np

#: steps without a new best before the search restarts from the best, and the alpha step
_RESTART = 2_000
_ALPHA_STEP = 0.02


def gap_tabu(inst, a: np.ndarray, *, maximize: bool = False, time_limit: float = 10.0,
             seed: int | np.random.Generator | None = 0, bound: float | None = None,
             max_steps: int | None = None, patience: int | None = None) -> np.ndarray:
    """A feasible assignment no worse than the feasible ``a``, after ``time_limit`` seconds (or ``max_steps``).

    Parameters
    ----------
    inst : GapInstance
    a : feasible agent per job (the start)
    bound : a proven bound on the optimum (integer data: rounded); the search stops on reaching it
    patience : stop after this many steps without a new best (None: use the whole time)
    seed : int or numpy Generator, breaks ties between equal moves

    Examples
    --------
    >>> from mas.resources.gap import GapInstance
    >>> inst = GapInstance("t", np.array([[1., 5., 5.], [4., 2., 1.]]), np.ones((2, 3)), np.array([2., 2.]))
    >>> gap_tabu(inst, np.array([1, 0, 1]), max_steps=50).tolist()
    [0, 1, 1]
    """
    rng = np.random.default_rng(seed)
    m, n = inst.agents, inst.jobs
    sign = -1.0 if maximize else 1.0
    cost = sign * inst.cost.astype(float)
    w = inst.weight.astype(float)
    cap = inst.capacity.astype(float)
    jobs = np.arange(n)
    cur = np.asarray(a, dtype=np.int64).copy()
    best, best_value = cur.copy(), float(cost[cur, jobs].sum())
    if m < 2 or n == 0:
        return best
    target = None if bound is None else sign * bound
    load = np.bincount(cur, weights=w[cur, jobs], minlength=m)
    # one unit of excess capacity costs about what one unit of resource is worth
    alpha0 = float(np.abs(cost).mean() / max(w.mean(), 1e-12))
    alpha = np.full(m, alpha0)
    tabu = np.zeros((m, n), dtype=np.int64)
    tenure = max(7, n // 10)
    end = time.perf_counter() + time_limit
    step = since_best = last_best = 0
    noise = 1e-7 * (float(np.abs(cost).max()) or 1.0)

    def pen(L, i):
        return alpha[i] * np.maximum(L - cap[i], 0.0)

    while True:
        step += 1
        if ((max_steps is not None and step > max_steps) or (step % 64 == 0 and time.perf_counter() > end)
                or (target is not None and best_value <= target + 1e-9)
                or (patience is not None and step - last_best > patience)):
            break
        wj = w[cur, jobs]
        cj = cost[cur, jobs]
        # shift j to agent i: cost change + penalty change of its old agent and of i
        out = pen(load[cur] - wj, cur) - pen(load[cur], cur)
        shift = cost - cj + (pen(load[:, None] + w, np.arange(m)[:, None]) - pen(load, np.arange(m))[:, None]) + out
        shift[cur, jobs] = np.inf
        allowed_shift = tabu <= step
        # swap j and k (j to cur[k], k to cur[j])
        wa = w[cur]                      # wa[j, k] = w[cur[j], k]
        ca = cost[cur]
        lp = load[cur][:, None] - wj[:, None] + wa            # new load of cur[j]
        lq = load[cur][None, :] - wj[None, :] + wa.T  # new load of cur[k]
        swap = (ca.T - cj[:, None]) + (ca - cj[None, :])  # c[cur[k], j] - c[cur[j], j] + c[cur[j], k] - c[cur[k], k]
        swap += pen(lp, cur[:, None]) - pen(load[cur], cur)[:, None]
        swap += pen(lq, cur[None, :]) - pen(load[cur], cur)[None, :]
        same = cur[:, None] == cur[None, :]
        swap[same] = np.inf
        swap[np.tril_indices(n)] = np.inf
        allowed_swap = (tabu[cur[None, :], jobs[:, None]] <= step) & (tabu[cur[:, None], jobs[None, :]] <= step)
        # aspiration: a tabu move is allowed when it reaches a feasible assignment better than the best
        total = float(cj.sum())
        over = load > cap + 1e-9
        shift_new_cost = total + cost - cj
        shift_ok_cap = load[:, None] + w <= cap[:, None] + 1e-9
        # the job's old agent ends within capacity and no other agent is over
        others_ok = (over.sum() - over[cur] == 0) & (load[cur] - wj <= cap[cur] + 1e-9)
        asp_shift = shift_ok_cap & others_ok[None, :] & (shift_new_cost < best_value - 1e-9)
        shift = np.where(allowed_shift | asp_shift, shift, np.inf)
        swap = np.where(allowed_swap, swap, np.inf)
        shift = shift + noise * rng.random(shift.shape)
        swap = swap + noise * rng.random(swap.shape)
        si = int(np.argmin(shift))
        sj = int(np.argmin(swap))
        if not np.isfinite(shift.flat[si]) and not np.isfinite(swap.flat[sj]):
            tabu[:] = 0
            continue
        if shift.flat[si] <= swap.flat[sj]:
            i, j = divmod(si, n)
            old = cur[j]
            tabu[old, j] = step + tenure + int(rng.integers(0, 3))
            load[old] -= w[old, j]
            load[i] += w[i, j]
            cur[j] = i
        else:
            j, k = divmod(sj, n)
            p, q = cur[j], cur[k]
            tabu[p, j] = step + tenure + int(rng.integers(0, 3))
            tabu[q, k] = step + tenure + int(rng.integers(0, 3))
            load[p] += w[p, k] - w[p, j]
            load[q] += w[q, j] - w[q, k]
            cur[j], cur[k] = q, p
        over = load > cap + 1e-9
        # infeasible: the agents over capacity get dearer; feasible: every agent gets cheaper
        if over.any():
            alpha = np.minimum(np.where(over, alpha * (1 + _ALPHA_STEP), alpha), 100 * alpha0)
        else:
            alpha = np.maximum(alpha * (1 - _ALPHA_STEP), 0.01 * alpha0)
        value = float(cost[cur, jobs].sum())
        since_best += 1
        if not over.any() and value < best_value - 1e-9:
            best, best_value = cur.copy(), value
            since_best, last_best = 0, step
        if since_best > _RESTART:
            cur = best.copy()
            load = np.bincount(cur, weights=w[cur, jobs], minlength=m)
            since_best = 0
    return best
