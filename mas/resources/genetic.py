"""A genetic algorithm for placement: an anytime heuristic with a generation and a time budget.

A chromosome holds one gene per task: a preferred node, or "leave out" (which
the objectives that need every task placed penalise). Decoding places the tasks largest first on the
preferred node if it still fits, else on the first node that does, so every
chromosome decodes to a valid placement. Tournament selection, uniform
crossover, per-gene mutation, and the best individuals kept (elitism).
"""

from __future__ import annotations

import time

import numpy as np

from mas.errors import InputError
from mas.resources.greedy import GREEDY_RULES, greedy_placement, task_sizes
from mas.resources.placement import check_objective, check_placement
from mas.resources.problem import CAPACITY_EPS, PlacementProblem
from mas.resources.scoring import energy


def _decode(problem: PlacementProblem, genes: np.ndarray, order: np.ndarray) -> np.ndarray:
    N = problem.n_nodes
    free = problem.capacity.copy()
    a = np.full(problem.n_tasks, -1, dtype=np.int64)
    demand = problem.demand
    for t in order:
        g = genes[t]
        if g >= N:  # gene says leave it out
            continue
        d = demand[t]
        if (free[g] >= d - CAPACITY_EPS).all():
            j = g
        else:
            ok = (free >= d - CAPACITY_EPS).all(axis=1)
            j = int(ok.argmax())
            if not ok[j]:
                continue
        a[t] = j
        free[j] -= d
    return a


def genetic_placement(problem: PlacementProblem, objective: str = "count", *, generations: int = 100,
                      population: int = 40, mutation: float | None = None, time_limit: float | None = None,
                      seed: int | np.random.Generator | None = None) -> np.ndarray:
    """Best placement the genetic algorithm finds within the budget.

    Parameters
    ----------
    problem, objective
        What to place and what to optimise.
    generations, population : int
        Budget and population size (defaults 100 and 40).
    mutation : float, optional
        Per-gene mutation probability (default 1 / tasks).
    time_limit : float, optional
        Stop after this many seconds.
    seed : int or numpy.random.Generator
        Same seed, same result.

    Returns
    -------
    numpy.ndarray
        Node index per task (-1 left out); valid, and never worse than the greedy
        placements that seed the first population.

    Examples
    --------
    >>> from mas.resources.problem import Task, Node
    >>> p = PlacementProblem.from_lists([Task("a", {"cpu": 3}), Task("b", {"cpu": 2}), Task("c", {"cpu": 2})],
    ...                                 [Node("x", {"cpu": 4})])
    >>> int((genetic_placement(p, "count", generations=10, seed=0) >= 0).sum())
    2
    """
    check_objective(objective)
    if population < 2:
        raise InputError("population", population, "must be >= 2")
    if generations < 0:
        raise InputError("generations", generations, "must be >= 0")
    rng = np.random.default_rng(seed)
    T, N = problem.n_tasks, problem.n_nodes
    if T == 0 or N == 0:
        return np.full(T, -1, dtype=np.int64)
    genes_hi = N + 1  # gene N = leave out (penalised by the min objectives, but lets greedy seeds decode exactly)
    mut = (1.0 / T) if mutation is None else float(mutation)
    order = np.argsort(-task_sizes(problem), kind="stable")
    pop = rng.integers(0, genes_hi, size=(population, T))
    for k, rule in enumerate(GREEDY_RULES[: population // 2]):
        g = greedy_placement(problem, rule)
        pop[k] = np.where(g >= 0, g, N)  # decodes back to exactly this greedy placement
    decoded = [_decode(problem, ind, order) for ind in pop]
    fit = np.array([energy(problem, a, objective) for a in decoded])
    deadline = None if time_limit is None else time.monotonic() + time_limit
    elite = max(1, population // 10)
    for _ in range(generations):
        if deadline is not None and time.monotonic() > deadline:
            break
        ranked = np.argsort(fit, kind="stable")
        children = [pop[i].copy() for i in ranked[:elite]]
        kids_a = [decoded[i] for i in ranked[:elite]]
        kids_f = [fit[i] for i in ranked[:elite]]
        while len(children) < population:
            p1, p2 = (min(rng.integers(0, population, size=2), key=lambda i: fit[i]) for _ in range(2))
            mask = rng.random(T) < 0.5
            child = np.where(mask, pop[p1], pop[p2])
            flip = rng.random(T) < mut
            if flip.any():
                child[flip] = rng.integers(0, genes_hi, size=int(flip.sum()))
            a = _decode(problem, child, order)
            children.append(child)
            kids_a.append(a)
            kids_f.append(energy(problem, a, objective))
        pop, decoded, fit = np.array(children), kids_a, np.array(kids_f)
    return check_placement(problem, decoded[int(np.argmin(fit))])
