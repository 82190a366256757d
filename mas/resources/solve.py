"""One entry point for every placement algorithm, looked up by name, with its gap reported.

``ALGORITHMS`` (declared in :mod:`mas.resources.algorithms`, registered here) maps
a name to ``func(problem, objective, **options) -> assignment``;
``place`` runs one, times it, and attaches the best bound it can afford: the
exact optimum when the integer program is small enough (``exact_limit`` pairs
of task and node), otherwise the cheap bound of ``bounds.placement_bound``.
"""

from __future__ import annotations

import time

import numpy as np

from mas.mip import certify
from mas.resources.algorithms import ALGORITHMS, DEFAULT_ALGORITHM
from mas.resources.anneal import anneal_placement
from mas.resources.bounds import placement_bound
from mas.resources.exact import InfeasibleError, exact_placement
from mas.resources.genetic import genetic_placement
from mas.resources.greedy import GREEDY_RULES, greedy_placement
from mas.resources.local import placement_start
from mas.resources.placement import PlacementResult, check_objective, check_placement, objective_value
from mas.resources.problem import MAXIMIZE

#: task x node pairs up to which ``place`` also solves the exact program to report the true gap
EXACT_LIMIT = 5_000


#: decorator: make a placement algorithm findable as ``name``
register = ALGORITHMS.register


for _rule in GREEDY_RULES:
    register(_rule, options=())(lambda problem, objective, _r=_rule, **_: greedy_placement(problem, _r))

#: what the anytime searches take (``place`` passes them to every algorithm; the others ignore them)
_SEARCH_OPTIONS = ("seed", "time_limit", "iterations")


@register("anneal", options=_SEARCH_OPTIONS)
def _anneal(problem, objective, *, seed=None, time_limit=None, iterations=None, **_):
    return anneal_placement(problem, objective, seed=seed, time_limit=time_limit,
                            iterations=20_000 if iterations is None else iterations)


@register("genetic", options=_SEARCH_OPTIONS)
def _genetic(problem, objective, *, seed=None, time_limit=None, iterations=None, **_):
    return genetic_placement(problem, objective, seed=seed, time_limit=time_limit,
                             generations=100 if iterations is None else iterations)


@register("exact", options=("time_limit",))
def _exact(problem, objective, *, time_limit=None, **_):
    return exact_placement(problem, objective, time_limit=time_limit,
                           start=placement_start(problem, objective, time_limit=_start_budget(time_limit))).assignment


def _start_budget(time_limit: float | None) -> float:
    """Seconds of local search for the exact program's start: a tenth of the limit, at most one second."""
    return 1.0 if time_limit is None else min(1.0, 0.1 * time_limit)


def place(problem, objective: str = "count", algorithm: str = DEFAULT_ALGORITHM, *,
          seed: int | np.random.Generator | None = None, time_limit: float | None = None,
          iterations: int | None = None, exact_limit: int = EXACT_LIMIT) -> PlacementResult:
    """Place ``problem``'s tasks with ``algorithm`` for ``objective``; report value, bound and gap.

    Parameters
    ----------
    problem : PlacementProblem
    objective : {"count", "value", "cost", "balance", "makespan"}
    algorithm : str
        A name in ``ALGORITHMS`` (default ``"ffd"``).
    seed, time_limit, iterations
        Budget and randomness of the anytime heuristics (and HiGHS' time limit).
    exact_limit : int
        Solve the exact program for the gap only up to this many task x node pairs.

    Returns
    -------
    PlacementResult

    Raises
    ------
    InputError
        Unknown algorithm or objective; ``InfeasibleError`` when the exact solver
        proves that cost/balance/makespan cannot place every task.

    Examples
    --------
    >>> from mas.resources.problem import PlacementProblem, Task, Node
    >>> p = PlacementProblem.from_lists([Task("a", {"cpu": 2}), Task("b", {"cpu": 3})], [Node("x", {"cpu": 4})])
    >>> r = place(p, "count", "ffd")
    >>> r.value, r.bound, r.gap
    (1.0, 1.0, 0.0)
    """
    check_objective(objective)
    func = ALGORITHMS.get(algorithm)
    start = time.perf_counter()
    if algorithm == "exact":
        begin = time.perf_counter()
        start_a = placement_start(problem, objective, time_limit=_start_budget(time_limit))
        left = None if time_limit is None else max(time_limit - (time.perf_counter() - begin), 1e-3)
        sol = exact_placement(problem, objective, time_limit=left, start=start_a)
        a, optimal = sol.assignment, sol.optimal
    else:
        a, optimal = func(problem, objective, seed=seed, time_limit=time_limit, iterations=iterations), False
    seconds = time.perf_counter() - start
    a = check_placement(problem, a)
    result = PlacementResult(problem, a, objective, algorithm, objective_value(problem, a, objective), seconds,
                             optimal=optimal)
    if algorithm == "exact":
        result.status = sol.certificate.status
        return result.with_bound(sol.certificate.bound, is_optimum=optimal)
    result.status = "heuristic"
    if problem.n_tasks * problem.n_nodes <= exact_limit:
        try:
            sol = exact_placement(problem, objective, time_limit=10.0, start=a)
        except InfeasibleError:
            sol = None
        if sol is not None and sol.optimal:
            # the heuristic's value is optimal only if it meets the proven optimum at zero gap too
            cert = certify(result.value, sol.certificate.bound, maximize=objective in MAXIMIZE,
                           integer=sol.certificate.integer)
            result.optimal = cert.optimal
            return result.with_bound(sol.certificate.bound, is_optimum=True)
    return result.with_bound(placement_bound(problem, objective))
