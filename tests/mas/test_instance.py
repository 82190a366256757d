"""Instance files and generated instances."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import DATA

from mas.errors import InputError
from mas.instance import generate_instance, instance_from_dict, load_instance


def test_paper_file_loads():
    inst = load_instance(DATA / "paper_example.json")
    assert inst.execution_cost.shape == (6, 6) and inst.kappa == 2
    assert np.isinf(inst.execution_cost[1, 3])
    G = inst.topology()
    assert G.number_of_nodes() == 6 and G.edges[0, 1]["weight"] == inst.transmission_cost[0, 1]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"transmission_cost": [[0]]}, "execution_cost"),
        ({"execution_cost": [[1]]}, "transmission_cost"),
        ({"execution_cost": [[1]], "transmission_cost": [[0]], "kappa": "two"}, "kappa"),
        ({"execution_cost": [[1, 2]], "transmission_cost": [[0, 1], [1, 0]], "agents": ["a"]}, "agents"),
        ({"execution_cost": "x", "transmission_cost": [[0]]}, "execution_cost"),
    ],
)
def test_bad_instances_name_the_field(data, field):
    with pytest.raises(InputError) as err:
        instance_from_dict(data)
    assert err.value.field == field


def test_bad_json_file(tmp_path):
    p = tmp_path / "i.json"
    p.write_text('{"execution_cost": [[1]],')
    with pytest.raises(InputError, match="not JSON"):
        load_instance(p)


def test_roundtrip(tmp_path):
    inst = generate_instance("random", 6, 4, seed=2, infeasible_prob=0.5)
    p = tmp_path / "i.json"
    p.write_text(json.dumps(inst.to_dict()))
    back = load_instance(p)
    assert np.array_equal(back.execution_cost, inst.execution_cost)
    assert np.allclose(back.transmission_cost, inst.transmission_cost)


def test_generation_is_seeded_and_always_coverable():
    a = generate_instance("scale-free", 15, 30, seed=9, infeasible_prob=0.9)
    b = generate_instance("scale-free", 15, 30, seed=9, infeasible_prob=0.9)
    assert np.array_equal(a.execution_cost, b.execution_cost)
    assert np.array_equal(a.transmission_cost, b.transmission_cost)
    assert np.isfinite(a.execution_cost).any(axis=1).all()
    assert np.isinf(a.execution_cost).mean() > 0.7
    with pytest.raises(InputError, match="infeasible_prob"):
        generate_instance("grid", 4, 4, infeasible_prob=1.0)
