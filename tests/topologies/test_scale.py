"""Big instances (issue 12): lazy pair matrices agree with dense ones, the complete topology's
array path agrees with networkx + Dijkstra, the fast JSON printer with json, the light parser."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import shortest_path

import topologies
import topologies.pairs as pairs
from mas.instance import generate_instance
from mas.selection.greedy import greedy_order
from scenarios.output import print_json, to_jsonable


def _lazy_and_dense(G, fn, **kw):
    return fn(G, dense_max_n=0, **kw), fn(G, dense_max_n=10**9, **kw)


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["small-world", "scale-free", "random", "grid"]), st.integers(5, 40), st.integers(0, 2**31),
       st.booleans())
def test_lazy_matrices_index_like_dense(kind, n, seed, directed):
    G = topologies.build(kind, n, seed=seed)
    if directed:  # both directions, different costs: the transpose differs
        D = nx.DiGraph(G)
        rng = np.random.default_rng(seed)
        for u, v in D.edges:
            D.edges[u, v]["weight"] = float(rng.uniform(1, 10))
        G = D
    rng = np.random.default_rng(seed)
    a, b = rng.integers(n, size=7), rng.integers(n, size=7)
    s = np.unique(rng.integers(n, size=4))
    for fn in (topologies.negotiation_costs, topologies.hop_counts, topologies.movement_costs,
               topologies.transmission_matrix):
        lazy, dense = _lazy_and_dense(G, fn)
        assert topologies.is_lazy(lazy) and isinstance(dense, np.ndarray)
        np.testing.assert_allclose(np.asarray(lazy), dense, rtol=1e-12)
        np.testing.assert_allclose(lazy[3 % n], dense[3 % n], rtol=1e-12)
        assert math.isclose(lazy[1, n - 1], dense[1, n - 1], rel_tol=1e-12)
        np.testing.assert_allclose(lazy[a, b], dense[a, b], rtol=1e-12)
        np.testing.assert_allclose(lazy[np.ix_(s, s)], dense[np.ix_(s, s)], rtol=1e-12)
        np.testing.assert_allclose(lazy[:, s], dense[:, s], rtol=1e-12)
        np.testing.assert_allclose(lazy[a, 0], dense[a, 0], rtol=1e-12)
        assert math.isclose(lazy.max(), dense.max(), rel_tol=1e-12) and lazy.min() == dense.min()
    P, dense_P = _lazy_and_dense(G, topologies.transmission_matrix)
    np.testing.assert_allclose(np.asarray(P.pair_sum), dense_P + dense_P.T, rtol=1e-12)


def test_pair_matrix_cache_is_bounded_and_counts_rows():
    calls = []

    def rows(src):
        calls.append(list(src))
        return np.tile(np.asarray(src, float)[:, None], (1, 50))

    M = pairs.PairMatrix(50, rows, cache_bytes=3 * 50 * 8)  # room for three rows
    assert M[[1, 2, 2, 1], [0, 0, 0, 0]].tolist() == [1.0, 2.0, 2.0, 1.0]
    assert M[2, 7] == 2.0 and calls == [[1, 2]]  # row 2 came from the cache
    M[[10, 11, 12]]
    M[1]  # evicted by the three newer rows: computed again
    assert calls[-1] == [1] and M.computed == 6


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 45), st.sampled_from([0.0, 0.2, 1.0, 4.0]), st.sampled_from(["uniform", "integer", "constant"]),
       st.integers(0, 2**31))
def test_complete_shortest_paths_equal_dijkstra(n, low, weights, seed):
    pos, w = topologies.complete_topology(n, seed=seed, low=low, high=10.0, weights=weights)
    ref = shortest_path(nx.to_scipy_sparse_array(topologies.build("complete", n, seed=seed, low=low, high=10.0,
                                                                   weights=weights)), method="D", directed=False)
    np.testing.assert_allclose(topologies.complete_negotiation(w), ref, rtol=1e-12, atol=0)


def test_complete_shortest_paths_beyond_two_hops():
    # a path graph's weights inside a complete graph of heavy edges: the shortest paths have many hops
    n = 30
    w = np.full((n, n), 100.0)
    np.fill_diagonal(w, 0.0)
    for i in range(n - 1):
        w[i, i + 1] = w[i + 1, i] = 1.0
    D = topologies.complete_negotiation(w)
    assert D[0, n - 1] == n - 1 and np.array_equal(D, shortest_path(w, method="D", directed=False))


@pytest.mark.parametrize("options", [{}, {"infeasible_prob": 0.3}, {"weights": "integer"}, {"weights": "distance"}])
def test_complete_instance_from_arrays_matches_networkx(options):
    topo = {k: v for k, v in options.items() if k != "infeasible_prob"}
    inst = generate_instance("complete", 24, 6, seed=7, **options)
    G = topologies.build("complete", 24, seed=7, **topo)
    np.testing.assert_allclose(inst.transmission_cost, topologies.transmission_matrix(G), rtol=1e-15)
    assert "_graph" not in vars(inst) or inst._graph is None  # not built yet
    assert sorted(inst.graph.edges(data="weight")) == sorted(G.edges(data="weight"))
    assert dict(inst.graph.nodes(data="pos")) == dict(G.nodes(data="pos"))


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 40), st.integers(1, 30), st.integers(0, 2**31), st.sampled_from([0.0, 0.5]))
def test_greedy_stopping_once_D_rises_finds_the_best_prefix(n, m, seed, q):
    model = generate_instance("random", n, m, seed=seed, infeasible_prob=q).cost_model()
    D_full, _ = model.prefix_costs(greedy_order(model))
    short = greedy_order(model, until_rising=True)
    assert short == greedy_order(model)[: len(short)]
    D_short, _ = model.prefix_costs(short)
    assert D_short.min() == D_full.min()


def test_cost_model_on_lazy_P_agrees_with_dense(monkeypatch):
    dense = generate_instance("small-world", 60, 25, seed=4, infeasible_prob=0.2)
    monkeypatch.setattr(pairs, "COST_DENSE_MAX_N", 10)
    lazy = generate_instance("small-world", 60, 25, seed=4, infeasible_prob=0.2)
    assert topologies.is_lazy(lazy.transmission_cost)
    a, b = dense.cost_model(), lazy.cost_model()
    # the same sets; D equal up to the order in which Dijkstra added a path's edges (last bits)
    sa, sb = a.sweep("greedy"), b.sweep("greedy")
    assert sa.best_k == sb.best_k
    for ra, rb in zip(sa.rows, sb.rows):
        assert ra.participants == rb.participants and ra.working == rb.working
        assert math.isclose(ra.D, rb.D, rel_tol=1e-12) and math.isclose(ra.G, rb.G, rel_tol=1e-12)
    ea, eb = a.evaluate([1, 5, 9]), b.evaluate([1, 5, 9])
    assert ea.allocation == eb.allocation and math.isclose(ea.D, eb.D, rel_tol=1e-12)
    alloc = [int(np.argmin(a.C[i])) for i in range(a.m)]
    assert math.isclose(a.score(alloc).D, b.score(alloc).D, rel_tol=1e-12)


def test_negotiation_on_lazy_matrices_is_the_same_run(monkeypatch):
    from protocols import negotiate

    runs = []
    for limit in (10**9, 10):
        monkeypatch.setattr(pairs, "DENSE_MAX_N", limit)
        monkeypatch.setattr(pairs, "COST_DENSE_MAX_N", limit)
        inst = generate_instance("scale-free", 80, 12, seed=3)
        result, model = negotiate(inst, "cnp", seed=2, loss=0.1, kswap=2)
        runs.append((result.to_dict(), type(model.channel.latency).__name__))
    (a, kind_a), (b, kind_b) = runs
    assert (kind_a, kind_b) == ("ndarray", "PairMatrix")
    assert math.isclose(a.pop("communication_cost"), b.pop("communication_cost"), rel_tol=1e-12)
    assert a == b


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=60, deadline=None)
@given(json_values)
def test_print_json_writes_what_json_dump_writes(value):
    out = io.StringIO()
    print_json(value, out)
    assert out.getvalue() == json.dumps(to_jsonable(value), indent=2) + "\n"


def test_print_json_numpy_rows():
    value = {"rows": [{"k": 2, "participants": np.array([3, 7]), "D": np.float64(np.inf)}], "best_k": np.int64(2)}
    out = io.StringIO()
    print_json(value, out)
    assert json.loads(out.getvalue()) == {"rows": [{"k": 2, "participants": [3, 7], "D": "inf"}], "best_k": 2}


def test_parser_imports_no_heavy_module():
    code = ("import sys; from scenarios.cli import build_parser; build_parser(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'networkx', 'mesa', 'matplotlib', "
            "'highspy', 'pandas'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_parser_strategy_names_are_the_registry():
    from mas.selection import STRATEGIES
    from scenarios.commands.sweep import STRATEGY_NAMES

    assert sorted(STRATEGY_NAMES) == sorted(STRATEGIES.names())


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 400), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_random_graph_in_numpy_is_networkx_gnp(n, p, seed):
    from topologies.generators import _gnp

    G, H = nx.gnp_random_graph(n, p, seed=seed), _gnp(n, p, seed)
    assert list(G.edges) == list(H.edges) and all(list(G.adj[v]) == list(H.adj[v]) for v in G)


def test_all_pairs_search_split_between_processes_is_the_same(monkeypatch):
    import topologies.matrices as matrices

    G = topologies.build("scale-free", 120, seed=5)
    serial = topologies.negotiation_costs(G)
    monkeypatch.setattr(matrices, "PARALLEL_MIN_N", 10)
    assert np.array_equal(topologies.negotiation_costs(G), serial)
    assert np.array_equal(topologies.hop_counts(G), shortest_path(nx.to_scipy_sparse_array(G), unweighted=True))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 60), st.integers(0, 2**31), st.integers(1, 9))
def test_complete_negotiation_helpers_in_blocks_equal_the_index_array_forms(n, seed, block):
    """Issue 12: the upper triangle's values and the mirrored lower triangle, row by row or in blocks,
    are exactly those of numpy's triu/tril index arrays; so is the partition's k-th value."""
    from topologies.complete import _mirror_upper, _upper_values

    rng = np.random.default_rng(seed)
    w = rng.uniform(1, 10, (n, n))
    expected = w[np.triu_indices(n, 1)]
    got = _upper_values(w)
    assert got.tobytes() == expected.tobytes()
    k = int(rng.integers(got.size))
    got.partition(k)
    assert got[k] == np.partition(expected, k)[k]
    D, ref = w.copy(), w.copy()
    lower = np.tril_indices(n, -1)
    ref[lower] = ref.T[lower]
    _mirror_upper(D, block=block)
    assert D.tobytes() == ref.tobytes()
