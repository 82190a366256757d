"""Tasks, nodes and their files: arrays built right, bad input named."""

import json

import numpy as np
import pytest

from mas.errors import InputError
from mas.resources.problem import Node, PlacementProblem, Task, load_nodes, load_tasks
from scenarios.resources_examples import data_path


def test_seed_three_task_files_load_as_the_seed_states():
    p = PlacementProblem.from_files(data_path("resources/seed001_three_tasks.json"),
                                    data_path("resources/seed001_two_models.json"))
    assert p.kinds == ("cpu", "gpu", "memory")
    assert p.demand.tolist() == [[2, 1, 4], [1, 1, 2], [3, 2, 6]]
    assert p.capacity.tolist() == [[4, 2, 8], [3, 1, 6]]
    assert p.priority.tolist() == [3, 2, 1]


def test_missing_kinds_count_zero_and_costs_per_task():
    p = PlacementProblem.from_lists(
        [Task("a", {"cpu": 1}), Task("b", {"gpu": 2})],
        [Node("x", {"cpu": 2}, cost={"b": 5}), Node("y", {"gpu": 2}, cost=3)])
    assert p.demand.tolist() == [[1, 0], [0, 2]]
    assert p.capacity.tolist() == [[2, 0], [0, 2]]
    assert p.cost.tolist() == [[1, 3], [5, 3]]
    assert p.fits_alone().tolist() == [[True, False], [False, True]]


def _write(tmp_path, name, obj):
    path = tmp_path / name
    path.write_text(json.dumps(obj) if not isinstance(obj, str) else obj)
    return path


@pytest.mark.parametrize("content, field", [
    ("[{\"name\": \"a\"}]", "tasks[0]"),
    ("[]", "tasks file"),
    ("{not json", "tasks file"),
    ([{"name": "a", "resources": {"cpu": -1}}], "cpu of task a"),
    ([{"name": "a", "resources": {"cpu": "x"}}], "cpu of task a"),
    ([{"name": "a", "resources": {"cpu": 1}, "priority": "high"}], "priority of task a"),
])
def test_bad_task_files_name_the_field(tmp_path, content, field):
    path = _write(tmp_path, "t.json", content)
    with pytest.raises(InputError) as err:
        load_tasks(path)
    assert field in err.value.field  # the file's name is in the field too


def test_bad_node_cost_is_named(tmp_path):
    path = _write(tmp_path, "n.json", [{"name": "M1", "resources": {"cpu": 1}, "cost": {"T1": "cheap"}}])
    with pytest.raises(InputError, match="cost of node M1 for T1"):
        load_nodes(path)


def test_duplicate_names_and_unknown_cost_task_rejected():
    with pytest.raises(InputError, match="appears twice"):
        PlacementProblem.from_lists([Task("a", {"cpu": 1}), Task("a", {"cpu": 1})], [Node("x", {"cpu": 1})])
    with pytest.raises(InputError, match="names no task"):
        PlacementProblem.from_lists([Task("a", {"cpu": 1})], [Node("x", {"cpu": 1}, cost={"zz": 1})])


def test_array_validation():
    with pytest.raises(InputError, match="demand of a, cpu"):
        PlacementProblem(("a",), ("x",), ("cpu",), np.array([[np.nan]]), np.array([[1.0]]))
    with pytest.raises(InputError, match="speed of x"):
        PlacementProblem(("a",), ("x",), ("cpu",), np.array([[1.0]]), np.array([[1.0]]), speed=[0])
