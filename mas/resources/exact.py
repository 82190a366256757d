"""Exact placement as an integer program solved by HiGHS (through ``mas.mip.run_highs``, at zero gap).

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
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from mas.errors import InputError
from mas.mip import Certificate, certify, integral, run_highs
from mas.resources.placement import check_objective, check_placement, objective_value
from mas.resources.problem import MAXIMIZE, PlacementProblem


class _Rows(NamedTuple):
    """lb <= A x <= ub"""

    A: object
    lb: object
    ub: object


class InfeasibleError(InputError):
    """No placement meets the objective's requirement (every task placed)."""


@dataclass
class ExactSolution:
    """The placement HiGHS returned and what it proved (``certificate``: value, bound, gap, status)."""

    assignment: np.ndarray
    certificate: Certificate

    @property
    def optimal(self) -> bool:
        return self.certificate.optimal

    @property
    def dual_bound(self) -> float:
        return self.certificate.bound


def integer_objective(problem: PlacementProblem, objective: str) -> bool:
    """Whether every feasible placement has an integer objective value (so a bound within 1 proves it)."""
    if objective == "count":
        return True
    if objective == "value":
        return integral(problem.value)
    if objective == "cost":
        return integral(problem.cost)
    return False


def exact_placement(problem: PlacementProblem, objective: str = "count", *,
                    time_limit: float | None = None, start: np.ndarray | None = None) -> ExactSolution:
    """The optimal placement for ``objective`` (or the best found within ``time_limit`` seconds).

    ``start`` (a valid placement) is handed to HiGHS as its first incumbent;
    the result is never worse than it. Optimality is claimed only at a zero
    gap (see ``mas.mip``).

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
    T = problem.n_tasks
    fits = problem.fits_alone()
    ti, nj = np.nonzero(fits)
    nx_ = ti.size
    must_place = objective not in MAXIMIZE
    if must_place:
        _check_each_task_fits(problem, fits, objective)
    extra = 1 if objective in ("balance", "makespan") else 0
    size = nx_ + extra
    maximize = objective in MAXIMIZE
    integer = integer_objective(problem, objective)
    if size == 0:  # nothing fits anywhere and nothing must be placed: the empty placement is optimal
        return ExactSolution(np.full(T, -1, dtype=np.int64), certify(0.0, 0.0, maximize=maximize, integer=integer))
    x0 = None
    if start is not None:
        start = check_placement(problem, start)
        x0 = _start_vector(problem, objective, start, ti, nj, size)
    A, lo, hi = _stack(_constraints(problem, objective, ti, nj, size))
    integrality = np.concatenate([np.ones(nx_), np.zeros(extra)])
    upper = np.concatenate([np.ones(nx_), np.full(extra, np.inf)])
    sign = -1.0 if maximize else 1.0
    run = run_highs(sign * _objective_vector(problem, objective, ti, nj, size), A, lo, hi, np.zeros(size), upper,
                    integrality, maximize=maximize, start=x0, time_limit=time_limit, integer=integer)
    if run.status == "infeasible":
        raise InfeasibleError("tasks", T, f"cannot all be placed, so objective {objective} has no solution")
    a = None if run.x is None else _read_placement(problem, run.x, ti, nj, must_place)
    if (
        start is not None
        and x0 is not None
        and (
            a is None
            or sign * objective_value(problem, a, objective) > sign * objective_value(problem, start, objective)
        )
    ):
        a = start  # never worse than the start
    if a is None:
        raise InputError("time limit", time_limit, f"HiGHS found no placement in time ({run.status})")
    value = objective_value(problem, a, objective)
    return ExactSolution(a, certify(value, run.bound, maximize=maximize, integer=integer, status=run.status))


def _check_each_task_fits(problem: PlacementProblem, fits: np.ndarray, objective: str) -> None:
    """Every task must be placed: each one needs a node it fits on alone."""
    missing = ~fits.any(axis=1)
    if missing.any():
        name = problem.task_names[int(np.argmax(missing))]
        raise InfeasibleError("task", name, f"fits on no node, so objective {objective} "
                                            "(every task placed) has no solution")


def _objective_vector(problem: PlacementProblem, objective: str, ti: np.ndarray, nj: np.ndarray,
                      size: int) -> np.ndarray:
    """Coefficients per pair variable (and z, the last one, for balance and makespan), to minimise."""
    nx_ = ti.size
    c = np.zeros(size)
    if objective == "count":
        c[:nx_] = -1.0
    elif objective == "value":
        c[:nx_] = -problem.value[ti]
    elif objective == "cost":
        c[:nx_] = problem.cost[ti, nj]
    else:
        c[nx_] = 1.0
    return c


def _constraints(problem: PlacementProblem, objective: str, ti: np.ndarray, nj: np.ndarray,
                 size: int) -> list[_Rows]:
    """Each task on at most (must place: exactly) one node, the capacities, and z's rows."""
    T, N, R = problem.n_tasks, problem.n_nodes, len(problem.kinds)
    nx_ = ti.size
    ax = np.arange(nx_)
    assign = sp.csr_array((np.ones(nx_), (ti, ax)), shape=(T, size))
    cons = [_Rows(assign, 0.0 if objective in MAXIMIZE else 1.0, 1.0)]
    # capacity rows (n, r) for every kind; zero-demand entries drop out of the sparse matrix
    rows = (nj[:, None] * R + np.arange(R)[None, :]).ravel()
    cols = np.repeat(ax, R)
    data = problem.demand[ti].ravel()
    keep = data != 0
    capm = sp.csr_array((data[keep], (rows[keep], cols[keep])), shape=(N * R, size))
    cons.append(_Rows(capm, -np.inf, problem.capacity.ravel()))
    if objective == "balance":
        capflat = problem.capacity.ravel()
        has = capflat > 0
        zcol = sp.csr_array((-capflat[has], (np.flatnonzero(has), np.full(has.sum(), nx_))), shape=(N * R, size))
        cons.append(_Rows((capm + zcol)[has], -np.inf, 0.0))
    elif objective == "makespan":
        busy = sp.csr_array((problem.duration[ti] / problem.speed[nj], (nj, ax)), shape=(N, size))
        zcol = sp.csr_array((-np.ones(N), (np.arange(N), np.full(N, nx_))), shape=(N, size))
        cons.append(_Rows(busy + zcol, -np.inf, 0.0))
    return cons


