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


def test_generated_costs_are_the_draws_of_one_astype_and_shared_read_only_with_the_model():
    """Issue 12: C is converted to floats in its own memory and validated once; the numbers are those of
    ``rng.integers(...).astype(float)`` after the topology's draws, as before."""
    import networkx as nx

    from mas.instance import _as_float

    G = nx.path_graph(9)
    nx.set_node_attributes(G, {v: (float(v), 0.0) for v in G}, "pos")
    nx.set_edge_attributes(G, 1.0, "weight")
    inst = generate_instance(G, 9, 1100, seed=5, cost_low=0, cost_high=10**15)
    expected = np.random.default_rng(5).integers(0, 10**15 + 1, size=(1100, 9)).astype(float)
    assert inst.execution_cost.tobytes() == expected.tobytes()
    assert not inst.execution_cost.flags.writeable
    assert inst.cost_model().C is inst.execution_cost and inst.cost_model().P is inst.transmission_cost
    with pytest.raises(ValueError):
        inst.execution_cost[0, 0] = 1.0
    ints = np.random.default_rng(1).integers(-2**62, 2**62, size=(7, 3))
    assert _as_float(ints.copy(), rows=2).tobytes() == ints.astype(float).tobytes()


def test_a_writeable_or_viewed_matrix_is_copied_by_the_model():
    from mas.costs import CostModel

    C = np.ones((2, 2))
    assert CostModel(C, np.zeros((2, 2))).C is not C  # the caller could change it
    base = np.ones((2, 2))
    view = base[:]
    view.setflags(write=False)
    assert CostModel(view, np.zeros((2, 2))).C is not view  # changeable through base
    base.setflags(write=False)
    assert CostModel(base, np.zeros((2, 2))).C is base
