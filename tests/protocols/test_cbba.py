import dataclasses

import networkx as nx
import numpy as np
from helpers import run_logged
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.instance import generate_instance
from mas.messages import INFORM
from protocols.cbba import CBBA


@settings(max_examples=15)
@given(st.sampled_from(["random", "small-world", "scale-free", "grid"]), st.integers(4, 25), st.integers(1, 12),
       st.integers(0, 10_000), st.sampled_from([0.0, 0.5]))
def test_cbba_converges_conflict_free_and_talks_only_to_neighbours(kind, n, m, seed, penalty):
    inst = generate_instance(kind, n, m, seed=seed, infeasible_prob=0.3)
    result, model, log = run_logged(inst, CBBA(load_penalty=penalty), rng=seed, max_ticks=500)
    assert result.extra["converged"]
    # conflict-free: every subtask in exactly one bundle, every view agrees
    proto = model.protocol
    held = [t for b in proto.bundles for t in b]
    assert sorted(held) == list(range(m))
    assert (proto.z == proto.z[0]).all()
    assert result.unallocated == []
    assert all(np.isfinite(inst.execution_cost[i, a]) for i, a in enumerate(result.allocation))
    # only topology neighbours ever exchange messages
    edges = {(u, v) for u, v in model.graph.edges} | {(v, u) for u, v in model.graph.edges}
    assert set(zip(log["sender"].tolist(), log["receiver"].tolist())) <= edges
    assert (log["performative"] == INFORM).all()
    # rounds: at least the time to carry a bid across the graph, never absurdly many
    assert result.extra["rounds"] <= 4 * m * (nx.diameter(model.graph) + 1) + 2


def test_without_load_penalty_each_subtask_goes_to_its_cheapest_agent():
    inst = generate_instance("small-world", 30, 10, seed=3)
    result, _, _ = run_logged(inst, CBBA(bids="execution"), rng=3)
    C = inst.execution_cost
    assert [C[i, a] for i, a in enumerate(result.allocation)] == C.min(axis=1).tolist()


def test_bundle_limit_is_respected():
    inst = generate_instance("complete", 4, 8, seed=4)
    result, _, _ = run_logged(inst, CBBA(bundle_limit=2), rng=4)
    counts = np.bincount([a for a in result.allocation if a is not None], minlength=4)
    assert counts.max() <= 2 and counts.sum() == 8


def test_rounds_grow_with_the_diameter():
    # a path: the cheapest agent sits at one end, the news has to travel to the other
    G = nx.path_graph(12)
    nx.set_node_attributes(G, {v: (float(v), 0.0) for v in G}, "pos")
    nx.set_edge_attributes(G, 1.0, "weight")
    inst = generate_instance(G, 12, 1, seed=0)  # its matrices are read-only: a new instance with other costs
    inst = dataclasses.replace(inst, execution_cost=np.arange(12, 0, -1, dtype=float)[None, :])  # agent 11 cheapest
    result, _, _ = run_logged(inst, CBBA(), rng=0)
    assert result.allocation == [11]
    assert result.extra["rounds"] >= 11


def test_a_crashed_winner_is_noticed_by_its_neighbours_and_replaced():
    inst = generate_instance("small-world", 20, 6, seed=7)
    calm, _, _ = run_logged(inst, CBBA(bids="execution"), rng=7)
    victim = calm.allocation[0]
    result, model, _ = run_logged(inst, CBBA(bids="execution"), rng=7, crash_ticks={victim: calm.ticks - 1})
    assert result.extra["converged"] and result.unallocated == []
    assert victim not in result.allocation
    # the new winner of subtask 0 is the cheapest live agent
    C = inst.execution_cost
    live = np.flatnonzero(model.live)
    assert C[0, result.allocation[0]] == C[0, live].min()
