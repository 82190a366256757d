"""Our alternating offers against NegMAS's SAO mechanism (skipped where negmas is not installed).

``pip install -e ".[test,negmas]"``. Two comparisons on the same linear utilities:

1. our time-dependent strategies inside NegMAS's ``SAOMechanism`` (as a NegMAS
   negotiator, round t = NegMAS's step): the same agreement, price and round
   as our mechanism -- the turn order, the acceptance rule and the deadline agree;
2. NegMAS's own ``BoulwareTBNegotiator`` / ``LinearTBNegotiator`` /
   ``ConcederTBNegotiator`` on integer prices 0..10: the issue's example exactly,
   and elsewhere the same agreement or not, the round within one, the price
   within one unit. They differ because NegMAS's clock is (step + 1) / (T + 1),
   not t / T, and its negotiators pick whole outcomes by utility level.
"""

from __future__ import annotations

import warnings

import pytest

from protocols.bargaining import bargain
from protocols.bargaining.strategies import TimeDependent

negmas = pytest.importorskip("negmas")
from negmas import SAOMechanism, make_issue  # noqa: E402
from negmas.preferences import LinearAdditiveUtilityFunction  # noqa: E402
from negmas.preferences.value_fun import AffineFun  # noqa: E402
from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator, ResponseType, SAONegotiator  # noqa: E402

NEGMAS_TB = {"boulware": BoulwareTBNegotiator, "linear": LinearTBNegotiator, "conceder": ConcederTBNegotiator}
BETA = {"boulware": 0.25, "linear": 1.0, "conceder": 4.0}
CASES = [((0, 10), (10, 0), 10), ((0, 10), (10, 0), 20), ((0, 7), (10, 4), 10), ((0, 4), (10, 6), 10),
         ((0, 9), (10, 2), 30)]


class OurTimeDependent(SAONegotiator):
    """Our tactic and acceptance rule as a NegMAS negotiator: offer IP + (t/T)^(1/beta) (RV - IP)."""

    def __init__(self, ip, rv, beta, **kwargs):
        super().__init__(**kwargs)
        self.ip, self.rv, self.tactic = ip, rv, TimeDependent(beta)

    def own(self, state) -> float:
        return self.ip + self.tactic.concession(state.step, self.nmi.n_steps) * (self.rv - self.ip)

    def propose(self, state, dest=None):
        return (self.own(state),)

    def respond(self, state, source=None):
        price, own = state.current_offer[0], self.own(state)
        ok = price <= own if self.ip < self.rv else price >= own
        return ResponseType.ACCEPT_OFFER if ok else ResponseType.REJECT_OFFER


def _ufuns(issues, bp, sp):
    """Linear in price, 1 at IP and 0 at RV, disagreement 0 -- our LinearUtility."""
    buyer = AffineFun(-1 / (bp[1] - bp[0]), bp[1] / (bp[1] - bp[0]))
    seller = AffineFun(1 / (sp[0] - sp[1]), -sp[1] / (sp[0] - sp[1]))
    return (LinearAdditiveUtilityFunction(values={"price": buyer}, issues=issues, reserved_value=0.0),
            LinearAdditiveUtilityFunction(values={"price": seller}, issues=issues, reserved_value=0.0))


def _run(issues, buyer, seller, bp, sp, deadline):
    mech = SAOMechanism(issues=issues, n_steps=deadline, one_offer_per_step=True)
    ub, us = _ufuns(issues, bp, sp)
    mech.add(buyer, ufun=ub)
    mech.add(seller, ufun=us)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        state = mech.run()
    if state.agreement is None:
        return None, None
    return float(state.agreement[0]), state.step - 1  # NegMAS counts the accepting step as done


@pytest.mark.parametrize("bp, sp, deadline", CASES + [((2, 8), (9, 3), 4), ((0, 10), (10, 0), 2)])
@pytest.mark.parametrize("b", list(BETA))
@pytest.mark.parametrize("s", list(BETA))
def test_same_mechanism_same_outcome(b, s, bp, sp, deadline):
    issues = [make_issue((0.0, 10.0), "price")]
    price, step = _run(issues, OurTimeDependent(*bp, BETA[b], name="buyer"),
                       OurTimeDependent(*sp, BETA[s], name="seller"), bp, sp, deadline)
    ours = bargain(b, s, buyer_prices=bp, seller_prices=sp, deadline=deadline)
    assert (price is not None) == ours.agreement
    if ours.agreement:
        assert price == pytest.approx(ours.price) and step == ours.round


def test_negmas_linear_reproduces_the_issue_example():
    """NegMAS's LinearTBNegotiator on prices 0..10: agreement at 5 in round 6, as ours."""
    price, step = _run([make_issue(11, "price")], LinearTBNegotiator(name="buyer"),
                       LinearTBNegotiator(name="seller"), (0, 10), (10, 0), 10)
    assert (price, step) == (5.0, 6)


@pytest.mark.parametrize("bp, sp, deadline", CASES)
@pytest.mark.parametrize("b", list(NEGMAS_TB))
@pytest.mark.parametrize("s", list(NEGMAS_TB))
def test_negmas_time_based_negotiators_agree_closely(b, s, bp, sp, deadline):
    price, step = _run([make_issue(11, "price")], NEGMAS_TB[b](name="buyer"), NEGMAS_TB[s](name="seller"),
                       bp, sp, deadline)
    ours = bargain(b, s, buyer_prices=bp, seller_prices=sp, deadline=deadline)
    assert (price is not None) == ours.agreement
    if ours.agreement:
        assert abs(price - ours.price) <= 1.0 and abs(step - ours.round) <= 1