def _stack(cons: list[_Rows]) -> tuple:
    A = sp.vstack([con.A for con in cons], format="csr")
    lo = np.concatenate([np.broadcast_to(con.lb, (con.A.shape[0],)) for con in cons])
    hi = np.concatenate([np.broadcast_to(con.ub, (con.A.shape[0],)) for con in cons])
    return A, lo, hi


def _start_vector(problem: PlacementProblem, objective: str, start: np.ndarray, ti: np.ndarray, nj: np.ndarray,
                  size: int) -> np.ndarray | None:
    """``start`` as values of the variables; None when it leaves out a task that must be placed."""
    if objective not in MAXIMIZE and not (start >= 0).all():
        return None
    nx_ = ti.size
    x0 = np.zeros(size)
    placed = start[ti] == nj
    x0[:nx_][placed] = 1.0
    if size > nx_:
        x0[nx_] = objective_value(problem, start, objective)
    return x0


def _read_placement(problem: PlacementProblem, x: np.ndarray, ti: np.ndarray, nj: np.ndarray,
                    must_place: bool) -> np.ndarray | None:
    """The placement of HiGHS's values; None when it leaves out a task that must be placed."""
    a = np.full(problem.n_tasks, -1, dtype=np.int64)
    chosen = np.flatnonzero(x[:ti.size] > 0.5)
    a[ti[chosen]] = nj[chosen]
    check_placement(problem, a)  # rounding must never break a capacity
    if must_place and (a < 0).any():
        return None
    return a
