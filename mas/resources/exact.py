"""Exact placement as an integer program solved by HiGHS (``scipy.optimize.milp``).

Binary x_tn for every pair where task t fits on the empty node n (other pairs
cannot be used, so they get no variable).

    count/value:  max sum w_t x_tn      s.t. sum_n x_tn <= 1
    cost:         min sum c_tn x_tn     s.t. sum_n x_tn  = 1
    balance:      min z                 s.t. sum_n x_tn  = 1, load_nr <= cap_nr z
    makespan:     min z                 s.t. sum_n x_tn  = 1, sum_t dur_t/speed_n x_tn <= z
    always:       sum_t d_tr x_tn <= cap_nr   (every node n, kind r)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from mas.errors import InputError
from mas.resources.placement import check_objective, check_placement
from mas.resources.problem import MAXIMIZE, PlacementProblem


class InfeasibleError(InputError):
    """No placement meets the objective's requirement (every task placed)."""


@dataclass
class ExactSolution:
    assignment: np.ndarray
    optimal: bool
    dual_bound: float  # best bound HiGHS proved (equals the value when optimal)


def exact_placement(problem: PlacementProblem, objective: str = "count", *,
                    time_limit: float | None = None) -> ExactSolution:
    """The optimal placement for ``objective`` (or the best found within ``time_limit`` seconds).

    Raises
    ------
    InfeasibleError
        When the objective needs every task placed (cost, balance, makespan) and
        no placement does that.

    Examples
    --------
    >>> from mas.resources.problem import Task, Node
    >>> p = PlacementProblem.from_lists([Task("a", {"cpu": 2}), Task("b", {"cpu": 3})], [Node("x", {"cpu": 4})])
    >>> exact_placement(p, "count").assignment.tolist()
    [0, -1]
    """
    check_objective(objective)
    T, N, R = problem.n_tasks, problem.n_nodes, len(problem.kinds)
    fits = problem.fits_alone()
    ti, nj = np.nonzero(fits)
    nx_ = ti.size
    must_place = objective not in MAXIMIZE
    if must_place:
        missing = ~fits.any(axis=1)
        if missing.any():
            name = problem.task_names[int(np.argmax(missing))]
            raise InfeasibleError("task", name, f"fits on no node, so objective {objective} "
                                                "(every task placed) has no solution")
    extra = 1 if objective in ("balance", "makespan") else 0
    size = nx_ + extra
    c = np.zeros(size)
    if objective == "count":
        c[:nx_] = -1.0
    elif objective == "value":
        c[:nx_] = -problem.value[ti]
    elif objective == "cost":
        c[:nx_] = problem.cost[ti, nj]
    else:
        c[nx_] = 1.0
    ax = np.arange(nx_)
    cons = []
    if nx_:
        assign = sp.csr_array((np.ones(nx_), (ti, ax)), shape=(T, size))
        cons.append(LinearConstraint(assign, 1.0 if must_place else 0.0, 1.0))
        # capacity rows (n, r) for every kind; zero-demand entries drop out of the sparse matrix
        rows = (nj[:, None] * R + np.arange(R)[None, :]).ravel()
        cols = np.repeat(ax, R)
        data = problem.demand[ti].ravel()
        keep = data != 0
        capm = sp.csr_array((data[keep], (rows[keep], cols[keep])), shape=(N * R, size))
        cons.append(LinearConstraint(capm, -np.inf, problem.capacity.ravel()))
        if objective == "balance":
            capflat = problem.capacity.ravel()
            has = capflat > 0
            zcol = sp.csr_array((-capflat[has], (np.flatnonzero(has), np.full(has.sum(), nx_))), shape=(N * R, size))
            cons.append(LinearConstraint((capm + zcol)[has], -np.inf, 0.0))
        elif objective == "makespan":
            busy = sp.csr_array((problem.duration[ti] / problem.speed[nj], (nj, ax)), shape=(N, size))
            zcol = sp.csr_array((-np.ones(N), (np.arange(N), np.full(N, nx_))), shape=(N, size))
            cons.append(LinearConstraint(busy + zcol, -np.inf, 0.0))
    elif must_place and T:
        raise InfeasibleError("tasks", T, f"none fits on any node, so objective {objective} has no solution")
    if size == 0:  # nothing fits anywhere and nothing must be placed: the empty placement is optimal
        return ExactSolution(np.full(T, -1, dtype=np.int64), True, 0.0)
    integrality = np.concatenate([np.ones(nx_), np.zeros(extra)])
    upper = np.concatenate([np.ones(nx_), np.full(extra, np.inf)])
    options = {"disp": False}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    res = milp(c, constraints=cons, integrality=integrality, bounds=Bounds(np.zeros(size), upper),
               options=options)
    if res.x is None:
        if res.status == 2:  # infeasible
            raise InfeasibleError("tasks", T, f"cannot all be placed, so objective {objective} has no solution")
        raise InputError("time limit", time_limit, f"HiGHS found no placement in time ({res.message})")
    a = np.full(T, -1, dtype=np.int64)
    chosen = np.flatnonzero(res.x[:nx_] > 0.5)
    a[ti[chosen]] = nj[chosen]
    check_placement(problem, a)  # rounding must never break a capacity
    bound = getattr(res, "mip_dual_bound", None)
    if bound is None or not np.isfinite(bound):
        bound = res.fun
    bound = -bound if objective in MAXIMIZE else bound
    return ExactSolution(a, res.status == 0, float(bound))
