"""The centralized optimum a protocol is compared with: the least D and the least G.

**optimal_D.** Any complete allocation a with working set W costs D(a) >= D(W)
(each subtask costs at least its cheapest agent in W; the pair sum is the
same), and the allocation rule on a feasible S reaches D(S) or less (agents of
S that execute nothing drop out of the pair sum). So

    min over complete allocations of D(a)  =  min over feasible S (any k) of D(S),

which is what ``optimal_D`` means: the best D over every participant set of every
size. It is exact by enumeration up to ``exact_max_agents`` agents, by one MILP
(no size constraint) up to ``milp_max_agents``, and otherwise the best D the
greedy/local sweep finds -- an upper bound, said so by ``exact = False``
(``lower_bound`` = sum of the cheapest costs is then given too). Dropping idle
agents never raises D, so the least D is the same under both ways of counting
lambda.

**optimal_G** is the least G of the cost model's sweep over every k, with the
set that reaches it (``G_participants``), under the model's ``participation``:

* ``"participants"`` (lambda = |S|, the paper's Table 1): the best G(S) of the
  ordinary sweep, whose set may contain agents that execute nothing.
* ``"working"`` (lambda = agents that execute a subtask): the best G of the
  sweep over sets whose members all work under the allocation rule; scoring
  that set's allocation gives exactly this G.

A protocol's allocation is scored by its working agents (``CostModel.score``),
so under ``working`` a protocol and the coordinator are measured alike. Neither
optimal_G bounds every allocation, though: G rewards more workers, and an
allocation that gives a subtask to an agent dearer than the cheapest of its
working set can score lower (C = [[1, 2], [1, 2]], P = 0: allocation [0, 1]
scores G = 3/4, the best working set {0} G = 2), so a G gap can be negative.

optimal_G keeps optimal_D's exactness policy: enumeration up to
``exact_max_agents``; up to ``milp_max_agents`` an exact MILP per k within
``time_limit`` seconds for the whole sweep (past it the rest comes from the
local sweep and ``G_exact`` is false); beyond that the heuristic sweep's best
G, an upper bound.

``exact`` is True only when the optimality is proven at zero gap (the MILP:
integer costs, bound within 1 of D; real costs, ``mas.mip``'s tolerance).
``bound`` is the best proven lower bound on the optimum (D itself when exact)
and ``gap`` = (D - bound) / bound; a MILP stopped by its time limit keeps the
better of its incumbent and the local sweep, with its bound, and says
``"milp (time limit)"``.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from mas.selection.policy import EXHAUSTIVE_MAX_N, MILP_MAX_N, optimum_method

#: beyond the exact and local sizes, optimal_G looks at greedy's prefixes up to this k only
G_MAX_K = 200


@dataclass(frozen=True)
class Optimum:
    D: float
    participants: list[int] | None
    exact: bool
    method: str
    lower_bound: float
    bound: float | None = None
    gap: float | None = None
    G: float = math.inf
    G_participants: list[int] | None = None
    G_exact: bool = False
    G_method: str = ""
    participation: str = "participants"

    def to_dict(self) -> dict:
        return asdict(self)


def _with_gap(D: float, participants, exact: bool, method: str, lower: float, bound: float) -> Optimum:
    from mas.mip import relative_gap

    bound = D if exact else max(bound, lower)
    return Optimum(D, participants, exact, method, lower, bound, 0.0 if exact else relative_gap(D, bound))


def optimum(costs, *, exact_max_agents: int = EXHAUSTIVE_MAX_N, milp_max_agents: int = MILP_MAX_N,
            time_limit: float | None = 30.0) -> Optimum:
    """The least D(S) over all feasible participant sets and the least G of the sweep (module docstring).

    The method for each size is :func:`mas.selection.policy.optimum_method`'s;
    ``exact_max_agents`` and ``milp_max_agents`` override its thresholds.

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> best = optimum(CostModel([[1, 4], [3, 1]], [[0, 2], [1, 0]]))
    >>> best.D, best.G, best.G_participants
    (4.0, 1.25, [0, 1])
    """
    lower = float(costs.C.min(axis=1).sum())
    method = optimum_method(costs.n, exhaustive_max_n=exact_max_agents, milp_max_n=milp_max_agents)
    plain = costs.with_participation("participants")  # the least D does not depend on lambda
    if method == "exhaustive":
        sweep = plain.sweep("exhaustive")
        G_sweep = sweep if costs.participation == "participants" else costs.sweep("exhaustive")
        return _with_G(_from_sweep(sweep, True, lower), G_sweep, True, "exhaustive", costs)
    if method == "milp":
        started = time.perf_counter()
        from mas.selection.milp import best_of_any_size

        s, cert = best_of_any_size(costs, _greedy_prefixes(costs, 0.0).participants, time_limit=time_limit)
        if s is not None and cert.optimal:
            best = _with_gap(costs.D(s), sorted(s), True, "milp", lower, cert.bound)
        else:
            local = _from_sweep(plain.sweep("local"), False, lower)
            if s is not None and costs.D(s) < local.D:
                best = _with_gap(costs.D(s), sorted(s), False, "milp (time limit)", lower, cert.bound)
            else:
                best = _with_gap(local.D, local.participants, False, "local (upper bound)", lower, cert.bound)
        left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - started))
        G_sweep, G_exact = _milp_G_sweep(costs, left, best.D if best.exact else lower)
        return _with_G(best, G_sweep, G_exact, "milp" if G_exact else "milp + local (upper bound)", costs)
    if method == "local":
        sweep = plain.sweep("local")
        G_sweep = sweep if costs.participation == "participants" else costs.sweep("local")
        return _with_G(_from_sweep(sweep, False, lower), G_sweep, False, "local (upper bound)", costs)
    # every prefix of greedy's order would read all of W (n^2: 3.2 GB and n shortest-path searches at
    # n = 20,000); G's best k lies far below, so the prefixes stop at G_MAX_K
    G_sweep = costs.sweep("greedy", ks=range(1, min(costs.n, G_MAX_K) + 1))
    return _with_G(_greedy_prefixes(costs, lower), G_sweep, False,
                   "greedy (upper bound)" if costs.n <= G_MAX_K else f"greedy, k <= {G_MAX_K} (upper bound)", costs)


def _with_G(best: Optimum, sweep, exact: bool, method: str, costs) -> Optimum:
    row = sweep.row(sweep.best_k) if sweep.best_k is not None else None
    return replace(best, G=row.G if row else math.inf, G_participants=row.participants if row else None,
                   G_exact=exact, G_method=method, participation=costs.participation)


def _greedy_prefixes(costs, lower) -> Optimum:
    """The best prefix of greedy's order, D of every prefix at once (:meth:`CostModel.prefix_costs`)."""
    from mas.selection.greedy import greedy_order

    o = np.asarray(greedy_order(costs, until_rising=True), dtype=np.intp)
    k = int(np.argmin(costs.prefix_costs(o)[0])) + 1
    S = sorted(o[:k].tolist())
    return _with_gap(costs.D(S), S, False, "greedy (upper bound)", lower, lower)


