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

``exact`` is True only when the optimality is proven at zero gap (the MILP:
integer costs, bound within 1 of D; real costs, ``mas.mip``'s tolerance).
``bound`` is the best proven lower bound on the optimum (D itself when exact)
and ``gap`` = (D - bound) / bound; a MILP stopped by its time limit keeps the
better of its incumbent and the local sweep, with its bound, and says
``"milp (time limit)"``.
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
    bound: float | None = None
    gap: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _with_gap(D: float, participants, exact: bool, method: str, lower: float, bound: float) -> Optimum:
    from mas.mip import relative_gap

    bound = D if exact else max(bound, lower)
    return Optimum(D, participants, exact, method, lower, bound, 0.0 if exact else relative_gap(D, bound))


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
        s, cert = _milp_any_k(costs, time_limit)
        if s is not None and cert.optimal:
            return _with_gap(costs.D(s), sorted(s), True, "milp", lower, cert.bound)
        sweep = _from_sweep(costs, "local", False, lower)
        if s is not None and costs.D(s) < sweep.D:
            return _with_gap(costs.D(s), sorted(s), False, "milp (time limit)", lower, cert.bound)
        return _with_gap(sweep.D, sweep.participants, False, "local (upper bound)", lower, cert.bound)
    if n <= 200:
        return _from_sweep(costs, "local", False, lower)
    return _greedy_prefixes(costs, lower)


def _greedy_prefixes(costs, lower) -> Optimum:
    """The best prefix of greedy's order, D of every prefix at once (running minima, running pair sums)."""
    from mas.selection.greedy import greedy_order

    o = np.asarray(greedy_order(costs), dtype=np.intp)
    execution = np.minimum.accumulate(costs.C[:, o], axis=1).sum(axis=0)
    pairs = np.cumsum(np.tril(costs.W[np.ix_(o, o)], -1).sum(axis=1))
    k = int(np.argmin(execution + pairs)) + 1
    S = sorted(o[:k].tolist())
    return _with_gap(costs.D(S), S, False, "greedy (upper bound)", lower, lower)


def _from_sweep(costs, strategy, exact, lower) -> Optimum:
    sweep = costs.sweep(strategy)
    rows = [r for r in sweep.rows if np.isfinite(r.D)]
    best = min(rows, key=lambda r: (r.D, r.k))
    return _with_gap(best.D, best.participants, exact, strategy + ("" if exact else " (upper bound)"), lower, lower)


def _milp_any_k(costs, time_limit):
    """(best set or None, mas.mip.Certificate) of the size-free MILP at zero gap, started from greedy's best prefix."""
    import scipy.sparse as sp

    from mas.mip import certify, run_highs
    from mas.selection.milp import _Program

    prog = _Program(costs.C, costs.W)
    rows = prog.fixed
    A = sp.vstack([r.A for r in rows], format="csr")
    lo = np.concatenate([np.broadcast_to(r.lb, (r.A.shape[0],)) for r in rows])
    hi = np.concatenate([np.broadcast_to(r.ub, (r.A.shape[0],)) for r in rows])
    start = _greedy_prefixes(costs, 0.0).participants
    run = run_highs(prog.c, A, lo, hi, np.zeros(prog.size), np.ones(prog.size), prog.integrality,
                    offset=prog.offset, start=prog._start(start), time_limit=time_limit, integer=prog.integer)
    S = start if run.x is None else [j for j in range(prog.n) if run.x[j] > 0.5]
    if prog.D(start) < prog.D(S):
        S = start  # never worse than the start
    return S, certify(prog.D(S), run.bound, integer=prog.integer, status=run.status)
