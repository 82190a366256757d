"""Alternating offers: the issue's example, hand-worked cases, strategies, properties, the tournament."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.errors import InputError
from protocols.bargaining import STRATEGIES, AlternatingOffers, LinearUtility, Turn, bargain, make, side, tournament
from protocols.bargaining.strategies import TimeDependent


def test_issue_example_linear_vs_linear_agrees_in_round_6_at_5():
    """Buyer 0,10, seller 10,0, T = 10, both linear (a(t) = t/10): buyer offers t, seller 10 - t.

    t=0 buyer offers 0; t=1 seller: 0 < 9, offers 9; t=2 buyer: 9 > 2, offers 2; t=3 seller
    offers 7; t=4 buyer 4; t=5 seller: 4 < 5, offers 5; t=6 buyer: 5 <= 6, accepts 5.
    Utilities (10-5)/10 = 0.5 and (5-0)/10 = 0.5; 6 offers + 1 accept = 7 messages.
    """
    r = bargain("linear", "linear", buyer_prices=(0, 10), seller_prices=(10, 0), deadline=10)
    assert (r.agreement, r.round, r.price) == (True, 6, 5.0)
    assert r.offers == [0.0, 9.0, 2.0, 7.0, 4.0, 5.0]
    assert r.utilities == {"buyer": 0.5, "seller": 0.5}
    assert r.rounds == len(r.messages) == 7
    assert [m["performative"] for m in r.messages] == ["propose"] * 6 + ["accept-proposal"]
    assert r.messages[-1] == {"round": 6, "sender": "buyer", "receiver": "seller",
                              "performative": "accept-proposal", "price": 5.0}
    assert [m.by for m in r.moves] == ["buyer", "seller"] * 3 + ["buyer"]
    assert r.moves[-1].action == "accept"


def test_conceder_buyer_meets_boulware_seller_in_the_last_round():
    """T = 4, buyer conceder (beta 4: a = (t/4)^(1/4)), seller boulware (beta 1/4: a = (t/4)^4).

    t=0 buyer 0; t=1 seller 10 - 10/256 = 9.9609375; t=2 buyer 10 * 0.5^(1/4) = 8.4090;
    t=3 (last) seller's own 10 - 10 * (3/4)^4 = 6.8359 <= 8.4090: accepts 10 * 2^(-1/4).
    Buyer utility 1 - 2^(-1/4) = 0.1591, seller 2^(-1/4) = 0.8409.
    """
    r = bargain("conceder", "boulware", deadline=4)
    assert (r.agreement, r.round) == (True, 3)
    assert r.offers == pytest.approx([0.0, 9.9609375, 10 * 2 ** -0.25])
    assert r.price == pytest.approx(10 * 2 ** -0.25)
    assert r.utilities["buyer"] == pytest.approx(1 - 2 ** -0.25)
    assert r.utilities["seller"] == pytest.approx(2 ** -0.25)


def test_no_zone_no_agreement_and_the_last_mover_breaks_off():
    """Buyer pays at most 4, seller takes at least 6: nothing is ever acceptable.

    Rounds 0..8 are offers (9), round 9 is the seller's (odd): it rejects; utilities 0.
    """
    r = bargain("linear", "linear", buyer_prices=(0, 4), seller_prices=(10, 6), deadline=10)
    assert not r.agreement and r.round is None and r.price is None
    assert len(r.offers) == 9 and r.rounds == len(r.messages) == 10
    assert r.messages[-1]["performative"] == "reject-proposal"
    assert r.moves[-1].action == "reject" and r.moves[-1].by == "seller"
    assert r.utilities == {"buyer": 0.0, "seller": 0.0} and r.nash_product == 0.0


def test_deadline_two_is_an_offer_and_an_answer():
    """T = 2: buyer offers 0; the seller's own offer at t=1 is 10 - 10/2 = 5 > 0, and t=1 is last."""
    r = bargain("linear", "linear", deadline=2)
    assert [m.action for m in r.moves] == ["offer", "reject"]
    r = bargain("linear", "conceder", buyer_prices=(4, 10), seller_prices=(10, 0), deadline=2)
    # seller conceder: 10 - 10 * (1/2)^(1/4) = 1.59 <= 4: accepts the buyer's opening 4
    assert (r.agreement, r.round, r.price) == (True, 1, 4.0)


def test_time_dependent_offer_formula():
    """Offer = IP + (t/T)^(1/beta) (RV - IP); named defaults beta 0.25, 1, 4."""
    s = make("time:2")
    turn = Turn(t=4, deadline=10, role="buyer", utility=LinearUtility(2, 12), mine=(), theirs=(),
                rng=np.random.default_rng(0))
    assert s.offer(turn) == pytest.approx(2 + math.sqrt(0.4) * 10)
    assert [make(n).beta for n in ("boulware", "linear", "conceder")] == [0.25, 1.0, 4.0]
    assert repr(make("time:0.5")) == "time:0.5"


