"""Topologies: generated kinds, files, validation errors, and the matrices they imply."""

from __future__ import annotations

import json
import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import topologies
from topologies import TopologyError


@pytest.mark.parametrize("kind", topologies.KINDS)
@pytest.mark.parametrize("n", [1, 2, 7, 30])
def test_every_kind_is_connected_with_positions_and_weights(kind, n):
    G = topologies.build(kind, n, seed=3)
    assert sorted(G.nodes) == list(range(n))
    assert nx.is_connected(G)
    assert all(len(p) == 2 for _, p in G.nodes(data="pos"))
    assert all(1.0 <= w <= 10.0 for _, _, w in G.edges(data="weight"))


@pytest.mark.parametrize("kind", topologies.KINDS)
def test_same_seed_same_graph_and_global_state_untouched(kind):
    random.seed(123)
    np.random.seed(123)
    before = (random.getstate(), np.random.get_state()[1].copy())
    a = topologies.build(kind, 20, seed=5)
    b = topologies.build(kind, 20, seed=np.random.default_rng(5))
    assert random.getstate() == before[0]
    assert np.array_equal(np.random.get_state()[1], before[1])
    assert nx.utils.graphs_equal(a, b)
    assert a.nodes(data="pos") == b.nodes(data="pos")


def test_weight_distributions():
    G = topologies.build("grid", 9, seed=1, weights="constant", low=2.0)
    assert {w for *_, w in G.edges(data="weight")} == {2.0}
    G = topologies.build("grid", 9, seed=1, weights="distance")
    assert {w for *_, w in G.edges(data="weight")} == {1.0}
    G = topologies.build("complete", 6, seed=1, weights="integer", low=1, high=3)
    assert {w for *_, w in G.edges(data="weight")} <= {1.0, 2.0, 3.0}


@given(seed=st.integers(0, 10**6), n=st.integers(2, 25), kind=st.sampled_from(topologies.KINDS))
def test_transmission_matrix_layout(seed, n, kind):
    G = topologies.build(kind, n, seed=seed)
    P = topologies.transmission_matrix(G)
    assert np.all(np.diag(P) == 0)
    iu = np.triu_indices(n, 1)
    neg = nx.floyd_warshall_numpy(G, weight="weight")
    pos = np.array([G.nodes[v]["pos"] for v in range(n)])
    move = np.linalg.norm(pos[:, None] - pos[None, :], axis=-1)
    assert np.allclose(P[iu], neg[iu])
    assert np.allclose(P.T[iu], move[iu])  # lower triangle, read as [l, j]
    pair = P + P.T
    assert np.allclose(pair, pair.T)
    assert np.allclose(pair[iu], neg[iu] + move[iu])


def test_directed_variant():
    G = nx.DiGraph()
    G.add_edge(0, 1, weight=1.0)
    G.add_edge(1, 0, weight=3.0)
    nx.set_node_attributes(G, {0: (0.0, 0.0), 1: (3.0, 4.0)}, "pos")
    P = topologies.transmission_matrix(G)
    assert P[0, 1] == pytest.approx((1 + 5) / 2) and P[1, 0] == pytest.approx((3 + 5) / 2)
    assert P[0, 1] + P[1, 0] == pytest.approx(2 + 5)  # mean negotiation + movement


def _graph(edges, pos=True):
    G = nx.Graph()
    for u, v, w in edges:
        G.add_edge(u, v, weight=w)
    if pos:
        nx.set_node_attributes(G, {v: (float(i), 0.0) for i, v in enumerate(G.nodes)}, "pos")
    return G


def test_disconnected_names_nodes():
    G = _graph([("a", "b", 1.0), ("c", "d", 1.0), ("d", "e", 1.0)])
    with pytest.raises(TopologyError, match=r"disconnected.*'a'"):
        topologies.transmission_matrix(G)


def test_negative_and_nan_weights_name_edges():
    with pytest.raises(TopologyError, match="negative.*a-b"):
        topologies.validate(_graph([("a", "b", -1.0), ("b", "c", 1.0)]))
    with pytest.raises(TopologyError, match=r"NaN.*\('b', 'c'\)"):
        topologies.validate(_graph([("a", "b", 1.0), ("b", "c", float("nan"))]))


def test_missing_positions_name_nodes():
    G = _graph([("a", "b", 1.0)])
    del G.nodes["b"]["pos"]
    with pytest.raises(TopologyError, match="without a position.*'b'"):
        topologies.validate(G)


def test_unknown_kind_and_bad_n():
    with pytest.raises(TopologyError, match="kind = 'ring'"):
        topologies.build("ring", 5)
    with pytest.raises(TopologyError, match="n = 0"):
        topologies.build("grid", 0)


def test_load_formats_keep_node_names(tmp_path):
    G = _graph([("x", "y", 2.0), ("y", "z", 0.0)])
    # node-link JSON
    path = tmp_path / "g.json"
    path.write_text(json.dumps(nx.node_link_data(G, edges="links")))
    H = topologies.load(path)
    assert set(H.nodes) == {"x", "y", "z"}
    assert topologies.transmission_matrix(H, ["x", "y", "z"])[0, 2] == 2.0  # zero-cost edge kept
    # GraphML with x/y attributes
    K = G.copy()
    for _, d in K.nodes(data=True):
        d["x"], d["y"] = d.pop("pos")
    nx.write_graphml(K, tmp_path / "g.graphml")
    H = topologies.load(tmp_path / "g.graphml")
    assert H.nodes["z"]["pos"] == (2.0, 0.0)
    # weighted edge list: no positions -> error unless a layout is asked for
    (tmp_path / "g.txt").write_text("# u v w\n10 20 1.5\n20 30 2\n")
    with pytest.raises(TopologyError, match="without a position"):
        topologies.load(tmp_path / "g.txt")
    H = topologies.load(tmp_path / "g.txt", layout="spring", seed=1)
    assert set(H.nodes) == {10, 20, 30}
    assert topologies.load(tmp_path / "g.txt", layout="spring", seed=1).nodes(data="pos") == H.nodes(data="pos")


def test_load_errors(tmp_path):
    with pytest.raises(TopologyError, match="no such file"):
        topologies.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(TopologyError, match="cannot read"):
        topologies.load(tmp_path / "bad.json")


def test_load_names_each_bad_input(tmp_path):
    (tmp_path / "g.txt").write_text("1 2 1.0\n")
    with pytest.raises(TopologyError, match="format = 'csv': choose one of graphml, json, edgelist"):
        topologies.load(tmp_path / "g.txt", format="csv")
    with pytest.raises(TopologyError, match="is not a regular file"):
        topologies.load(tmp_path)
    with pytest.raises(TopologyError, match="layout = 'circle': only 'spring' is offered"):
        topologies.load(tmp_path / "g.txt", layout="circle")
    G = _graph([("x", "y", 2.0)])
    data = nx.node_link_data(G, edges="links")
    data["links"][0]["weight"] = "heavy"
    (tmp_path / "w.json").write_text(json.dumps(data))
    with pytest.raises(TopologyError, match=r"edge \('x', 'y'\): weight = 'heavy': must be a number"):
        topologies.load(tmp_path / "w.json")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(TopologyError, match="nested too deeply"):
        topologies.load(tmp_path / "deep.json")
