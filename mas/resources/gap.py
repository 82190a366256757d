"""The generalized assignment problem (GAP): read OR-Library files, solve exactly or greedily.

Each of m agents has a capacity b_i; job j costs c_ij and uses w_ij of agent
i's capacity. Every job goes to exactly one agent, no agent over capacity;
minimise (or maximise) the total cost. It is the placement problem with one
resource whose use depends on the node.

Two file layouts are read (whitespace-separated integers):

- one instance per file: ``m n``, the m x n costs, the m x n resource uses, the m capacities;
- OR-Library's ``gapN.txt``: the number of instances first, then that many instances.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from mas.errors import InputError
from mas.resources.algorithms import GAP_ALGORITHMS, GAP_SEARCHES


@dataclass
class GapInstance:
    """``cost`` and ``weight`` have shape (agents, jobs); ``capacity`` (agents,)."""

    name: str
    cost: np.ndarray
    weight: np.ndarray
    capacity: np.ndarray

    @property
    def agents(self) -> int:
        return self.cost.shape[0]

    @property
    def jobs(self) -> int:
        return self.cost.shape[1]

    def check(self, assignment) -> float:
        """The total cost of ``assignment`` (agent per job) after checking it is complete and feasible."""
        a = np.asarray(assignment, dtype=np.int64)
        if a.shape != (self.jobs,) or ((a < 0) | (a >= self.agents)).any():
            raise InputError("assignment", assignment, f"needs one agent in 0..{self.agents - 1} per job")
        used = np.bincount(a, weights=self.weight[a, np.arange(self.jobs)], minlength=self.agents)
        over = used > self.capacity + 1e-9
        if over.any():
            i = int(np.argmax(over))
            raise InputError(f"load of agent {i}", float(used[i]), f"exceeds its capacity {self.capacity[i]:g}")
        return float(self.cost[a, np.arange(self.jobs)].sum())


#: the largest number a GAP file may hold: integers up to it are exact in a float, and so are sums
#: of up to a million of them
MAX_VALUE = 10**9


def _parse_one(tokens: list[int], pos: int, name: str, source: str) -> tuple[GapInstance, int]:
    if pos + 2 > len(tokens):
        raise InputError("GAP file", source, f"ends at number {pos + 1}, where 'agents jobs' should follow")
    m, n = tokens[pos], tokens[pos + 1]
    if m <= 0 or n <= 0:
        raise InputError(f"agents/jobs in {source}", (m, n), "must be positive")
    need = 2 + 2 * m * n + m
    if pos + need > len(tokens):
        raise InputError("GAP file", source, f"has {len(tokens) - pos} numbers for instance {name}, "
                                             f"needs {need} for {m} agents x {n} jobs")
    body = np.array(tokens[pos + 2: pos + need], dtype=float)
    cost = body[: m * n].reshape(m, n)
    weight = body[m * n: 2 * m * n].reshape(m, n)
    capacity = body[2 * m * n:]
    if (weight < 0).any() or (capacity < 0).any():
        raise InputError(f"resource use or capacity in {source}", name, "must be >= 0")
    return GapInstance(name, cost, weight, capacity), pos + need


def read_gap(path: str | os.PathLike) -> list[GapInstance]:
    """The instances in an OR-Library GAP file, in either layout.

    Instances of a one-instance file are named after the file; those of a
    ``gapN.txt`` file ``gapN-1``, ``gapN-2``, ...

    Raises
    ------
    InputError
        A token that is not an integer, or a count that does not match the numbers present.
    """
    from mas.files import read_text

    p = Path(path)
    text = read_text(p, "GAP file", factor=20)  # a 3-character number becomes a 28-byte int and a list slot
    tokens: list[int] = []
    for k, tok in enumerate(text.split()):
        if len(tok) > 20:
            raise InputError(f"number {k + 1} of {p.name}", tok, f"is too large (at most {MAX_VALUE:.0e})")
        try:
            tokens.append(int(tok))
        except ValueError:
            try:
                value = float(tok)
            except ValueError:
                value = None
            if value is None or not value.is_integer():
                raise InputError(f"number {k + 1} of {p.name}", tok, "is not an integer") from None
            tokens.append(int(value))
        if abs(tokens[-1]) > MAX_VALUE:
            raise InputError(f"number {k + 1} of {p.name}", tok, f"is too large (at most {MAX_VALUE:.0e})")
    if len(tokens) < 2:
        raise InputError("GAP file", str(path), "holds fewer than two numbers")
    m, n = tokens[0], tokens[1]
    if m > 0 and n > 0 and len(tokens) == 2 + 2 * m * n + m:
        return [_parse_one(tokens, 0, p.stem, str(path))[0]]
    try:
        return _parse_many(tokens, p)
    except InputError as exc:
        if m > 0 and n > 0:  # could have meant one instance: say what that layout needed too
            raise InputError("GAP file", str(path), f"has {len(tokens)} numbers; as one instance of {m} agents x "
                                                    f"{n} jobs it needs {2 + 2 * m * n + m}, and as a "
                                                    f"multi-instance file: {exc.problem}") from None
        raise


def _parse_many(tokens: list[int], p: Path) -> list[GapInstance]:
    count = tokens[0]
    if count <= 0:
        raise InputError(f"instance count of {p.name}", count, "must be positive")
    out, pos = [], 1
    for k in range(count):
        inst, pos = _parse_one(tokens, pos, f"{p.stem}-{k + 1}", str(p))
        out.append(inst)
    if pos != len(tokens):
        raise InputError("GAP file", str(p), f"has {len(tokens) - pos} numbers left after {count} instances")
    return out


#: the search phase of ``solve_gap`` ends after this many steps per job without a better assignment
_TABU_PATIENCE = 50
_CHAIN_PATIENCE = 200


@GAP_SEARCHES.register("chain")
def _search_chain(inst, a, *, maximize, time_limit, seed, bound):
    from mas.resources.gap_chain import gap_chain

    return gap_chain(inst, a, maximize=maximize, time_limit=time_limit, seed=seed, bound=bound,
                     patience=_CHAIN_PATIENCE * inst.jobs)


@GAP_SEARCHES.register("shift-swap")
def _search_shift_swap(inst, a, *, maximize, time_limit, seed, bound):
    from mas.resources.gap_tabu import gap_tabu

    return gap_tabu(inst, a, maximize=maximize, time_limit=time_limit, seed=seed, bound=bound,
                    patience=_TABU_PATIENCE * inst.jobs)


@dataclass
class GapSolution:
    """A solved instance: agent (from 0) per job, the total cost, and what is proven about it.

    ``bound`` is the best bound proven (a lower bound of a minimum, an upper
    bound of a maximum; the value itself when optimal), ``gap`` the relative
    gap between them (0 exactly when ``optimal``), ``status`` one of
    "optimal", "time limit", "infeasible", "no solution" ("heuristic" for greedy).
    """

    instance: str
    objective_value: float | None
    assignment: list[int] | None
    optimal: bool
    seconds: float
    maximize: bool = False
    algorithm: str = "exact"
    bound: float | None = None
    gap: float | None = None
    status: str = "optimal"
    start_value: float | None = None

    def to_dict(self) -> dict:
        return {"instance": self.instance, "objective_value": self.objective_value, "assignment": self.assignment,
                "optimal": self.optimal, "bound": _json_number(self.bound), "gap": _json_number(self.gap),
                "status": self.status, "start_value": self.start_value, "seconds": self.seconds,
                "maximize": self.maximize, "algorithm": self.algorithm}


def _json_number(x):
    """inf/nan are not JSON: say null; integral floats print as ints."""
    if x is None or not math.isfinite(x):
        return None
    return int(x) if float(x).is_integer() else float(x)


def _program(inst: GapInstance):
    """x_ij at i * n + j: cost vector, constraint matrix (jobs, then agents), row and column bounds."""
    m, n = inst.agents, inst.jobs
    size = m * n
    ii, jj = np.divmod(np.arange(size), n)
    rows = sp.vstack([sp.csr_array((np.ones(size), (jj, np.arange(size))), shape=(n, size)),
                      sp.csr_array((inst.weight.ravel(), (ii, np.arange(size))), shape=(m, size))], format="csr")
    lo = np.concatenate([np.ones(n), np.full(m, -np.inf)])
    hi = np.concatenate([np.ones(n), inst.capacity.astype(float)])
    # a job heavier than an agent's capacity can never go there
    upper = (inst.weight <= inst.capacity[:, None]).astype(float).ravel()
    return inst.cost.ravel().astype(float), rows, lo, hi, upper


def _as_x(inst: GapInstance, a: np.ndarray) -> np.ndarray:
    x = np.zeros((inst.agents, inst.jobs))
    x[a, np.arange(inst.jobs)] = 1.0
    return x.ravel()


def gap_exact(inst: GapInstance, *, maximize: bool = False, time_limit: float | None = None,
              start: np.ndarray | None = None):
    """(assignment or None, ``mas.mip.MipRun``) from HiGHS at zero gap, started from ``start`` if given."""
    from mas.mip import integral, run_highs

    c, rows, lo, hi, upper = _program(inst)
    run = run_highs(c, rows, lo, hi, np.zeros(c.size), upper, np.ones(c.size), maximize=maximize,
                    start=None if start is None else _as_x(inst, start), time_limit=time_limit,
                    integer=integral(inst.cost))
    if run.x is None:
        return None, run
    a = run.x.reshape(inst.agents, inst.jobs).argmax(axis=0).astype(np.int64)
    return a, run


def gap_greedy(inst: GapInstance, *, maximize: bool = False) -> np.ndarray | None:
    """Regret greedy (Martello and Toth), then shift moves that improve; None if it finds no feasible assignment.

    Jobs are assigned one at a time: the job whose best agent beats its second
    best by the most goes first, to its best agent. Tried with the cost as the
    desirability, then with the relative resource use (which finds feasible
    assignments on tight instances).
    """
    sign = -1.0 if maximize else 1.0
    for desir in (sign * inst.cost, inst.weight / np.maximum(inst.capacity[:, None], 1e-12)):
        a = _regret(inst, desir)
        if a is not None:
            return _improve(inst, a, sign)
    return None


def _regret(inst: GapInstance, desir: np.ndarray) -> np.ndarray | None:
    m, n = inst.agents, inst.jobs
    free = inst.capacity.astype(float).copy()
    a = np.full(n, -1, dtype=np.int64)
    open_ = np.ones(n, dtype=bool)
    for _ in range(n):
        fits = inst.weight <= free[:, None] + 1e-9
        d = np.where(fits, desir, np.inf)[:, open_]
        if m >= 2:
            two = np.partition(d, 1, axis=0)[:2]
            best, second = two[0], two[1]
        else:
            best, second = d[0], np.full(d.shape[1], np.inf)
        if not np.isfinite(best).all():
            return None  # an open job fits nowhere any more
        regret = np.where(np.isfinite(second), second - best, np.inf)
        k = int(np.argmax(regret))
        j = int(np.flatnonzero(open_)[k])
        i = int(np.argmin(d[:, k]))
        a[j] = i
        free[i] -= inst.weight[i, j]
        open_[j] = False
    return a


def _improve(inst: GapInstance, a: np.ndarray, sign: float) -> np.ndarray:
    """Local search to a local optimum of shifts (one job to another agent) and swaps (two jobs trade agents)."""
    n = inst.jobs
    jobs = np.arange(n)
    cost, w = sign * inst.cost, inst.weight
    free = inst.capacity - np.bincount(a, weights=w[a, jobs], minlength=inst.agents)
    improved = True
    while improved:
        improved = False
        for j in range(n):
            cur = a[j]
            fits = w[:, j] <= free + 1e-9
            fits[cur] = False
            gain = cost[cur, j] - cost[:, j]
            gain[~fits] = -np.inf
            i = int(np.argmax(gain))
            if gain[i] > 1e-9:
                free[cur] += w[cur, j]
                free[i] -= w[i, j]
                a[j] = i
                improved = True
        for j in range(n):
            i = a[j]
            # j goes to k's agent a[k], k comes to i; both agents must keep within capacity
            gain = cost[i, j] + cost[a, jobs] - cost[a, j] - cost[i, jobs]
            ok = (a != i) & (w[i, jobs] - w[i, j] <= free[i] + 1e-9) & (w[a, j] - w[a, jobs] <= free[a] + 1e-9)
            gain[~ok] = -np.inf
            k = int(np.argmax(gain))
            if gain[k] > 1e-9:
                ik = a[k]
                free[i] += w[i, j] - w[i, k]
                free[ik] += w[ik, k] - w[ik, j]
                a[j], a[k] = ik, i
                improved = True
    return a


def _check_solve_options(algorithm: str, search: str, time_limit: float | None):
    """The search function for ``search``, once the options are known to be valid."""
    if algorithm not in GAP_ALGORITHMS:
        raise InputError("algorithm", algorithm, f"unknown; choose {' or '.join(GAP_ALGORITHMS)}")
    run_search = GAP_SEARCHES.get(search)
    if time_limit is not None and not time_limit > 0:
        raise InputError("time limit", time_limit, "must be > 0 seconds")
    return run_search


def _heuristic_solution(inst: GapInstance, start, start_value, seconds: float, maximize: bool) -> GapSolution:
    if start is None:
        return GapSolution(inst.name, None, None, False, seconds, maximize, "greedy", None, None, "no solution")
    return GapSolution(inst.name, start_value, [int(x) for x in start], False, seconds, maximize, "greedy",
                       None, None, "heuristic", start_value)


def _tighter(bound: float, other: float, maximize: bool) -> float:
    """The tighter of two proven bounds: the lower of two upper bounds of a maximum, else the higher."""
    return min(bound, other) if maximize else max(bound, other)


def solve_gap(inst: GapInstance, *, maximize: bool = False, algorithm: str = "exact",
              time_limit: float | None = None, seed: int | np.random.Generator | None = 0,
              search: str = "chain") -> GapSolution:
    """Solve a GAP instance with ``algorithm`` ("exact", the default, or "greedy").

    The exact method starts HiGHS from the greedy assignment improved by shifts
    and swaps, and never returns anything worse than that start. With a
    ``time_limit`` it first gives HiGHS a tenth of the time (easy instances are
    proven there). Then, when resource uses and capacities are integers, price
    and dive (``mas.resources.gap_dive``: column generation on the
    set-partitioning model, randomised LP dives) for up to 40%, which also
    gives the Lagrangian bound; then the ``search`` for up to 20% (50% without
    the dives; less when it stops finding better assignments): "chain", the
    ejection-chain tabu search of ``mas.resources.gap_chain``, or "shift-swap",
    the tabu search of ``mas.resources.gap_tabu``; then a large-neighbourhood
    search (``mas.resources.gap_lns``) for up to 20%, then hands the best
    assignment found to HiGHS for the rest, which improves it further, raises
    the bound and may prove it optimal.

    Parameters
    ----------
    inst : GapInstance
    maximize : maximise the total instead of minimising it
    algorithm : "exact" or "greedy"
    time_limit : seconds for the whole exact solve (None: HiGHS until proven, no search phases)
    seed : int or numpy Generator for the tie-breaking of the search phases
    search : the search phase, "chain" (default) or "shift-swap" (``GAP_SEARCHES``)

    Returns
    -------
    GapSolution
        ``objective_value`` and ``assignment`` are None when no feasible
        assignment was found; ``optimal`` is True only when the proven bound
        meets the value (integer costs: within 1, so the gap is 0); ``bound``,
        ``gap`` and ``status`` say what was proven.

    Raises
    ------
    InputError
        An unknown ``algorithm`` or ``search``, or a ``time_limit`` that is not positive.

    Examples
    --------
    >>> inst = GapInstance("tiny", np.array([[1., 5.], [4., 2.]]), np.ones((2, 2)), np.array([1., 1.]))
    >>> s = solve_gap(inst)
    >>> s.objective_value, s.assignment, s.optimal, s.bound, s.gap
    (3.0, [0, 1], True, 3.0, 0.0)
    """
    from mas.mip import certify, integral

    run_search = _check_solve_options(algorithm, search, time_limit)
    begin = time.perf_counter()
    sign = -1.0 if maximize else 1.0
    start = gap_greedy(inst, maximize=maximize)
    start_value = None if start is None else inst.check(start)
    if algorithm == "greedy":
        return _heuristic_solution(inst, start, start_value, time.perf_counter() - begin, maximize)
    best, best_value = start, start_value
    bound = -sign * math.inf

    def left() -> float | None:
        return None if time_limit is None else max(time_limit - (time.perf_counter() - begin), 1e-3)

    def take(a, run) -> None:
        nonlocal best, best_value, bound
        if run.status == "infeasible":
            return
        bound = _tighter(bound, run.bound, maximize)
        if a is not None:
            v = inst.check(a)
            if best_value is None or sign * v < sign * best_value:
                best, best_value = a, v

    integer = integral(inst.cost)
    first = left() if time_limit is None else 0.1 * time_limit
    a, run = gap_exact(inst, maximize=maximize, time_limit=first, start=best)
    if run.status == "infeasible" and best is None:
        return GapSolution(inst.name, None, None, False, time.perf_counter() - begin, maximize, algorithm,
                           None, None, "infeasible")
    take(a, run)
    status = run.status
    if time_limit is not None and not certify(best_value, bound, maximize=maximize, integer=integer).optimal \
            and best is not None:
        from mas.resources.gap_dive import divable, gap_dive
        from mas.resources.gap_lns import gap_lns

        proven = certify(best_value, bound, maximize=maximize, integer=integer).bound
        share = 0.5
        if divable(inst):
            dive = gap_dive(inst, best, maximize=maximize, time_limit=0.4 * time_limit, seed=seed,
                            bound=proven if integer else None)
            best, best_value, share = dive.assignment, inst.check(dive.assignment), 0.2
            bound = _tighter(bound, dive.bound, maximize)
            proven = certify(best_value, bound, maximize=maximize, integer=integer).bound
        best = run_search(inst, best, maximize=maximize, time_limit=min(share * time_limit, left()), seed=seed,
                          bound=proven if integer else None)
        best = gap_lns(inst, best, maximize=maximize, time_limit=min(0.2 * time_limit, 0.5 * left()), seed=seed,
                       bound=proven if integer else None)
        best_value = inst.check(best)
        if not certify(best_value, bound, maximize=maximize, integer=integer).optimal:
            a, run = gap_exact(inst, maximize=maximize, time_limit=left(), start=best)
            take(a, run)
            status = run.status
    seconds = time.perf_counter() - begin
    cert = certify(best_value, bound, maximize=maximize, integer=integer, status=status)
    if best is None:
        return GapSolution(inst.name, None, None, False, seconds, maximize, algorithm, None, None, cert.status)
    return GapSolution(inst.name, best_value, [int(x) for x in best], cert.optimal, seconds, maximize, algorithm,
                       cert.bound, cert.gap, cert.status, start_value)
