"""The centralized optimum a protocol is compared with.

Any complete allocation a with working set W costs D(a) >= D(W) (each subtask
costs at least its cheapest agent in W; the pair sum is the same), and the
allocation rule on a feasible S reaches D(S) or less (agents of S that execute
nothing drop out of the pair sum). So

    min over complete allocations of D(a)  =  min over feasible S (any k) of D(S),

which is what ``optimal_D`` means: the best D over every participant set of every
size. It is exact by enumeration up to ``exact_max_agents`` agents, by one MILP
(no size constraint) up to ``milp_max_agents``, and otherwise the best D the
greedy/local sweep finds -- an upper bound, said so by ``exact = False``
(``lower_bound`` = sum of the cheapest costs is then given too).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Optimum:
    D: float
    participants: list[int] | None
    exact: bool
    method: str
    lower_bound: float

    def to_dict(self) -> dict:
        return asdict(self)


def optimum(costs, *, exact_max_agents: int = 20, milp_max_agents: int = 40,
            time_limit: float | None = 30.0) -> Optimum:
    """The least D(S) over all feasible participant sets (see the module docstring).

    Examples
    --------
    >>> from mas.costs import CostModel
    >>> optimum(CostModel([[1, 4], [3, 1]], [[0, 2], [1, 0]])).D
    4.0
    """
    lower = float(costs.C.min(axis=1).sum())
    n = costs.n
    if n <= exact_max_agents:
        return _from_sweep(costs, "exhaustive", True, lower)
    if n <= milp_max_agents:
        s = _milp_any_k(costs, time_limit)
        if s is not None:
            return Optimum(costs.D(s), sorted(s), True, "milp", lower)
    if n <= 200:
        return _from_sweep(costs, "local", False, lower)
    return _greedy_prefixes(costs, lower)


def _greedy_prefixes(costs, lower) -> Optimum:
    """The best prefix of greedy's order, D of every prefix at once (running minima, running pair sums)."""
    from mas.selection.greedy import greedy_order

    o = np.asarray(greedy_order(costs, until_rising=True), dtype=np.intp)
    execution = np.minimum.accumulate(costs.C[:, o], axis=1).sum(axis=0)
    pairs = np.cumsum(np.tril(costs.W[np.ix_(o, o)], -1).sum(axis=1))
    k = int(np.argmin(execution + pairs)) + 1
    S = sorted(o[:k].tolist())
    return Optimum(costs.D(S), S, False, "greedy (upper bound)", lower)


def _from_sweep(costs, strategy, exact, lower) -> Optimum:
    sweep = costs.sweep(strategy)
    rows = [r for r in sweep.rows if np.isfinite(r.D)]
    best = min(rows, key=lambda r: (r.D, r.k))
    return Optimum(best.D, best.participants, exact, strategy + ("" if exact else " (upper bound)"), lower)


def _milp_any_k(costs, time_limit):
    from scipy.optimize import Bounds, milp

    from mas.selection.milp import _Program

    prog = _Program(costs.C, costs.W)
    options = {"disp": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    res = milp(prog.c, constraints=prog.fixed, integrality=prog.integrality, bounds=Bounds(0.0, 1.0), options=options)
    if res.x is None or not res.success:
        return None
    return [j for j in range(prog.n) if res.x[j] > 0.5]