def test_offers_beyond_the_reservation_price_are_moved_back():
    """A strategy that asks for 1000 (seller) or offers -50 (buyer) offers its RV / IP bounds."""

    class Wild:
        def __init__(self, price):
            self.price = price

        def offer(self, turn):
            return self.price

    r = bargain(Wild(-50), Wild(1000), buyer_prices=(2, 8), seller_prices=(9, 3), deadline=4)
    assert r.offers == [2.0, 9.0, 2.0]  # clipped to the buyer's [2, 8] and the seller's [3, 9]
    r = bargain(Wild(50), Wild(-1000), buyer_prices=(2, 8), seller_prices=(9, 3), deadline=4)
    # buyer offers its RV 8; the seller's own (clipped) is 3 <= 8: it accepts 8 in round 1
    assert (r.agreement, r.round, r.price) == (True, 1, 8.0)


def test_user_strategy_registered_by_name_in_a_few_lines():
    @STRATEGIES.register("doc-test-third")
    class Third:
        def __init__(self, share="0.33"):
            self.share = float(share)

        def offer(self, turn):
            return turn.price_at(self.share)

    try:
        r = bargain("doc-test-third:0.5", "doc-test-third:0.5", deadline=10)
        # buyer offers 5, seller's own is 5 >= ... seller accepts 5 in round 1
        assert (r.agreement, r.round, r.price) == (True, 1, 5.0)
        assert "doc-test-third" not in STRATEGIES.names()
    finally:
        del STRATEGIES["doc-test-third"]


def test_tit_for_tat_mirrors_the_share_of_the_gap():
    """Seller TFT vs buyer linear, buyer 0,10, seller 10,0, T = 10.

    t=0 b 0; t=1 s (one buyer offer) 10; t=2 b 2; t=3 s: the buyer closed (2-0)/(10-0) = 0.2
    of the gap, so the seller closes 0.2 of its gap 10 - 2: 10 - 1.6 = 8.4.
    """
    r = bargain("linear", "tit-for-tat", deadline=10)
    assert r.offers[:4] == pytest.approx([0.0, 10.0, 2.0, 8.4])
    both = bargain("tit-for-tat", "tit-for-tat", deadline=10)
    assert not both.agreement and set(both.offers) == {0.0, 10.0}  # nobody moves first


@pytest.mark.parametrize("spec, field", [("tough", "strategy"), ("time:0", "time:BETA"),
                                         ("time:x", "time:BETA"), ("boulware:2", "strategy"),
                                         ("tit-for-tat:1", "strategy")])
def test_bad_strategies_are_input_errors(spec, field):
    with pytest.raises(InputError) as e:
        make(spec)
    assert e.value.field == field


@pytest.mark.parametrize("kw, field", [
    ({"buyer_prices": (10, 0)}, "buyer_prices"), ({"seller_prices": (0, 10)}, "seller_prices"),
    ({"buyer_prices": (3, 3)}, "buyer_prices"), ({"buyer_prices": "1,2,3"}, "buyer_prices"),
    ({"seller_prices": "a,b"}, "seller_prices"), ({"seller_prices": (10, math.inf)}, "seller_prices"),
    ({"deadline": 1}, "deadline"), ({"deadline": 2.5}, "deadline")])
def test_bad_prices_and_deadlines_are_input_errors(kw, field):
    with pytest.raises(InputError) as e:
        bargain(**kw)
    assert e.value.field == field


def test_nan_offer_is_an_input_error():
    class Broken:
        def offer(self, turn):
            return math.nan

    with pytest.raises(InputError, match="offered nan"):
        bargain(Broken(), "linear")


def test_stepping_is_the_same_as_running():
    mech = AlternatingOffers(10)
    state = mech.start(side("buyer", "linear", (0, 10)), side("seller", "linear", (10, 0)))
    moves = []
    while not state.done:
        moves.append(mech.step(state))
    assert [m.price for m in moves] == [0, 9, 2, 7, 4, 5, 5]
    with pytest.raises(InputError):
        mech.step(state)


# -- properties ----------------------------------------------------------------------------------

prices = st.floats(0, 100, allow_nan=False, allow_infinity=False)
names = st.sampled_from(["boulware", "linear", "conceder", "tit-for-tat", "random", "time:0.5", "time:3"])


@st.composite
def price_pairs(draw):
    """A buyer (IP < RV) and a seller (IP > RV), zones empty or not."""
    b = sorted(draw(st.lists(prices, min_size=2, max_size=2, unique=True)))
    s = sorted(draw(st.lists(prices, min_size=2, max_size=2, unique=True)), reverse=True)
    return tuple(b), tuple(s)


@settings(max_examples=60)
@given(beta_b=st.floats(0.05, 1.0), beta_c=st.floats(1.0, 20.0), opponent=names, pp=price_pairs(),
       deadline=st.integers(2, 30), seed=st.integers(0, 2**32), role=st.sampled_from(["buyer", "seller"]))
