"""Multi-resource allocation: static placement, capacitated assignment (GAP), queueing.

Static placement (``PlacementProblem``, ``place``, ``check_placement``), the
generalized assignment problem (``read_gap``, ``solve_gap``), the queueing
formulas (``mm1``, ``mmc``); the dynamic Mesa model lives in
``mas.resources.dynamic``.

Names are imported on first use, so that ``mas --help`` and light commands do
not pay for scipy's solvers.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "placement_bound": "bounds",
    "InfeasibleError": "exact", "exact_placement": "exact",
    "GapInstance": "gap", "GapSolution": "gap", "read_gap": "gap", "solve_gap": "gap",
    "CapacityError": "placement", "PlacementResult": "placement", "check_placement": "placement",
    "objective_value": "placement",
    "OBJECTIVES": "problem", "Node": "problem", "PlacementProblem": "problem", "Task": "problem",
    "load_nodes": "problem", "load_tasks": "problem",
    "QueueMetrics": "queueing", "UnstableQueueError": "queueing", "mm1": "queueing", "mmc": "queueing",
    "ALGORITHMS": "algorithms", "place": "solve",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"mas.resources.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mas.resources' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
