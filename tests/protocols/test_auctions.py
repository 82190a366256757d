import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mas.instance import Instance, generate_instance, instance_from_dict
from mas.optimum import optimum
from protocols import negotiate
from protocols.auctions import first_price, second_price
from scenarios.paper import paper_data

costs = st.floats(min_value=0.0, max_value=100.0, allow_nan=False).map(lambda x: round(x, 2))


def utility(true_cost, my_bid, others, rule):
    w, pay = rule([my_bid, *others])
    return pay - true_cost if w == 0 else 0.0


@given(costs, costs, st.lists(costs, min_size=1, max_size=6))
def test_vickrey_truthful_bidding_is_never_worse_than_a_misreport(true_cost, lie, others):
    # ties go to the first bidder (ours), the worst case for the claim
    assert utility(true_cost, true_cost, others, second_price) >= utility(true_cost, lie, others, second_price) - 1e-9


def test_first_price_is_not_truthful():
    # bidding above one's cost and still winning pays more: shading pays off under first price
    assert utility(2.0, 4.0, [5.0], first_price) > utility(2.0, 2.0, [5.0], first_price)


def test_vickrey_winner_is_paid_the_second_lowest_bid_in_the_model():
    C = np.array([[5.0, 3.0, 4.0, 9.0], [1.0, 2.0, 2.0, 8.0]])
    P = np.zeros((4, 4))
    P[np.triu_indices(4, 1)] = 1.0
    inst = Instance(C, P + np.triu(P, 1).T)
    execution = {"bids": "execution"}
    vick, _ = negotiate(inst, "vickrey", seed=0, protocol_options=execution)
    fp, _ = negotiate(inst, "first-price", seed=0, protocol_options=execution)
    assert vick.allocation == fp.allocation == [1, 0]
    assert vick.payments == [4.0, 2.0] and fp.payments == [3.0, 1.0]


@pytest.mark.parametrize("lie", [-1.5, -0.5, 0.5, 2.0])
def test_vickrey_misreport_in_the_model_never_helps(lie):
    inst = generate_instance("complete", 5, 6, seed=3)
    C = inst.execution_cost

    def profit(result, j):
        return sum(p - C[i, j] for i, (a, p) in enumerate(zip(result.allocation, result.payments)) if a == j)

    for j in range(5):
        truthful, _ = negotiate(inst, "vickrey", seed=0, protocol_options={"bids": "execution"})
        lying, _ = negotiate(inst, "vickrey", seed=0, misreport={j: lie}, protocol_options={"bids": "execution"})
        assert profit(truthful, j) >= profit(lying, j) - 1e-9


def test_ssi_is_closer_to_the_optimum_than_cost_blind_auctions_on_the_paper_example():
    inst = instance_from_dict(paper_data())
    best = optimum(inst.cost_model())
    ssi, _ = negotiate(inst, "ssi", seed=0, protocol_options={"opening": False})
    fp, _ = negotiate(inst, "first-price", seed=0, protocol_options={"bids": "execution"})
    assert best.exact and best.D == 19.0
    assert best.D <= ssi.D < fp.D
    # SSI's first round: lowest bid 2 (agent 0 on subtask 4, ties to the lower agent); afterwards
    # joining costs keep everyone else out, so agent 0 takes all six at its own costs, D = 25
    assert ssi.allocation == [0] * 6 and ssi.D == 25.0
    assert ssi.payments == [3.0, 6.0, 5.0, 4.0, 2.0, 5.0]


def test_ssi_bids_include_the_cost_of_joining():
    # agent 1 is slightly cheaper on subtask 1 but joining agent 0 costs 10: SSI keeps one agent
    C = np.array([[1.0, 5.0], [3.0, 2.0]])
    P = np.array([[0.0, 6.0], [4.0, 0.0]])
    inst = Instance(C, P)
    ssi, _ = negotiate(inst, "ssi", seed=0, protocol_options={"opening": False})
    cnp, _ = negotiate(inst, "cnp", seed=0, protocol_options={"bids": "execution"})
    assert ssi.allocation == [0, 0] and ssi.D == 4.0 and ssi.payments == [1.0, 3.0]
    assert cnp.allocation == [0, 1] and cnp.D == 13.0


def test_ssi_one_subtask_per_round():
    inst = generate_instance("small-world", 12, 7, seed=8)
    result, _ = negotiate(inst, "ssi", seed=8, protocol_options={"opening": False})
    assert result.extra["rounds"] == 7 and result.unallocated == []