def _from_sweep(sweep, exact, lower) -> Optimum:
    rows = [r for r in sweep.rows if np.isfinite(r.D)]
    best = min(rows, key=lambda r: (r.D, r.k))
    return _with_gap(best.D, best.participants, exact, sweep.strategy + ("" if exact else " (upper bound)"), lower,
                     lower)


def _milp_G_sweep(costs, budget: float | None, least_D: float):
    """The sweep whose best G is optimal_G: exact MILP per k while ``budget`` seconds last, then local.

    A k is not solved when a lower bound on its G already exceeds local's best
    G: D_k >= max(least_D, cheapest costs + C(k, 2) * the cheapest pair), so
    such a k cannot hold optimal_G (its row stays local's). Returns (sweep,
    exact): exact when every solved k's program finished inside the budget
    (then no solve can have stopped at its time limit) and proved its k optimal.
    """
    from mas.costs import Sweep

    local_sweep = costs.sweep("local")
    local = {r.k: r for r in local_sweep.rows}
    upper = local[local_sweep.best_k].G if local_sweep.best_k is not None else math.inf
    cheapest = float(costs.C.min(axis=1).sum())
    pair = float(costs.W[~np.eye(costs.n, dtype=bool)].min()) if costs.n > 1 else 0.0
    rows, exact = [], True
    deadline = None if budget is None else time.perf_counter() + budget
    for k in range(1, costs.n + 1):
        bound = max(least_D, cheapest + k * (k - 1) / 2 * pair) * float(k) ** -costs.kappa
        if bound > upper * (1 + 1e-12):
            rows.append(local[k])
            continue
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left <= 0:
            exact = False
            rows.append(local[k])
            continue
        row = costs.sweep("milp", ks=[k], time_limit=left).rows[0]
        proven = row.certificate is None or row.certificate.optimal
        if not proven or (deadline is not None and time.perf_counter() >= deadline):
            exact = False  # this k may have stopped at its limit: keep the better of it and local's
            row = min(row, local[k], key=lambda r: r.D)
        rows.append(row)
    finite = [r for r in rows if np.isfinite(r.G)]
    best_k = min(finite, key=lambda r: (r.G, r.k)).k if finite else None
    return Sweep(rows, "milp", best_k, costs.participation), exact

