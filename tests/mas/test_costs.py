"""The cost model against the seed paper's Table 1, and exact-vs-exact on random instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from helpers import paper_json, random_costs
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.costs import CostModel
from mas.errors import InputError

PAPER = paper_json()


@pytest.fixture(scope="module")
def paper():
    return CostModel(PAPER["execution_cost"], PAPER["transmission_cost"], PAPER["kappa"])


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_table1_rows_reproduced_with_the_papers_sets(paper, k):
    S = [j - 1 for j in PAPER["participant_sets_that_reproduce_the_table"][str(k)]]
    row = PAPER["paper_table_1"][k - 1]
    assert paper.D(S) == pytest.approx(row["D"], abs=0.005)
    assert round(paper.G(S), 2) == pytest.approx(row["G"], abs=1e-9)


def test_row6_is_inconsistent_as_documented(paper):
    assert paper.execution_cost(range(6)) == 16
    assert paper.transmission_cost(range(6)) == 94
    assert round(paper.G(range(6)), 2) == 3.06


@pytest.mark.parametrize("strategy", ["exhaustive", "milp"])
def test_exact_optimum_per_k_matches_golden(paper, strategy):
    sweep = paper.sweep(strategy)
    for golden in PAPER["exhaustive_optimum_per_k"]:
        row = sweep.row(golden["k"])
        assert golden["D"] == row.D
        if strategy == "exhaustive":
            assert [j + 1 for j in row.participants] == golden["S"]
    assert sweep.best_k == 5


def test_allocation_rule_and_load(paper):
    ev = paper.evaluate([0, 3])  # paper's {1, 4}
    # subtask costs of agents 1 and 4: rows give min per subtask
    C = np.array([[np.inf if v is None else v for v in r] for r in PAPER["execution_cost"]])
    assert ev.execution == sum(min(C[i, 0], C[i, 3]) for i in range(6))
    assert sum(ev.load.values()) == 6
    assert ev.execution + ev.transmission == ev.D
    assert ev.uncovered == []


def test_tie_goes_to_smaller_transmission_then_lower_index():
    C = [[1, 1, 1]]
    # pair costs: agent 0 costs 5 to others, agent 1 and 2 cost 1 to each other
    P = [[0, 5, 5], [0, 0, 1], [0, 0, 0]]
    model = CostModel(C, P)
    assert model.allocate([0, 1, 2]).tolist() == [1]  # 1 and 2 both total 6; 0 totals 10 -> lower index 1
    P2 = [[0, 5, 1], [0, 0, 2], [0, 0, 0]]  # pair totals: agent 0: 6, 1: 7, 2: 3
    assert CostModel(C, P2).allocate([0, 1, 2]).tolist() == [2]
    ev = CostModel(C, P2).evaluate([0, 1, 2])
    assert ev.working == 1 and ev.load == {0: 0, 1: 0, 2: 1}


def test_uncovered_subtask_makes_set_infeasible():
    model = CostModel([[1, None], [2, 3]], [[0, 1], [1, 0]])
    ev = model.evaluate([1])
    assert ev.uncovered == [0] and not ev.feasible and np.inf == ev.D
    assert model.allocate([1]).tolist() == [-1, 1]


def test_score_of_rule_allocation_equals_D_when_all_work(paper):
    for k in range(1, 7):
        for S in itertools.combinations(range(6), k):
            ev = paper.evaluate(S)
            if not ev.feasible:
                continue
            sc = paper.score(ev.allocation)
            if ev.working == k:
                assert pytest.approx(ev.D) == sc.D
            else:  # idle participants add pair costs to D(S) but not to D(a)
                assert sc.D <= ev.D


@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 7), n=st.integers(1, 7),
       infeasible=st.sampled_from([0.0, 0.3, 0.6]))
def test_exhaustive_equals_milp_and_heuristics_never_below(seed, m, n, infeasible):
    C, P = random_costs(np.random.default_rng(seed), m, n, infeasible)
    model = CostModel(C, P)
    ex = model.sweep("exhaustive")
    mi = model.sweep("milp")
    gr = model.sweep("greedy")
    lo = model.sweep("local")
    for k in range(1, n + 1):
        brute = min(model.D(S) for S in itertools.combinations(range(n), k))
        assert pytest.approx(brute) == ex.row(k).D
        assert pytest.approx(brute) == mi.row(k).D
        assert brute - 1e-9 <= gr.row(k).D
        assert brute - 1e-9 <= lo.row(k).D
        assert lo.row(k).D <= gr.row(k).D + 1e-9


@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 8), n=st.integers(1, 8))
def test_D_is_execution_plus_transmission(seed, m, n):
    rng = np.random.default_rng(seed)
    C, P = random_costs(rng, m, n, 0.2, integer=False)
    model = CostModel(C, P, kappa=1.5)
    S = rng.choice(n, size=rng.integers(1, n + 1), replace=False)
    exec_part = sum(min(C[i, j] for j in S) for i in range(m))
    pair_part = sum(P[j, l] + P[l, j] for j, l in itertools.combinations(S, 2))
    assert model.D(S) == pytest.approx(exec_part + pair_part)
    assert model.G(S) == pytest.approx((exec_part + pair_part) * len(S) ** -1.5)


@pytest.mark.parametrize(
    ("C", "P", "kappa", "field"),
    [
        ([[1, 2]], [[0, 1, 2], [1, 0, 1], [2, 1, 0]], 2, "transmission_cost"),
        ([[1, float("nan")]], [[0, 1], [1, 0]], 2, "execution_cost[0][1]"),
        ([[1, -2]], [[0, 1], [1, 0]], 2, "execution_cost[0][1]"),
        ([[1, 2]], [[0, -1], [1, 0]], 2, "transmission_cost[0][1]"),
        ([[None, None], [1, 2]], [[0, 1], [1, 0]], 2, "execution_cost[0]"),
        ([[1, 2]], [[0, 1], [1, 0]], 0, "kappa"),
        ([[1, 2]], [[0, 1], [1, 0]], -1, "kappa"),
        ([[1, 2], [3]], [[0, 1], [1, 0]], 2, "execution_cost"),
        ([[1, 2]], [[0, 1], [1, 0]], float("nan"), "kappa"),
    ],
)
def test_validation_errors_name_the_field(C, P, kappa, field):
    with pytest.raises(InputError) as err:
        CostModel(C, P, kappa)
    assert err.value.field == field
    assert field in str(err.value)


def test_k_out_of_range_and_bad_participants(paper):
    for k in (0, 7):
        with pytest.raises(InputError, match="k = "):
            paper.sweep("exhaustive", ks=[k])
    with pytest.raises(InputError, match="participants"):
        paper.D([0, 0])
    with pytest.raises(InputError, match="participants"):
        paper.D([6])
    with pytest.raises(InputError, match="strategy"):
        paper.sweep("nope")


def test_score_rejects_impossible_assignment(paper):
    alloc = [0] * 6
    alloc[2] = 1  # agent 2 (paper's 2) cannot execute subtask 3 (index 2)
    with pytest.raises(InputError, match=r"allocation\[2\]"):
        paper.score(alloc)


def test_larger_exhaustive_agrees_with_milp():
    C, P = random_costs(np.random.default_rng(7), 12, 12, 0.2)
    model = CostModel(C, P)
    ex, mi = model.sweep("exhaustive"), model.sweep("milp")
    assert [r.D for r in ex.rows] == pytest.approx([r.D for r in mi.rows])
    assert ex.best_k == mi.best_k


def _naive_greedy(model):
    """Greedy by definition: every step, evaluate D(S + j) for every outsider j."""
    order = [int(np.argmin([model.D([j]) if np.isfinite(model.D([j])) else np.inf for j in range(model.n)]))]
    while len(order) < model.n:
        rest = [j for j in range(model.n) if j not in order]
        order.append(min(rest, key=lambda j: (model.D(order + [j]), j)))
    return order


@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 9), n=st.integers(1, 9))
def test_incremental_greedy_equals_greedy_by_definition(seed, m, n):
    from mas.selection.greedy import greedy_order

    C, P = random_costs(np.random.default_rng(seed), m, n)  # integer costs: exact ties
    model = CostModel(C, P)
    assert greedy_order(model) == _naive_greedy(model)


def test_prefix_costs_equal_per_set_evaluation():
    C, P = random_costs(np.random.default_rng(3), 10, 9, 0.3, integer=False)
    model = CostModel(C, P)
    order = list(np.random.default_rng(4).permutation(9))
    D, G = model.prefix_costs(order)
    for k in range(1, 10):
        assert D[k - 1] == pytest.approx(model.D(order[:k]))
        assert G[k - 1] == pytest.approx(model.G(order[:k]))


def _whole_prefix_costs(model, order):
    """prefix_costs as it was before issue 12 read C and W in blocks: every n x n block at once."""
    o = np.asarray(order, dtype=np.intp)
    block = np.asarray(model.W[np.ix_(o, o)])  # a lazy W computes all n rows here
    D = np.minimum.accumulate(model.C[:, o], axis=1).sum(axis=0) + np.cumsum(np.tril(block, -1).sum(axis=1))
    return D, D * np.arange(1, o.size + 1, dtype=float) ** -model.kappa


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**31), st.integers(1, 2000), st.booleans())
def test_blocked_prefix_costs_equal_whole_ones_bit_for_bit(m, n, seed, block_bytes, prefix):
    """Tiny blocks (down to 2 columns or rows at a time) give exactly the figures of one n x n block."""
    rng = np.random.default_rng(seed)
    C, P = random_costs(rng, m, n, 0.3, integer=False)
    C *= rng.choice([1e-3, 1.0, 1e3], size=C.shape)  # magnitudes that make summation order matter
    model = CostModel(C, P, kappa=float(rng.uniform(0.5, 3)))
    order = rng.permutation(n)[: int(rng.integers(1, n + 1)) if prefix else n]
    model.BLOCK_BYTES = block_bytes
    D, G = model.prefix_costs(order)
    D0, G0 = _whole_prefix_costs(model, order)
    assert D.tobytes() == D0.tobytes() and G.tobytes() == G0.tobytes()


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["small-world", "scale-free", "random"]), st.integers(3, 40), st.integers(0, 2**31),
       st.integers(1, 4000))
def test_blocked_prefix_costs_over_a_lazy_W_equal_whole_dense_ones(kind, n, seed, block_bytes):
    """A lazy W (rows computed when read, as above 6,000 agents) read in row blocks: the figures of its
    whole block, and those of the dense W up to rounding (a path's length summed from either end)."""
    import topologies
    from mas.selection.greedy import greedy_order

    G = topologies.build(kind, n, seed=seed)
    C, _ = random_costs(np.random.default_rng(seed), 2 * n, n, 0.2, integer=False)
    lazy = CostModel(C, topologies.transmission_matrix(G, dense_max_n=0))
    dense = CostModel(C, topologies.transmission_matrix(G, dense_max_n=10**9))
    assert topologies.is_lazy(lazy.W) and not topologies.is_lazy(dense.W)
    order = greedy_order(dense)
    lazy.BLOCK_BYTES = block_bytes
    D, G_ = lazy.prefix_costs(order)
    D0, G0 = _whole_prefix_costs(lazy, order)
    assert D.tobytes() == D0.tobytes() and G_.tobytes() == G0.tobytes()
    np.testing.assert_allclose(D, dense.prefix_costs(order)[0], rtol=1e-12)


def test_prefix_costs_blocks_never_leave_a_single_column():
    """numpy sums an (m, 1) block's rows pairwise, wider ones in order: a lone last column would differ."""
    from mas.costs import _blocks

    assert _blocks(7, 1, 24) == [(0, 3), (3, 7)]
    assert _blocks(6, 1, 24) == [(0, 3), (3, 6)]
    assert _blocks(1, 1, 8) == [(0, 1)]
    assert _blocks(5, 10**6, 1) == [(0, 2), (2, 5)]
    assert all(b - a >= 2 for a, b in _blocks(1001, 3, 16))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 2**31), st.integers(1, 2000))
def test_allocation_and_working_count_in_row_blocks_equal_whole_ones(m, n, seed, block_bytes):
    """The tie key (each agent's pair cost to the rest of S) summed per row block: the same allocation,
    the same tie keys bit for bit, and the sweep's working count is evaluate()'s."""
    from mas.costs import _pair_row_sums

    rng = np.random.default_rng(seed)
    C, P = random_costs(rng, m, n, 0.3, integer=True)  # integer costs: many ties
    model = CostModel(C, P * rng.uniform(0.5, 2.0, size=P.shape))
    S = np.sort(rng.permutation(n)[: int(rng.integers(1, n + 1))])
    whole = model.allocate(S)
    assert _pair_row_sums(model.W, S, block_bytes).tobytes() == model.W[np.ix_(S, S)].sum(axis=1).tobytes()
    model.BLOCK_BYTES = block_bytes
    assert model.allocate(S).tolist() == whole.tolist()
    assert model._working(S) == model.evaluate(S).working
