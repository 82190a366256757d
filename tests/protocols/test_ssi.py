"""SSI's handling of each message kind in a step: late bids, failed and missing results, a lost auctioneer."""

import numpy as np
from helpers import run_logged

from mas.instance import generate_instance
from mas.messages import FAILURE, INFORM, REJECT_PROPOSAL
from protocols import negotiate
from protocols.ssi import SequentialSingleItem


def test_late_bids_are_rejected_and_never_win():
    inst = generate_instance("grid", 9, 3, seed=3)  # agents 2+ hops away answer after a too-early deadline
    result, model, log = run_logged(inst, SequentialSingleItem(slack=-2, opening=False), rng=3)
    far = set(np.flatnonzero(model.hops[0] >= 2).tolist())
    rejected = set(log[log["performative"] == REJECT_PROPOSAL]["receiver"].tolist())
    assert far and far <= rejected
    assert all(a is None or a not in far for a in result.allocation)


def test_failed_results_are_put_back_then_given_up_with_a_reason():
    inst = generate_instance("complete", 5, 6, seed=4)
    result, model, log = run_logged(inst, SequentialSingleItem(max_rounds=2, bids="execution"), rng=4,
                                    fail_prob=0.7)
    failures = log[log["performative"] == FAILURE]
    assert failures.size and (log["performative"] == INFORM).sum() + failures.size >= inst.m
    assert any(u["reason"] == "contractor failed" for u in result.unallocated)
    assert result.extra["rounds"] > inst.m  # every failure re-opens its subtask for another round


def test_a_result_lost_in_transit_is_given_up_at_its_deadline():
    inst = generate_instance("complete", 5, 4, seed=0)
    result, _ = negotiate(inst, "ssi", seed=0, loss=0.4, protocol_options={"bids": "execution", "max_rounds": 1})
    assert result.unallocated == [{"subtask": 0, "reason": "no result by the deadline"}]
    assert result.allocation[1:] == [3, 2, 1] and result.extra["rounds"] == 4


def test_a_crashed_auctioneer_gives_up_everything_open():
    inst = generate_instance("complete", 4, 5, seed=1)
    result, _ = negotiate(inst, "ssi", seed=0, crash_ticks={0: 2})
    assert result.allocation == [None] * 5
    assert {u["reason"] for u in result.unallocated} == {"initiator crashed"}


def test_a_bidder_that_crashes_before_the_award_is_passed_over():
    # agent 3 bids, then crashes at tick 3 before the round closes: awarding it raised ProtocolError
    inst = generate_instance("complete", 5, 1, seed=5)
    result, model = negotiate(inst, "ssi", seed=5, crash_ticks={3: 3}, protocol_options={"bids": "execution"})
    assert result.allocation == [4] and not result.unallocated
    assert model.live[result.allocation[0]]


def test_crashes_between_bid_and_award_under_capacity_and_failures():
    inst = generate_instance("grid", 9, 5, seed=144, infeasible_prob=0.2)
    result, model = negotiate(inst, "ssi", seed=144, loss=0.0, crash_prob=0.1, fail_prob=0.3, max_ticks=300,
                              capacity=2, protocol_options={"slack": 0, "opening": False, "bids": "execution"})
    held = [a for a in result.allocation if a >= 0]
    assert all(model.live[a] for a in held)
    assert max(held.count(a) for a in set(held)) <= 2
