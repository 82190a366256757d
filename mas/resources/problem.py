"""Tasks, nodes and the placement problem: demand and capacity vectors as numpy arrays.

A task needs an amount of each resource kind (any kinds: cpu, gpu, memory, ...);
a node offers a capacity of each. A placement puts each task on at most one
node (or leaves it out) without exceeding any capacity.

Objectives (``OBJECTIVES``): ``count`` -- most tasks placed; ``value`` -- most
task value placed; ``cost`` -- least total cost with every task placed;
``balance`` -- smallest maximum utilization (load / capacity over all nodes and
kinds) with every task placed; ``makespan`` -- every task placed, each node
runs its tasks one after another at its ``speed``, the busiest node's time
(sum of durations / speed) as small as possible.

Files: a task file and a node file are JSON lists of objects, each with a
``name`` and a ``resources`` dict; tasks may add ``priority``, ``value`` and
``duration``, nodes ``cost`` (a number charged per task placed there, or a dict
task name -> cost) and ``speed`` (for the makespan objective).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from mas.errors import InputError

#: objectives that are maximised; the others are minimised
MAXIMIZE = frozenset({"count", "value"})
OBJECTIVES = ("count", "value", "cost", "balance", "makespan")


@dataclass(frozen=True)
class Task:
    """One task: what it needs of each resource kind, and optional priority/value/duration."""

    name: str
    resources: Mapping[str, float]
    priority: float = 0.0
    value: float = 1.0
    duration: float = 1.0


@dataclass(frozen=True)
class Node:
    """One node: its capacity of each resource kind; ``cost`` per task (number or {task: cost})."""

    name: str
    resources: Mapping[str, float]
    cost: float | Mapping[str, float] = 1.0
    speed: float = 1.0


@dataclass
class PlacementProblem:
    """Tasks on nodes, as arrays.

    ``demand`` has shape (tasks, kinds), ``capacity`` (nodes, kinds), ``cost``
    (tasks, nodes); a kind a task or node does not mention counts as 0.

    Examples
    --------
    >>> p = PlacementProblem.from_lists([Task("T1", {"cpu": 2})], [Node("M1", {"cpu": 4})])
    >>> p.kinds, p.demand.tolist(), p.capacity.tolist()
    (('cpu',), [[2.0]], [[4.0]])
    """

    task_names: tuple[str, ...]
    node_names: tuple[str, ...]
    kinds: tuple[str, ...]
    demand: np.ndarray
    capacity: np.ndarray
    priority: np.ndarray = field(default=None)  # type: ignore[assignment]
    value: np.ndarray = field(default=None)  # type: ignore[assignment]
    duration: np.ndarray = field(default=None)  # type: ignore[assignment]
    cost: np.ndarray = field(default=None)  # type: ignore[assignment]
    speed: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.demand = np.asarray(self.demand, dtype=float)
        self.capacity = np.asarray(self.capacity, dtype=float)
        t, n = self.n_tasks, self.n_nodes
        if self.demand.ndim != 2 or self.capacity.ndim != 2 or self.demand.shape[1] != self.capacity.shape[1]:
            raise InputError("demand/capacity shapes", (self.demand.shape, self.capacity.shape),
                             "need (tasks, kinds) and (nodes, kinds) with the same kinds")
        if self.demand.shape[0] != t or self.capacity.shape[0] != n or len(self.kinds) != self.demand.shape[1]:
            raise InputError("names", (t, n, len(self.kinds)), "one name per task, node and resource kind")
        self.priority = _vector(self.priority, t, 0.0, "priority")
        self.value = _vector(self.value, t, 1.0, "value")
        self.duration = _vector(self.duration, t, 1.0, "duration")
        self.speed = _vector(self.speed, n, 1.0, "speed")
        self.cost = np.ones((t, n)) if self.cost is None else np.asarray(self.cost, dtype=float)
        if self.cost.shape != (t, n):
            raise InputError("cost", self.cost.shape, f"must have shape (tasks, nodes) = {(t, n)}")
        for name, arr in (("demand", self.demand), ("capacity", self.capacity)):
            bad = ~np.isfinite(arr) | (arr < 0)
            if bad.any():
                i, r = np.argwhere(bad)[0]
                owner = (self.task_names if name == "demand" else self.node_names)[i]
                raise InputError(f"{name} of {owner}, {self.kinds[r]}", arr[i, r], "must be finite and >= 0")
        if (self.speed <= 0).any():
            j = int(np.argmax(self.speed <= 0))
            raise InputError(f"speed of {self.node_names[j]}", self.speed[j], "must be > 0")
        if (self.duration < 0).any():
            i = int(np.argmax(self.duration < 0))
            raise InputError(f"duration of {self.task_names[i]}", self.duration[i], "must be >= 0")
        for names, what in ((self.task_names, "task"), (self.node_names, "node")):
            if len(set(names)) != len(names):
                dup = next(x for x in names if list(names).count(x) > 1)
                raise InputError(f"{what} name", dup, "appears twice")

    @property
    def n_tasks(self) -> int:
        return len(self.task_names)

    @property
    def n_nodes(self) -> int:
        return len(self.node_names)

    def fits_alone(self) -> np.ndarray:
        """Boolean (tasks, nodes): the task fits on the empty node."""
        return (self.demand[:, None, :] <= self.capacity[None, :, :] + CAPACITY_EPS).all(axis=2)

    @classmethod
    def from_lists(cls, tasks: Sequence[Task], nodes: Sequence[Node]) -> PlacementProblem:
        """Build the arrays from Task and Node objects (resource kinds in order of first mention)."""
        kinds: dict[str, None] = {}
        for item in (*tasks, *nodes):
            for k in item.resources:
                kinds.setdefault(str(k), None)
        kinds_t = tuple(kinds)
        demand = np.array([[float(t.resources.get(k, 0.0)) for k in kinds_t] for t in tasks], dtype=float)
        capacity = np.array([[float(n.resources.get(k, 0.0)) for k in kinds_t] for n in nodes], dtype=float)
        cost = np.empty((len(tasks), len(nodes)))
        for j, node in enumerate(nodes):
            if isinstance(node.cost, Mapping):
                unknown = set(node.cost) - {t.name for t in tasks}
                if unknown:
                    raise InputError(f"cost of {node.name}", sorted(unknown)[0], "names no task")
                cost[:, j] = [float(node.cost.get(t.name, 1.0)) for t in tasks]
            else:
                cost[:, j] = float(node.cost)
        return cls(
            task_names=tuple(t.name for t in tasks), node_names=tuple(n.name for n in nodes), kinds=kinds_t,
            demand=demand.reshape(len(tasks), len(kinds_t)), capacity=capacity.reshape(len(nodes), len(kinds_t)),
            priority=np.array([t.priority for t in tasks], dtype=float),
            value=np.array([t.value for t in tasks], dtype=float),
            duration=np.array([t.duration for t in tasks], dtype=float),
            cost=cost, speed=np.array([n.speed for n in nodes], dtype=float),
        )

    @classmethod
    def from_files(cls, tasks_path: str | os.PathLike, nodes_path: str | os.PathLike) -> PlacementProblem:
        """Read a task file and a node file (JSON lists of {name, resources, ...})."""
        return cls.from_lists(load_tasks(tasks_path), load_nodes(nodes_path))


#: slack when a demand is compared with (free) capacity: both are sums of floats
CAPACITY_EPS = 1e-9


def _vector(values, size: int, default: float, name: str) -> np.ndarray:
    if values is None:
        return np.full(size, default)
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.size != size:
        raise InputError(name, arr.size, f"needs one entry per item ({size})")
    if not np.isfinite(arr).all():
        raise InputError(name, arr[~np.isfinite(arr)][0], "must be finite")
    return arr


def _read_list(path: str | os.PathLike, what: str) -> list[dict]:
    from mas.files import read_json

    data = read_json(path, f"{what} file")
    if isinstance(data, dict) and what in data:  # also accept {"tasks": [...]} / {"nodes": [...]}
        data = data[what]
    if not isinstance(data, list) or not data:
        raise InputError(f"{what} file", str(path), f"must hold a non-empty JSON list of {what}")
    for k, item in enumerate(data):
        if not isinstance(item, dict) or "name" not in item or not isinstance(item.get("resources"), dict):
            raise InputError(f"{path}: {what}[{k}]", item, "needs a name and a resources object")
        if not isinstance(item["name"], str) or not item["name"]:
            raise InputError(f"{path}: {what}[{k}].name", item["name"], "must be a non-empty string")
        known = _FIELDS[what]
        unknown = sorted(set(item) - known)
        if unknown:
            raise InputError(f"{path}: {what}[{k}].{unknown[0]}", item[unknown[0]],
                             f"unknown field (known: {', '.join(sorted(known))})")
    return data


_FIELDS = {"tasks": {"name", "resources", "priority", "value", "duration"},
           "nodes": {"name", "resources", "cost", "speed"}}


def _number(item: dict, key: str, default, what: str):
    from mas.files import finite_number

    return finite_number(item.get(key, default), f"{key} of {what} {item['name']}")


def _resources(item: dict, what: str) -> dict[str, float]:
    from mas.files import finite_number

    out = {}
    for k, v in item["resources"].items():
        value = finite_number(v, f"{k} of {what} {item['name']}")
        if value < 0:
            raise InputError(f"{k} of {what} {item['name']}", v, "must be a number >= 0")
        out[str(k)] = value
    return out


def _check_totals(path, items, what: str, fields) -> None:
    """Totals the algorithms add up (loads, values, costs) must stay finite floats."""
    for name in fields:
        total = sum(abs(getattr(x, name)) for x in items if isinstance(getattr(x, name), float))
        if not math.isfinite(total):
            raise InputError(f"{path}: {name} of the {what}", "sum", "overflows a float (keep totals below 1.8e308)")
    kinds = {k for x in items for k in x.resources}
    for k in kinds:
        if not math.isfinite(sum(x.resources.get(k, 0.0) for x in items)):
            raise InputError(f"{path}: {k} of the {what}", "sum", "overflows a float (keep totals below 1.8e308)")


def load_tasks(path: str | os.PathLike) -> list[Task]:
    """Tasks from a JSON file: ``[{"name": "T1", "resources": {"cpu": 2}, "priority": 1}, ...]``."""
    tasks = [
        Task(str(d["name"]), _resources(d, "task"), _number(d, "priority", 0.0, "task"),
             _number(d, "value", 1.0, "task"), _number(d, "duration", 1.0, "task"))
        for d in _read_list(path, "tasks")
    ]
    _check_totals(path, tasks, "tasks", ("priority", "value", "duration"))
    return tasks


def load_nodes(path: str | os.PathLike) -> list[Node]:
    """Nodes from a JSON file: ``[{"name": "M1", "resources": {"cpu": 4}, "cost": 2}, ...]``."""
    nodes = []
    for d in _read_list(path, "nodes"):
        cost = d.get("cost", 1.0)
        if isinstance(cost, dict):
            from mas.files import finite_number

            cost = {str(k): finite_number(v, f"cost of node {d['name']} for {k}") for k, v in cost.items()}
        else:
            cost = _number(d, "cost", 1.0, "node")
        nodes.append(Node(str(d["name"]), _resources(d, "node"), cost, _number(d, "speed", 1.0, "node")))
    _check_totals(path, nodes, "nodes", ("cost", "speed"))
    return nodes
