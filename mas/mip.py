"""Integer programs solved by HiGHS, and when their answer may be called optimal.

Every exact method of the project (``mas gap``, ``mas place --algorithm
exact``, the selection MILP, ``optimal_D``) reports ``bound`` and ``gap``
beside ``optimal``, and calls a value optimal only when the proven bound meets
it:

- integer data (every objective coefficient an integer, on integer
  variables): the optimum is an integer, so a bound within 1 of the value
  proves it; the bound is rounded to the next integer (``ceil`` for a
  minimum) and the gap must be exactly 0;
- real data: the gap must be within ``ABS_TOL`` (absolute) or ``REL_TOL``
  (relative to the value), whichever is larger -- the stated tolerance.

HiGHS on its own stops at a relative gap of 1e-4, which accepts values one unit
above the optimum on large instances; ``run_highs`` sets that gap to 0.

The reported ``gap`` is (value - bound) / |bound| for a minimum ((bound - value)
/ |bound| for a maximum), 0 exactly when ``optimal`` is true.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from dataclasses import asdict, dataclass

import numpy as np
import scipy.sparse as sp

#: real data: a gap below max(ABS_TOL, REL_TOL * |value|) counts as zero (ten times HiGHS's
#: feasibility tolerance 1e-6, by which its reported bound can trail a proven optimum)
ABS_TOL = 1e-5
REL_TOL = 1e-7
#: floating-point slack when an integer-data bound is rounded to the next integer
INTEGER_SLACK = 1e-6


def integral(*arrays) -> bool:
    """True when every finite entry of every array is an integer (the data is "integer data")."""
    for arr in arrays:
        a = np.asarray(arr, dtype=float)
        a = a[np.isfinite(a)]
        if a.size and not np.array_equal(a, np.round(a)):
            return False
    return True


def relative_gap(value: float, bound: float, maximize: bool = False) -> float:
    """(value - bound) / |bound| toward the bound's side, never negative; inf for an infinite value.

    Examples
    --------
    >>> relative_gap(105.0, 100.0)
    0.05
    """
    if value is None or not math.isfinite(value):
        return float("inf")
    if not math.isfinite(bound):
        return float("inf")
    diff = max((bound - value) if maximize else (value - bound), 0.0)
    if diff == 0.0:
        return 0.0
    return diff / abs(bound) if bound != 0 else float("inf")


@dataclass(frozen=True)
class Certificate:
    """What an exact method proved: its value, the best bound, the gap, and why it stopped.

    ``status`` is ``"optimal"``, ``"time limit"`` (the search was stopped;
    the value is the best found), ``"gap not closed"`` (the solver stopped at
    a gap above the tolerance), ``"infeasible"`` (proven: no solution) or
    ``"no solution"`` (none found, none proven impossible).
    """

    value: float | None
    bound: float
    gap: float
    optimal: bool
    status: str
    integer: bool

    def to_dict(self) -> dict:
        return asdict(self)


def certify(value: float | None, bound: float, *, maximize: bool = False, integer: bool = False,
            status: str | None = None) -> Certificate:
    """The certificate of ``value`` against the proven ``bound`` (see the module docstring).

    ``status`` says why the search ended; "optimal" from a solver is kept only
    when the gap really is zero.

    Examples
    --------
    >>> c = certify(6353.0, 6352.2, integer=True)     # the optimum is an integer >= 6352.2
    >>> c.bound, c.gap, c.optimal
    (6353.0, 0.0, True)
    >>> certify(6354.0, 6352.2, integer=True, status="optimal").optimal   # HiGHS at its 1e-4 gap
    False
    """
    bound = float(bound)
    if integer and math.isfinite(bound):
        bound = float(math.floor(bound + INTEGER_SLACK) if maximize else math.ceil(bound - INTEGER_SLACK))
    if value is None or not math.isfinite(value):
        st = status if status in ("infeasible", "time limit") else "no solution"
        return Certificate(None, bound, float("inf"), False, st, integer)
    value = float(value)
    if not math.isfinite(bound):  # no bound at all: an unbounded-looking side, nothing proven
        return Certificate(value, bound, float("inf"), False, status or "time limit", integer)
    # a solver's bound may overshoot the value by rounding; the value itself is a valid bound then
    bound = max(bound, value) if maximize else min(bound, value)
    diff = (bound - value) if maximize else (value - bound)
    tol = 0.0 if integer else max(ABS_TOL, REL_TOL * abs(value))
    if diff <= tol:
        return Certificate(value, value, 0.0, True, "optimal", integer)
    # a solver that calls it optimal at a gap above the tolerance stopped at its own, looser gap
    st = status if status not in (None, "optimal") else "gap not closed"
    return Certificate(value, bound, relative_gap(value, bound, maximize), False, st, integer)


# -- HiGHS ------------------------------------------------------------------

@contextlib.contextmanager
def _quiet_stdout():
    """Silence fd 1: highspy prints its licence banner there when the first Highs is built.

    The banner would end up inside the JSON the CLI writes to stdout; the
    output_flag option can only be set after construction.
    """
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout: nothing to protect
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def new_highs():
    """A silent ``highspy.Highs``."""
    import highspy

    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def add_rows(h, A, lower, upper) -> None:
    """Append the rows ``lower <= A x <= upper`` to HiGHS model ``h``."""
    A = sp.csr_array(A)
    A.sort_indices()
    rows = A.shape[0]
    if rows == 0:
        return
    lo = np.broadcast_to(np.asarray(lower, dtype=float), (rows,)).copy()
    hi = np.broadcast_to(np.asarray(upper, dtype=float), (rows,)).copy()
    h.addRows(rows, lo, hi, A.nnz, A.indptr.astype(np.int32), A.indices.astype(np.int32),
              A.data.astype(float))


def set_exact_gaps(h, integer: bool) -> None:
    """Stop HiGHS only at a zero gap (integer data: within 1 of the value, which proves it)."""
    # half the tolerance: the bound HiGHS stops at must pass ``certify``'s test with room to spare
    h.setOptionValue("mip_rel_gap", 0.0 if integer else 0.5 * REL_TOL)
    h.setOptionValue("mip_abs_gap", 1.0 - 10 * INTEGER_SLACK if integer else 0.5 * ABS_TOL)


def set_start(h, x: np.ndarray) -> None:
    """Give HiGHS the full vector ``x`` as a MIP start (an incumbent it keeps unless it finds better)."""
    import highspy

    solution = highspy.HighsSolution()
    solution.col_value = np.asarray(x, dtype=float).tolist()
    solution.value_valid = True
    h.setSolution(solution)


@dataclass
class MipRun:
    """One HiGHS solve: the solution (None if none found), its objective, the proven bound, the status."""

    x: np.ndarray | None
    value: float | None
    bound: float
    status: str
    seconds: float


def run_highs(c, A, row_lower, row_upper, col_lower, col_upper, integrality, *, maximize: bool = False,
              offset: float = 0.0, start=None, time_limit: float | None = None,
              integer: bool = False) -> MipRun:
    """Solve  min (or max) c.x + offset  s.t. row_lower <= A x <= row_upper, bounds, integrality.

    Parameters
    ----------
    integrality : array of 0/1 (1 = integer column)
    start : full column vector of a feasible point, or None (HiGHS ignores an infeasible one);
        callers keep their start themselves, so that they never return anything worse
    integer : whether the optimum is known to be an integer (sets the absolute gap just below 1)

    Returns
    -------
    MipRun
        ``bound`` in the user's sense (a lower bound of a minimum, an upper bound
        of a maximum), ``status`` one of "optimal", "time limit", "infeasible", "no solution".
    """
    import highspy

    begin = time.perf_counter()
    c = np.asarray(c, dtype=float)
    sign = -1.0 if maximize else 1.0
    n = c.size
    h = new_highs()
    set_exact_gaps(h, integer)
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 1e-3))
    h.addVars(n, np.asarray(col_lower, dtype=float), np.asarray(col_upper, dtype=float))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), sign * c)
    add_rows(h, A, row_lower, row_upper)
    ints = np.flatnonzero(np.asarray(integrality) > 0).astype(np.int32)
    if ints.size:
        h.changeColsIntegrality(ints.size, ints, np.full(ints.size, highspy.HighsVarType.kInteger))
    if start is not None:
        set_start(h, start)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    S = highspy.HighsModelStatus
    if status == S.kInfeasible:
        return MipRun(None, None, sign * math.inf, "infeasible", time.perf_counter() - begin)
    x = None
    if info.primal_solution_status == 2:  # 2 = feasible
        x = np.asarray(h.getSolution().col_value)
    value = None if x is None else float(c @ x + offset)
    internal = info.mip_dual_bound if ints.size else info.objective_function_value  # of min sign * c.x
    bound = sign * float(internal) + offset
    if status == S.kOptimal:
        name = "optimal"
    elif status == S.kTimeLimit:
        name = "time limit"
    else:
        name = "no solution" if x is None else "time limit"
    return MipRun(x, value, bound, name, time.perf_counter() - begin)
