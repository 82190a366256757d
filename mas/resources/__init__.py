"""Multi-resource allocation: static placement, capacitated assignment (GAP), queueing.

Static placement (``PlacementProblem``, ``place``, ``check_placement``), the
generalized assignment problem (``read_gap``, ``solve_gap``), the queueing
formulas (``mm1``, ``mmc``); the dynamic Mesa model lives in
``mas.resources.dynamic``.
"""

from mas.resources.bounds import placement_bound
from mas.resources.exact import InfeasibleError, exact_placement
from mas.resources.gap import GapInstance, GapSolution, read_gap, solve_gap
from mas.resources.placement import CapacityError, PlacementResult, check_placement, objective_value
from mas.resources.problem import OBJECTIVES, Node, PlacementProblem, Task, load_nodes, load_tasks
from mas.resources.queueing import QueueMetrics, UnstableQueueError, mm1, mmc
from mas.resources.solve import ALGORITHMS, place

__all__ = [
    "ALGORITHMS", "OBJECTIVES", "CapacityError", "GapInstance", "GapSolution", "InfeasibleError", "Node",
    "PlacementProblem", "PlacementResult", "QueueMetrics", "Task", "UnstableQueueError", "check_placement",
    "exact_placement", "load_nodes", "load_tasks", "mm1", "mmc", "objective_value", "place",
    "placement_bound", "read_gap", "solve_gap",
]
