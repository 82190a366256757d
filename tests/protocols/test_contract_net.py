import numpy as np
import pytest
from helpers import run_logged

from mas.errors import InputError
from mas.instance import generate_instance, instance_from_dict
from mas.messages import ACCEPT_PROPOSAL, CFP, REJECT_PROPOSAL
from protocols import create, names, negotiate
from protocols.contract_net import ContractNet
from scenarios.paper import paper_data


def paper():
    return instance_from_dict(paper_data())




@pytest.mark.parametrize("name", ["cnp", "first-price", "vickrey", "ssi", "cbba", "neighbour"])
def test_every_protocol_allocates_the_paper_example_validly(name):
    inst = paper()
    result, model = negotiate(inst, name, seed=0)
    C = np.array(inst.execution_cost)
    assert result.unallocated == []
    assert all(np.isfinite(C[i, a]) for i, a in enumerate(result.allocation))
    assert pytest.approx(model.costs.score(result.allocation).D) == result.D
    assert result.D >= 19.0  # the exhaustive optimum over all participant sets


def test_contract_net_message_count_follows_its_rules_on_the_paper_example():
    """Full broadcast, no faults, initiator o = 0, n = 6: per subtask s
    (n-1) cfp + (n-1) propose/refuse + f_s accept/reject (f_s = agents other than o
    that can execute s) + 1 inform if the winner is not o."""
    inst = paper()
    result, model, log = run_logged(inst, ContractNet(bids="execution"), rng=0)
    C, n = np.array(inst.execution_cost), inst.n
    f = np.isfinite(C[:, 1:]).sum(axis=1)
    remote = np.array([a != 0 for a in result.allocation])
    expected = int((2 * (n - 1) + f + remote).sum())
    assert result.messages["sent"] == expected == 92
    assert (log["performative"] == CFP).sum() == 6 * (n - 1)
    assert (log["performative"] == ACCEPT_PROPOSAL).sum() == remote.sum()
    # every subtask goes to its cheapest agent (ties: lowest index), paid its bid
    best = C.min(axis=1)
    assert [C[i, a] for i, a in enumerate(result.allocation)] == best.tolist()
    assert result.allocation == [int(np.flatnonzero(C[i] == best[i])[0]) for i in range(6)]
    assert result.payments == best.tolist()
    assert result.ticks == 5  # cfp 1->2, propose 2->3 (deadline, award), accept 3->4, inform 4->5


def test_announcing_within_h_hops_reaches_only_those_agents():
    inst = generate_instance("grid", 16, 5, seed=1)
    result, model, log = run_logged(inst, ContractNet(hops=1), rng=1)
    cfp = log[log["performative"] == CFP]
    assert set(cfp["receiver"].tolist()) == set(model.neighbours[0].tolist())
    assert set(a for a in result.allocation if a is not None) <= {0, *model.neighbours[0].tolist()}


def test_capacity_limits_subtasks_per_contractor():
    inst = generate_instance("complete", 4, 10, seed=2)
    result, _ = negotiate(inst, "cnp", seed=2, capacity=3)
    counts = np.bincount([a for a in result.allocation if a is not None], minlength=4)
    assert counts.max() <= 3 and counts.sum() == 10


def test_capacity_too_small_leaves_subtasks_unallocated_with_a_reason():
    inst = generate_instance("complete", 2, 5, seed=2)
    result, _ = negotiate(inst, "cnp", seed=2, capacity=1, protocol_options={"max_rounds": 2})
    assert sum(a is not None for a in result.allocation) == 2
    assert len(result.unallocated) == 3 and all(u["reason"] for u in result.unallocated)


def test_late_proposals_are_rejected():
    inst = generate_instance("grid", 9, 3, seed=3)  # agents 2+ hops away answer after a too-early deadline
    result, model, log = run_logged(inst, ContractNet(slack=-2), rng=3)
    far = np.flatnonzero(model.hops[0] >= 2)
    assert result.extra["late_proposals"] > 0
    rej = log[(log["performative"] == REJECT_PROPOSAL)]
    assert set(far.tolist()) & set(rej["receiver"].tolist())
    assert all(a is None or model.hops[0, a] <= 1 for a in result.allocation)


def test_failures_lead_to_reannouncement_then_a_reason():
    inst = generate_instance("complete", 5, 8, seed=4)
    options = {"max_rounds": 2, "bids": "execution"}
    result, model = negotiate(inst, "cnp", seed=4, fail_prob=0.6, protocol_options=options)
    assert result.extra["rounds"] == 2
    assert any(u["reason"] == "contractor failed" for u in result.unallocated)
    calm, _ = negotiate(inst, "cnp", seed=4, protocol_options={"bids": "execution"})
    assert calm.extra["rounds"] == 1 and calm.unallocated == []


def test_a_crashed_winner_is_replaced():
    inst = generate_instance("complete", 5, 4, seed=5)
    execution = {"bids": "execution"}
    calm, _ = negotiate(inst, "cnp", seed=5, protocol_options=execution)
    victim = next(a for a in calm.allocation if a not in (None, 0))
    result, model = negotiate(inst, "cnp", seed=5, crash_ticks={victim: 4},  # after the award, before inform
                              protocol_options=execution)
    assert victim not in result.allocation and result.unallocated == []
    assert result.extra["rounds"] == 2


def test_a_crashed_initiator_leaves_its_subtasks_unallocated():
    result, _ = negotiate(paper(), "cnp", seed=0, crash_ticks={0: 2})
    assert result.allocation == [None] * 6
    assert {u["reason"] for u in result.unallocated} == {"initiator crashed"}


def test_neighbour_only_hands_subtasks_to_neighbours():
    inst = generate_instance("small-world", 20, 30, seed=6)
    result, model = negotiate(inst, "neighbour", seed=6)
    owners = result.extra["owners"]
    for s, a in enumerate(result.allocation):
        if a is not None:
            assert a == owners[s] or a in model.neighbours[owners[s]]
        else:
            reason = next(u["reason"] for u in result.unallocated if u["subtask"] == s)
            assert reason == "no proposal"


def test_registry_finds_protocols_by_name():
    assert names()[:7] == ["cnp", "first-price", "vickrey", "ssi", "cbba", "neighbour", "join"]
    assert isinstance(create("cnp", hops=2), ContractNet)
    with pytest.raises(InputError, match="protocol"):
        create("nope")
    with pytest.raises(InputError, match="hops"):
        ContractNet(hops=0)
