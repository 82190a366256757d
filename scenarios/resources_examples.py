"""The resource-allocation examples of seed 001, and what every algorithm makes of them.

Three tasks on two models (all capacities given by the seed) and five tasks on
three models (the seed gives no capacities for the five-task example; we use
M1 and M2 of the three-task example and a third model M3 = 3/2/6, the smallest
one the seed's genetic result can put T3 on alone). The seed's claimed
placements are kept as data and run through the checker, which rejects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mas.resources import ALGORITHMS, CapacityError, InfeasibleError, PlacementProblem, check_placement, place


def demo_algorithms() -> list[str]:
    """Every registered algorithm in the order the demo shows them: the exact optimum first, as the reference.

    >>> demo_algorithms()[:3]
    ['exact', 'priority', 'ffd']
    """
    return ["exact", *(name for name in ALGORITHMS.names() if name != "exact")]


def data_path(name: str) -> Path:
    """Path of a file in ``scenarios/data/`` (installed with the package)."""
    return Path(str(resources.files("scenarios").joinpath("data", name)))


@dataclass(frozen=True)
class SeedExample:
    name: str
    description: str
    tasks_file: str
    nodes_file: str
    claims: dict[str, dict[str, str | None]]  # what the seed says -> its placement

    def problem(self) -> PlacementProblem:
        return PlacementProblem.from_files(data_path(self.tasks_file), data_path(self.nodes_file))


EXAMPLES = (
    SeedExample(
        "three-tasks", "seed 001: T1 2/1/4, T2 1/1/2, T3 3/2/6 (cpu/gpu/memory) on M1 4/2/8 and M2 3/1/6",
        "resources/seed001_three_tasks.json", "resources/seed001_two_models.json",
        {"seed's 'optimal' genetic result": {"T1": "M1", "T2": "M2", "T3": "M1"}},
    ),
    SeedExample(
        "five-tasks", "seed 001: five tasks on M1 4/2/8, M2 3/1/6 and M3 3/2/6 (M3 assumed: the seed gives none)",
        "resources/seed001_five_tasks.json", "resources/seed001_three_models.json",
        {"seed's greedy result": {"T3": "M1", "T1": "M2", "T5": "M2", "T2": "M3", "T4": "M3"},
         "seed's genetic result": {"T1": "M1", "T2": "M2", "T3": "M3", "T4": "M1", "T5": "M2"}},
    ),
)


def check_claim(problem: PlacementProblem, placement: dict) -> str | None:
    """None if the placement is valid, else the checker's message."""
    try:
        check_placement(problem, placement)
    except CapacityError as exc:
        return str(exc)
    return None


def run_demo(objective: str = "count", *, seed: int = 0, algorithms=None) -> list[dict]:
    """Every example solved by every algorithm (default :func:`demo_algorithms`), and the seed's claims checked."""
    algorithms = demo_algorithms() if algorithms is None else algorithms
    out = []
    for ex in EXAMPLES:
        problem = ex.problem()
        results = []
        for name in algorithms:
            if name not in ALGORITHMS:
                continue
            try:
                results.append(place(problem, objective, name, seed=seed).to_dict())
            except InfeasibleError as exc:  # cost/balance/makespan need every task placed
                results.append({"algorithm": name, "objective": objective, "placement": None, "error": str(exc)})
        claims = [{"claim": label, "placement": plc, "valid": (err := check_claim(problem, plc)) is None,
                   "error": err} for label, plc in ex.claims.items()]
        out.append({"example": ex.name, "description": ex.description, "objective": objective,
                    "tasks": list(problem.task_names), "results": results, "seed_claims": claims})
    return out
