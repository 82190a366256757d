"""The alternating-offers mechanism over a price, advancing by ``step(state)``.

Rounds t = 0, 1, ..., T-1; the buyer moves in even rounds, the seller in odd
ones, the buyer first. The side to move computes the offer its strategy would
make in round t (moved into its own [IP, RV]); it accepts the standing offer
when that is at least as good for it (buyer: price <= its own offer; seller:
price >= its own offer), otherwise its own offer becomes the standing offer.
In the last round, T-1, a side that does not accept breaks off
(``reject``): an offer nobody may answer is not made. No acceptance: no
agreement, and both sides get utility 0 (their reservation price's).

Examples
--------
>>> r = bargain("linear", "linear", buyer_prices=(0, 10), seller_prices=(10, 0), deadline=10)
>>> r.agreement, r.round, r.price, r.utilities
(True, 6, 5.0, {'buyer': 0.5, 'seller': 0.5})
>>> r.offers
[0.0, 9.0, 2.0, 7.0, 4.0, 5.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mas.errors import InputError
from mas.messages import ACCEPT_PROPOSAL, PROPOSE, REJECT_PROPOSAL, Performative
from protocols.bargaining.strategies import Turn, describe, make
from protocols.bargaining.utility import LinearUtility

BUYER, SELLER = "buyer", "seller"
OFFER, ACCEPT, REJECT = "offer", "accept", "reject"
#: the FIPA performative that carries each action
PERFORMATIVE = {OFFER: PROPOSE, ACCEPT: ACCEPT_PROPOSAL, REJECT: REJECT_PROPOSAL}


@dataclass(frozen=True)
class Move:
    """One round: who moved, what it did, at which price (the offer made, accepted or refused)."""

    t: int
    by: str
    action: str
    price: float

    @property
    def performative(self) -> int:
        return PERFORMATIVE[self.action]

    def to_dict(self) -> dict:
        """As a message: round, sender, receiver, FIPA performative, price."""
        return {"round": self.t, "sender": self.by, "receiver": SELLER if self.by == BUYER else BUYER,
                "performative": Performative(self.performative).fipa, "price": self.price}


@dataclass
class Side:
    """A bargainer: its strategy and its utility (initial and reservation price)."""

    role: str
    strategy: object
    utility: LinearUtility
    name: str = ""


@dataclass
class BargainState:
    """Where a negotiation stands; :meth:`AlternatingOffers.step` advances it by one round."""

    buyer: Side
    seller: Side
    deadline: int
    rng: np.random.Generator
    t: int = 0
    moves: list[Move] = field(default_factory=list)
    standing: float | None = None
    price: float | None = None
    done: bool = False

    def mover(self) -> Side:
        return self.buyer if self.t % 2 == 0 else self.seller

    def offers_by(self, role: str) -> tuple[float, ...]:
        return tuple(m.price for m in self.moves if m.by == role and m.action == OFFER)


@dataclass
class BargainResult:
    """How a negotiation ended.

    ``round`` is the round of the acceptance (None without agreement),
    ``rounds`` the number of rounds played, one message per round (``propose``
    and the closing ``accept-proposal`` or ``reject-proposal``), ``utilities``
    at the agreed price (0 for both without agreement).
    """

    agreement: bool
    round: int | None
    price: float | None
    utilities: dict
    offers: list[float]
    moves: list[Move]
    rounds: int
    buyer: str
    seller: str
    deadline: int

    @property
    def messages(self) -> list[dict]:
        """Every message in order (one per round)."""
        return [m.to_dict() for m in self.moves]

    @property
    def nash_product(self) -> float:
        """u_buyer x u_seller (0 without agreement)."""
        return self.utilities[BUYER] * self.utilities[SELLER]

    def to_dict(self) -> dict:
        return {"agreement": self.agreement, "round": self.round, "price": self.price,
                "utilities": dict(self.utilities), "nash_product": self.nash_product, "offers": list(self.offers),
                "rounds": self.rounds, "messages": self.messages, "buyer": self.buyer, "seller": self.seller,
                "deadline": self.deadline}


class AlternatingOffers:
    """The mechanism: ``start`` a negotiation, ``step`` it one round at a time (or ``run`` it).

    Parameters
    ----------
    deadline : T, the number of rounds (>= 2: an offer and an answer).

    Raises
    ------
    InputError for a deadline below 2.
    """

    name = "alternating-offers"

    def __init__(self, deadline: int = 10) -> None:
        if isinstance(deadline, bool) or not isinstance(deadline, (int, np.integer)) or deadline < 2:
            raise InputError("deadline", deadline, "must be a whole number of rounds >= 2")
        self.deadline = int(deadline)

    def start(self, buyer: Side, seller: Side, *, rng=None) -> BargainState:
        """A fresh negotiation between ``buyer`` and ``seller`` (rng: seed or Generator)."""
        if not buyer.utility.ip < buyer.utility.rv:
            raise InputError("buyer_prices", (buyer.utility.ip, buyer.utility.rv),
                             "a buyer opens below its reservation price (IP < RV)")
        if not seller.utility.ip > seller.utility.rv:
            raise InputError("seller_prices", (seller.utility.ip, seller.utility.rv),
                             "a seller opens above its reservation price (IP > RV)")
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        return BargainState(buyer=buyer, seller=seller, deadline=self.deadline, rng=gen)

    def step(self, state: BargainState) -> Move:
        """Play round ``state.t``: the side to move accepts, offers, or (last round) breaks off."""
        if state.done:
            raise InputError("state", state.t, "the negotiation is over")
        side = state.mover()
        other = SELLER if side.role == BUYER else BUYER
        turn = Turn(t=state.t, deadline=state.deadline, role=side.role, utility=side.utility,
                    mine=state.offers_by(side.role), theirs=state.offers_by(other), rng=state.rng)
        wanted = float(side.strategy.offer(turn))
        if not math.isfinite(wanted):
            raise InputError("strategy", side.name, f"offered {wanted} in round {state.t}")
        own = side.utility.clip(wanted)
        if state.standing is not None and side.utility.at_least_as_good(state.standing, own):
            move = Move(state.t, side.role, ACCEPT, state.standing)
            state.price = state.standing
            state.done = True
        elif state.t == state.deadline - 1:
            move = Move(state.t, side.role, REJECT, state.standing)
            state.done = True
        else:
            move = Move(state.t, side.role, OFFER, own)
            state.standing = own
        state.moves.append(move)
        state.t += 1
        return move

    def run(self, state: BargainState) -> BargainResult:
        while not state.done:
            self.step(state)
        return result(state)


def result(state: BargainState) -> BargainResult:
    """The outcome of a finished (or stopped) negotiation."""
    agreed = state.price is not None
    utilities = ({BUYER: state.buyer.utility(state.price), SELLER: state.seller.utility(state.price)}
                 if agreed else {BUYER: 0.0, SELLER: 0.0})
    return BargainResult(
        agreement=agreed, round=state.moves[-1].t if agreed else None, price=state.price,
        utilities=utilities, offers=[m.price for m in state.moves if m.action == OFFER],
        moves=list(state.moves), rounds=len(state.moves),
        buyer=state.buyer.name, seller=state.seller.name, deadline=state.deadline)


def parse_prices(field_name: str, text) -> tuple[float, float]:
    """``"IP,RV"`` (or a pair) as two floats; InputError naming ``field_name`` otherwise.

    >>> parse_prices("buyer_prices", "0,10")
    (0.0, 10.0)
    """
    parts = text.split(",") if isinstance(text, str) else list(text)
    if len(parts) != 2:
        raise InputError(field_name, text, "give two prices, IP,RV")
    try:
        ip, rv = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise InputError(field_name, text, "prices must be numbers") from None
    return ip, rv


def side(role: str, strategy, prices) -> Side:
    """A :class:`Side` from a strategy spec (or object) and its (IP, RV)."""
    ip, rv = parse_prices(f"{role}_prices", prices)
    return Side(role, make(strategy), LinearUtility(ip, rv, f"{role}_prices"), describe(strategy))


def bargain(buyer="linear", seller="linear", *, buyer_prices=(0.0, 10.0), seller_prices=(10.0, 0.0),
            deadline: int = 10, seed=None) -> BargainResult:
    """One alternating-offers negotiation over a price.

    Parameters
    ----------
    buyer, seller : strategy names (``boulware``, ``linear``, ``conceder``,
        ``time:BETA``, ``tit-for-tat``, ``random``, or your own registered one)
        or strategy objects.
    buyer_prices, seller_prices : (IP, RV) or ``"IP,RV"``: the buyer needs IP < RV, the seller IP > RV.
    deadline : T rounds.
    seed : int or numpy Generator for strategies that draw.

    Returns
    -------
    :class:`BargainResult`.

    Raises
    ------
    InputError for unknown strategies, bad prices or deadline.
    """
    mech = AlternatingOffers(deadline)
    state = mech.start(side(BUYER, buyer, buyer_prices), side(SELLER, seller, seller_prices), rng=seed)
    return mech.run(state)
