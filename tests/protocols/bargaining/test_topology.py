"""Pricing a protocol's allocation by alternating offers over the topology (settle, --pricing bargain)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.errors import InputError
from mas.instance import generate_instance, instance_from_dict
from protocols import negotiate
from protocols.bargaining import bargain, settle
from protocols.bargaining.topology import CONVERSATION_BASE

TWO = instance_from_dict({"execution_cost": [[None, 4]], "transmission_cost": [[0, 3], [3, 0]]})


def test_hand_worked_pair():
    """Initiator 0 (cannot execute) buys subtask 0 from agent 1 (cost 4), pair cost 3, one hop.

    Budget 8: buyer (0, 8), seller opens at (1 + 1) x 4 = 8, RV 4; both linear, T = 10:
    buyer offers 0.8 t, seller 8 - 0.4 t: 0, 7.6, 1.6, 6.8, 3.2, 6.0, 4.8, 5.2; at t = 8 the
    buyer's own 6.4 >= 5.2: accepts 5.2. Nine messages of cost 3 = 27, one tick each.
    """
    plain, _ = negotiate(TWO, "cnp", seed=0)
    result, model = negotiate(TWO, "cnp", seed=0, pricing="bargain", pricing_options={"budget": 8})
    pr = result.extra["pricing"]
    assert pr["payments"] == [pytest.approx(5.2)] and pr["rounds"] == [9]
    assert (pr["bargained"], pr["agreed"], pr["agreement_rate"], pr["mean_rounds"]) == (1, 1, 1.0, 9.0)
    rec = pr["subtasks"][0]
    assert (rec["winner"], rec["cost"], rec["budget"], rec["round"], rec["messages"], rec["ticks"]) == \
        (1, 4.0, 8.0, 8, 9, 9)
    assert rec["communication_cost"] == pr["communication_cost"] == 27.0
    assert result.payments == [pytest.approx(5.2)] and model.payments[0] == pytest.approx(5.2)
    assert result.communication_cost == plain.communication_cost + 27.0
    assert result.messages["sent"] == plain.messages["sent"] + 9
    assert result.ticks == plain.ticks + 10  # the opening is sent one tick after the protocol's last
    assert result.to_dict()["pricing"]["payments"] == pr["payments"]
    assert result.D == plain.D  # pricing never changes the allocation


def test_messages_on_the_channel_are_fipa_bargaining_messages():
    """The same run message by message: propose x 8 then accept-proposal, alternating senders."""
    _, model = negotiate(TWO, "cnp", seed=0)
    sent = []
    original = model.channel.send

    def record(sender, receiver, performative, **kw):
        sent.append((int(sender), int(np.atleast_1d(receiver)[0]), performative, float(kw["content"]),
                     kw["conversation"], kw["tick"]))
        return original(sender, receiver, performative, **kw)

    model.channel.send = record  # the channel keeps no history of its own
    settle(model, budget=8)
    assert [s[0] for s in sent] == [0, 1] * 4 + [0]
    assert [s[2] for s in sent] == [1] * 8 + [3]  # PROPOSE, then ACCEPT_PROPOSAL
    assert [s[3] for s in sent] == pytest.approx([0, 7.6, 1.6, 6.8, 3.2, 6.0, 4.8, 5.2, 5.2])
    assert {s[4] for s in sent} == {CONVERSATION_BASE}
    assert np.diff([s[5] for s in sent]).tolist() == [1] * 8  # one hop: one tick per message


def _settled(inst, protocol="cnp", seed=1, **options):
    loss = options.pop("loss", 0.0)
    # execution bids spread the subtasks over many winners, so there is plenty to bargain over
    protocol_options = {"bids": options.pop("bids", "execution")}
    result, model = negotiate(inst, protocol, seed=seed, loss=loss, pricing="bargain", pricing_options=options,
                              protocol_options=protocol_options)
    return result, model, result.extra["pricing"]


def test_cost_grows_with_rounds_times_the_pair_cost():
    """Loss-free: every talk sends one message per round over its pair, one latency per round."""
    inst = generate_instance("small-world", 12, 8, seed=1)
    # execution bids spread the subtasks over many winners, at 1, 2 and 3 hops
    result, model, pr = _settled(inst, "cnp", seed=1, buyer="boulware", seller="linear", bids="execution")
    assert pr["bargained"] == 8
    assert {int(model.channel.latency[model.initiator, r["winner"]]) for r in pr["subtasks"]} == {1, 2, 3}
    for rec in pr["subtasks"]:
        pair = (model.initiator, rec["winner"])
        assert rec["messages"] == rec["rounds"] and rec["resent"] == 0
        assert rec["communication_cost"] == pytest.approx(rec["rounds"] * model.channel.costs[pair])
        assert rec["ticks"] == rec["rounds"] * model.channel.latency[pair]
    assert pr["communication_cost"] == pytest.approx(sum(r["communication_cost"] for r in pr["subtasks"]))
    assert pr["messages"]["sent"] == sum(r["rounds"] for r in pr["subtasks"])


def test_each_talk_is_the_mechanism_with_the_documented_prices():
    """Winner's (IP, RV) = ((1 + markup) c, c), initiator's (0, budget): the same outcome as bargain()."""
    inst = generate_instance("random", 10, 6, seed=5, p=0.4)
    for markup, budget in ((1.0, None), (0.5, 7.0)):
        _, model, pr = _settled(inst, seed=5, buyer="conceder", seller="time:0.5", markup=markup, budget=budget)
        for rec in pr["subtasks"]:
            s, w = rec["subtask"], rec["winner"]
            cap = budget if budget is not None else float(np.max(model.C[s][np.isfinite(model.C[s])]))
            assert rec["budget"] == cap
            alone = bargain("conceder", "time:0.5", buyer_prices=(0, cap),
                            seller_prices=((1 + markup) * model.C[s, w], model.C[s, w]), deadline=10)
            assert (rec["agreement"], rec["rounds"], rec["price"]) == (alone.agreement, alone.rounds, alone.price)


@settings(max_examples=15)
@given(seed=st.integers(0, 10_000), loss=st.sampled_from([0.1, 0.3, 0.5]),
       pair=st.sampled_from([("linear", "boulware"), ("conceder", "tit-for-tat"), ("boulware", "boulware")]))
def test_lost_offers_are_resent_and_change_only_the_cost(seed, loss, pair):
    """The same loss-free protocol run priced with and without loss on the channel: every talk
    still closes with the loss-free outcome; every lost message is made good by a resend."""
    inst = generate_instance("small-world", 10, 6, seed=seed)
    outcomes = []
    for p in (0.0, loss):
        _, model = negotiate(inst, "cnp", seed=seed, protocol_options={"bids": "execution"})
        model.channel.loss = p  # loss while pricing only, so both price the same allocation
        outcomes.append(settle(model, buyer=pair[0], seller=pair[1]))
    clean, lossy = outcomes
    assert len(clean["subtasks"]) == len(lossy["subtasks"]) > 0
    for a, b in zip(clean["subtasks"], lossy["subtasks"]):
        assert (a["agreement"], a["rounds"], a["price"]) == (b["agreement"], b["rounds"], b["price"])
        assert b["messages"] == b["rounds"] + b["resent"]
        assert b["ticks"] >= a["ticks"] and b["communication_cost"] >= a["communication_cost"]
    m = lossy["messages"]
    assert m["sent"] == m["delivered"] + m["lost"] and m["resent"] >= m["lost"]
    assert clean["messages"]["resent"] == clean["messages"]["lost"] == 0


def test_loss_on_the_whole_run_is_priced_too():
    inst = generate_instance("small-world", 10, 6, seed=0)
    result, _, pr = _settled(inst, seed=0, loss=0.1, buyer="linear", seller="boulware")
    assert pr["messages"]["lost"] > 0 and pr["messages"]["resent"] >= pr["messages"]["lost"]
    assert pr["agreed"] == pr["bargained"] > 0
    assert result.messages["lost"] >= pr["messages"]["lost"]


@settings(max_examples=12)
@given(seed=st.integers(0, 10_000), buyer=st.sampled_from(["boulware", "conceder", "tit-for-tat", "random"]),
       seller=st.sampled_from(["boulware", "linear", "random"]), budget=st.one_of(st.none(), st.floats(1, 12)))
def test_payments_inside_the_zone_and_same_seed_same_run(seed, buyer, seller, budget):
    """Every agreed payment lies in [winner's cost, budget]; the same seed repeats the run exactly."""
    inst = generate_instance("scale-free", 10, 5, seed=seed)
    runs = [_settled(inst, seed=seed, loss=0.2, buyer=buyer, seller=seller, budget=budget)[0].to_dict()
            for _ in range(2)]
    assert runs[0] == runs[1]
    for rec in runs[0]["pricing"]["subtasks"]:
        if rec["agreement"] and rec["rounds"]:
            assert rec["cost"] <= rec["price"] <= rec["budget"]
            assert runs[0]["payments"][rec["subtask"]] == rec["price"]


def test_initiator_own_subtasks_and_free_work_are_not_bargained():
    """Subtask 0 only the initiator can do, subtask 1 costs agent 1 nothing, subtask 2 costs 5."""
    inst = instance_from_dict({"execution_cost": [[1, None], [None, 0], [None, 5]],
                               "transmission_cost": [[0, 2], [2, 0]]})
    result, _, pr = _settled(inst, budget=9)
    assert result.allocation == [0, 1, 1]
    assert [r["subtask"] for r in pr["subtasks"]] == [1, 2]
    free, paid = pr["subtasks"]
    assert free["agreement"] and free["price"] == 0.0 and free["messages"] == 0
    assert paid["agreement"] and 5 <= paid["price"] <= 9
    assert pr["payments"][0] is None and pr["rounds"][0] is None
    assert result.payments[1] == 0.0 and result.payments[2] == paid["price"]


def test_nothing_to_price_sends_nothing():
    inst = instance_from_dict({"execution_cost": [[1, None], [2, 9]], "transmission_cost": [[0, 2], [2, 0]]})
    plain, _ = negotiate(inst, "cnp", seed=0, protocol_options={"bids": "execution"})
    result, _, pr = _settled(inst, budget=9)
    assert result.allocation == [0, 0]
    assert (pr["bargained"], pr["agreement_rate"], pr["mean_rounds"], pr["ticks"]) == (0, None, None, 0)
    assert result.messages == plain.messages and result.ticks == plain.ticks


def test_no_zone_keeps_the_protocol_payment():
    plain, _ = negotiate(TWO, "first-price", seed=0)
    result, _, pr = _settled(TWO, "first-price", seed=0, budget=3)  # cost 4 > budget 3
    assert pr["agreed"] == 0 and pr["agreement_rate"] == 0.0 and pr["rounds"] == [10]
    assert pr["subtasks"][0]["price"] is None and result.payments == plain.payments


@pytest.mark.parametrize("kw, field", [
    ({"pricing": "auction"}, "pricing"), ({"pricing_options": {"budget": 3}}, "pricing_options"),
    ({"pricing": "bargain", "pricing_options": {"budget": -1}}, "budget"),
    ({"pricing": "bargain", "pricing_options": {"markup": 0}}, "markup"),
    ({"pricing": "bargain", "pricing_options": {"deadline": 1}}, "deadline"),
    ({"pricing": "bargain", "pricing_options": {"buyer": "nope"}}, "strategy")])
def test_bad_pricing_input(kw, field):
    with pytest.raises(InputError) as e:
        negotiate(TWO, "cnp", seed=0, **kw)
    assert e.value.field == field


def test_settle_stops_at_max_ticks():
    _, model = negotiate(TWO, "cnp", seed=0)
    pr = settle(model, budget=8, max_ticks=4)
    assert pr["agreed"] == 0 and pr["ticks"] == 4 and "unfinished" in pr["subtasks"][0]["note"]
