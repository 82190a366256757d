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

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from mas.errors import InputError


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


@dataclass
class GapSolution:
    """A solved instance: agent (from 0) per job, the total cost, whether it is proven optimal."""

    instance: str
    objective_value: float | None
    assignment: list[int] | None
    optimal: bool
    seconds: float
    maximize: bool = False
    algorithm: str = "exact"

    def to_dict(self) -> dict:
        return {"instance": self.instance, "objective_value": self.objective_value, "assignment": self.assignment,
                "optimal": self.optimal, "seconds": self.seconds, "maximize": self.maximize,
                "algorithm": self.algorithm}


def gap_exact(inst: GapInstance, *, maximize: bool = False, time_limit: float | None = None):
    """(assignment or None, proven optimal) from HiGHS."""
    m, n = inst.agents, inst.jobs
    size = m * n  # x_ij at i * n + j
    c = (-inst.cost if maximize else inst.cost).ravel()
    ii, jj = np.divmod(np.arange(size), n)
    assign = sp.csr_array((np.ones(size), (jj, np.arange(size))), shape=(n, size))
    cap = sp.csr_array((inst.weight.ravel(), (ii, np.arange(size))), shape=(m, size))
    # a job heavier than an agent's capacity can never go there
    upper = (inst.weight <= inst.capacity[:, None]).astype(float).ravel()
    options = {"disp": False}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    res = milp(c, constraints=[LinearConstraint(assign, 1, 1), LinearConstraint(cap, -np.inf, inst.capacity)],
               integrality=np.ones(size), bounds=Bounds(np.zeros(size), upper), options=options)
    if res.x is None:
        return None, res.status == 2  # status 2: proven infeasible
    x = res.x.reshape(m, n)
    return x.argmax(axis=0).astype(np.int64), res.status == 0


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
    n = inst.jobs
    cost = sign * inst.cost
    free = inst.capacity - np.bincount(a, weights=inst.weight[a, np.arange(n)], minlength=inst.agents)
    improved = True
    while improved:
        improved = False
        for j in range(n):
            cur = a[j]
            fits = inst.weight[:, j] <= free + 1e-9
            fits[cur] = False
            gain = cost[cur, j] - cost[:, j]
            gain[~fits] = -np.inf
            i = int(np.argmax(gain))
            if gain[i] > 1e-9:
                free[cur] += inst.weight[cur, j]
                free[i] -= inst.weight[i, j]
                a[j] = i
                improved = True
    return a


def solve_gap(inst: GapInstance, *, maximize: bool = False, algorithm: str = "exact",
              time_limit: float | None = None) -> GapSolution:
    """Solve a GAP instance with ``algorithm`` ("exact", the default, or "greedy").

    Returns
    -------
    GapSolution
        ``objective_value`` and ``assignment`` are None when no feasible
        assignment was found; ``optimal`` is True only when HiGHS proved it.

    Examples
    --------
    >>> inst = GapInstance("tiny", np.array([[1., 5.], [4., 2.]]), np.ones((2, 2)), np.array([1., 1.]))
    >>> s = solve_gap(inst)
    >>> s.objective_value, s.assignment, s.optimal
    (3.0, [0, 1], True)
    """
    if algorithm not in ("exact", "greedy"):
        raise InputError("algorithm", algorithm, "unknown; choose exact or greedy")
    start = time.perf_counter()
    if algorithm == "exact":
        a, optimal = gap_exact(inst, maximize=maximize, time_limit=time_limit)
    else:
        a, optimal = gap_greedy(inst, maximize=maximize), False
    seconds = time.perf_counter() - start
    if a is None:
        return GapSolution(inst.name, None, None, False, seconds, maximize, algorithm)
    value = inst.check(a)
    return GapSolution(inst.name, value, [int(x) for x in a], bool(optimal), seconds, maximize, algorithm)