def test_boulware_never_concedes_faster_than_conceder(beta_b, beta_c, opponent, pp, deadline, seed, role):
    """Against the same opponent and seed, in every round both played, the Boulware side's offer
    is at least as good for it as the Conceder's (its concession curve lies below)."""
    (bp, sp), t = pp, np.linspace(0, 1, 11)
    assert (TimeDependent(beta_b).concession(t * deadline, deadline)
            <= TimeDependent(beta_c).concession(t * deadline, deadline) + 1e-12).all()
    runs = []
    for beta in (beta_b, beta_c):
        me = TimeDependent(beta)
        args = (me, opponent) if role == "buyer" else (opponent, me)
        runs.append(bargain(*args, buyer_prices=bp, seller_prices=sp, deadline=deadline, seed=seed))
    u = LinearUtility(*(bp if role == "buyer" else sp))
    mine = [[m.price for m in r.moves if m.by == role and m.action == "offer"] for r in runs]
    for boulware, conceder in zip(*mine):
        assert u(boulware) >= u(conceder) - 1e-9


@settings(max_examples=80)
@given(buyer=names, seller=names, pp=price_pairs(), deadline=st.integers(2, 30), seed=st.integers(0, 2**32))
def test_no_agreement_outside_the_zone(buyer, seller, pp, deadline, seed):
    """Any agreed price lies in [seller RV, buyer RV]; an empty zone never agrees."""
    (bp, sp) = pp
    r = bargain(buyer, seller, buyer_prices=bp, seller_prices=sp, deadline=deadline, seed=seed)
    if r.agreement:
        assert sp[1] <= r.price <= bp[1]
        assert r.utilities["buyer"] >= 0 and r.utilities["seller"] >= 0
    if sp[1] > bp[1]:
        assert not r.agreement
    assert r.rounds <= deadline


@settings(max_examples=30)
@given(buyer=names, seller=names, pp=price_pairs(), deadline=st.integers(2, 30), seed=st.integers(0, 2**32))
def test_same_seed_same_run(buyer, seller, pp, deadline, seed):
    bp, sp = pp
    runs = [bargain(buyer, seller, buyer_prices=bp, seller_prices=sp, deadline=deadline, seed=seed).to_dict()
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_random_strategy_depends_on_the_seed():
    offers = {tuple(bargain("random", "random", deadline=20, seed=s).offers) for s in range(5)}
    assert len(offers) == 5


# -- tournament -----------------------------------------------------------------------------------

def test_tournament_pairs_and_metrics_by_hand():
    """Fixed prices (the issue's example) so every seed plays the same game.

    linear vs linear: agreement at 5 in round 6 (7 rounds), utilities 0.5 each, Nash 0.25.
    """
    t = tournament(["linear", "conceder"], deadline=10, seeds=3, buyer_prices=(0, 10), seller_prices=(10, 0))
    assert [(p.buyer, p.seller) for p in t.pairs] == [("linear", "linear"), ("linear", "conceder"),
                                                      ("conceder", "linear"), ("conceder", "conceder")]
    ll = t.pair("linear", "linear")
    assert (ll.runs, ll.agreement_rate, ll.mean_rounds) == (3, 1.0, 7.0)
    assert (ll.mean_utility_buyer, ll.mean_utility_seller, ll.nash_product) == (0.5, 0.5, 0.25)
    single = bargain("conceder", "linear", deadline=10)
    cl = t.pair("conceder", "linear")
    assert cl.mean_utility_buyer == pytest.approx(single.utilities["buyer"])
    assert cl.nash_product == pytest.approx(single.nash_product)
    assert t.matrix("agreement_rate").shape == (2, 2)


def test_tournament_draws_are_seeded_and_inside_their_halves():
    a = tournament(["random", "linear", "boulware"], deadline=8, seeds=6, base=7).to_dict()
    b = tournament(["random", "linear", "boulware"], deadline=8, seeds=6, base=7).to_dict()
    assert a == b
    c = tournament(["random", "linear", "boulware"], deadline=8, seeds=6, base=8).to_dict()
    assert a != c
    from protocols.bargaining.tournament import scenarios
    for (bip, brv), (sip, srv), _ in scenarios(20, low=2, high=6):
        assert bip == 2 and sip == 6 and 2 <= srv <= 4 <= brv <= 6


@pytest.mark.parametrize("kw, field", [({"strategies": []}, "strategies"),
                                       ({"strategies": ["linear", "linear"]}, "strategies"),
                                       ({"strategies": ["linear", "nope"]}, "strategy"),
                                       ({"strategies": ["linear"], "seeds": 0}, "seeds"),
                                       ({"strategies": ["linear"], "deadline": 0}, "deadline")])
def test_tournament_bad_input(kw, field):
    with pytest.raises(InputError) as e:
        tournament(**kw)
    assert e.value.field == field
