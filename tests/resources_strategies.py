"""Hypothesis strategies shared by the resource tests: small random placement problems."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from mas.resources.problem import PlacementProblem


@st.composite
def problems(draw, max_tasks: int = 6, max_nodes: int = 3, max_kinds: int = 3) -> PlacementProblem:
    t = draw(st.integers(1, max_tasks))
    n = draw(st.integers(1, max_nodes))
    k = draw(st.integers(1, max_kinds))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return PlacementProblem(
        task_names=tuple(f"T{i}" for i in range(t)), node_names=tuple(f"N{j}" for j in range(n)),
        kinds=tuple(f"r{r}" for r in range(k)),
        demand=rng.integers(0, 6, size=(t, k)).astype(float),
        capacity=rng.integers(0, 9, size=(n, k)).astype(float),
        priority=rng.integers(0, 3, size=t), value=rng.integers(1, 6, size=t),
        duration=rng.integers(1, 6, size=t), cost=rng.integers(1, 10, size=(t, n)),
        speed=rng.integers(1, 4, size=n),
    )


def brute_force(problem: PlacementProblem, objective: str) -> float:
    """The optimum by trying every placement ((nodes + 1) ^ tasks of them): the exact solver's referee."""
    import itertools

    from mas.resources.placement import CapacityError, check_placement, objective_value
    from mas.resources.problem import MAXIMIZE

    best = None
    for combo in itertools.product(range(-1, problem.n_nodes), repeat=problem.n_tasks):
        a = np.array(combo, dtype=np.int64)
        try:
            check_placement(problem, a)
        except CapacityError:
            continue
        v = objective_value(problem, a, objective)
        if best is None or (v > best if objective in MAXIMIZE else v < best):
            best = v
    return best
