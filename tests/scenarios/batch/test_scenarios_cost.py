"""scenarios.batch.scenarios_cost: the cost-sweep scenario is the cost model's sweep, seed for seed."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.instance import generate_instance
from scenarios.batch import registry

SC = registry.get("cost-sweep")


@settings(max_examples=15)
@given(st.sampled_from(["complete", "random", "small-world", "scale-free", "grid"]), st.integers(2, 7),
       st.integers(1, 5), st.integers(0, 2**40), st.sampled_from([0.0, 0.4]))
def test_matches_the_cost_model(kind, n, m, seed, q):
    params = SC.defaults() | {"topology": kind, "agents": n, "subtasks": m, "infeasible_prob": q}
    metrics = SC.run(params, seed)
    inst = generate_instance(kind, n, m, seed=seed, infeasible_prob=q)
    sweep = inst.cost_model().sweep("exhaustive")
    assert metrics["k"] == list(range(1, n + 1))
    assert metrics["G"] == [r.G for r in sweep.rows] and metrics["D"] == [r.D for r in sweep.rows]
    assert metrics["best_k"] == sweep.best_k
    finite = [g for g in metrics["G"] if math.isfinite(g)]
    assert metrics["best_G"] == min(finite)
    assert metrics["edges"] == inst.graph.number_of_edges()
    assert SC.run(params, seed) == metrics  # same seed, same result


def test_topology_options_reach_the_generator():
    base = SC.defaults() | {"agents": 12, "subtasks": 2}
    dense = SC.run(base | {"topology": "random", "edge_prob": 1.0}, 3)
    assert dense["edges"] == 12 * 11 // 2
    ba = SC.run(base | {"topology": "scale-free", "attach": 3}, 3)
    assert ba["edges"] == (12 - 3) * 3
    ws = SC.run(base | {"topology": "small-world", "neighbours": 6, "rewire": 0.0}, 3)
    assert ws["edges"] == 12 * 6 // 2


def test_kappa_and_strategy_are_used():
    base = SC.defaults() | {"agents": 6, "subtasks": 4}
    k3 = SC.run(base | {"kappa": 3.0}, 5)
    k2 = SC.run(base, 5)
    assert k3["D"] == k2["D"]
    assert k3["G"] == pytest.approx([d * k ** -3.0 for d, k in zip(k2["D"], k2["k"])])
    assert SC.run(base | {"strategy": "greedy"}, 5)["strategy"] == "greedy"
