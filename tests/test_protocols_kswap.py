import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.costs import CostModel
from mas.errors import InputError
from mas.instance import generate_instance, instance_from_dict
from mas.optimum import optimum
from protocols import kswap, negotiate
from scenarios.paper import paper_data


@settings(max_examples=40)
@given(st.integers(2, 9), st.integers(1, 9), st.integers(0, 10_000), st.integers(1, 4), st.data())
def test_kswaps_never_increase_the_cost(n, m, seed, K, data):
    inst = generate_instance("random", n, m, seed=seed, infeasible_prob=0.3)
    costs = inst.cost_model()
    C = inst.execution_cost
    # any valid (possibly partial) allocation
    alloc = []
    for i in range(m):
        ok = np.flatnonzero(np.isfinite(C[i])).tolist()
        alloc.append(data.draw(st.sampled_from(ok + [None])))
    r = kswap(costs, alloc, K)
    assert r.D_before == pytest.approx(costs.score(alloc).D)
    assert r.D_after <= r.D_before + 1e-9
    assert r.D_after == pytest.approx(costs.score(r.allocation).D)
    assert [a is None for a in r.allocation] == [a is None for a in alloc]  # unallocated stay so
    assert all(a is None or np.isfinite(C[i, a]) for i, a in enumerate(r.allocation))
    assert r.moves == r.transfers + r.swaps + r.vacates
    # no single transfer improves the result any more
    again = kswap(costs, r.allocation, 1)
    assert again.moves == 0


def test_swap_is_found_when_transfers_cannot_help():
    # two agents, each holding the other's cheap subtask; a transfer would leave one agent with both
    C = [[5, 1], [1, 5]]
    P = [[0, 0], [0, 0]]
    costs = CostModel(C, P)
    assert kswap(costs, [0, 1], K=1).D_after == 2.0  # transfers alone get there in two moves
    r = kswap(costs, [0, 1], K=2)
    assert r.D_after == 2.0 and r.swaps == 1 and r.moves == 1


def test_vacating_an_agent_saves_its_pair_costs():
    model = CostModel([[1, 2], [1, 2]], [[0, 10], [10, 0]])
    r = kswap(model, [1, 1], K=2)  # both at agent 1: moving both to agent 0 at once
    assert r.allocation == [0, 0] and r.D_after == 2.0


def test_kswaps_bring_ssi_to_the_optimum_on_the_paper_example():
    inst = instance_from_dict(paper_data())
    result, _ = negotiate(inst, "ssi", seed=0, kswap=6, protocol_options={"opening": False})
    assert result.extra["kswap"]["D_before"] == 25.0
    assert result.D == result.extra["kswap"]["D_after"] == optimum(inst.cost_model()).D == 19.0


def test_only_allowed_agents_receive():
    costs = CostModel([[5, 1, 1]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
    assert kswap(costs, [0], 1, allowed=[True, False, True]).allocation == [2]


def test_bad_K():
    with pytest.raises(InputError, match="K"):
        kswap(CostModel([[1]], [[0]]), [0], 0)
