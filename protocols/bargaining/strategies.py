"""Concession strategies, found by name: ``time:BETA`` (boulware, linear, conceder),
``tit-for-tat`` (relative), ``random``; and the interface for your own.

A strategy is any object with ``offer(turn) -> price``: the price its side
would offer in round ``turn.t``. The mechanism asks for it every time the side
moves and accepts the standing offer when that is at least as good, so a
strategy decides only how fast to concede; offers beyond the side's
reservation price are moved back to it. Register a class to use it by name
(the text after ``name:`` is passed to the constructor as a string):

>>> @STRATEGIES.register("doc-halfway")
... class Halfway:
...     def offer(self, turn):
...         return turn.price_at(0.5)   # always half way from the opening to the reservation price
>>> from protocols.bargaining import bargain
>>> bargain("doc-halfway", "linear", buyer_prices=(0, 10), seller_prices=(10, 0), deadline=10).price
5.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mas.errors import InputError
from mas.registry import Registry
from protocols.bargaining.utility import LinearUtility

STRATEGIES = Registry("strategy")

#: beta of the named time-dependent tactics (the exponents of NegMAS's PolyAspiration:
#: concession t^4, t, t^0.25)
BETAS = {"boulware": 0.25, "linear": 1.0, "conceder": 4.0}


@dataclass(frozen=True)
class Turn:
    """What a strategy sees when its side moves.

    Attributes
    ----------
    t : the round, 0 .. deadline - 1 (the buyer moves in even rounds).
    deadline : T, the number of rounds.
    role : ``"buyer"`` or ``"seller"``.
    utility : the side's :class:`LinearUtility` (``ip``, ``rv``).
    mine, theirs : the offers made so far by this side and by the other, oldest first.
    rng : a numpy Generator, the one source of randomness of the run.
    """

    t: int
    deadline: int
    role: str
    utility: LinearUtility
    mine: tuple[float, ...]
    theirs: tuple[float, ...]
    rng: np.random.Generator

    @property
    def ip(self) -> float:
        return self.utility.ip

    @property
    def rv(self) -> float:
        return self.utility.rv

    def price_at(self, concession: float) -> float:
        """IP + concession (RV - IP): 0 is the opening price, 1 the reservation price."""
        return self.utility.price_at(concession)


def _number(field: str, text) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InputError(field, text, "must be a number") from None
    if not math.isfinite(value):
        raise InputError(field, text, "must be a finite number")
    return value


@STRATEGIES.register("time")
class TimeDependent:
    """Faratin's time-dependent tactic: offer IP + a(t) (RV - IP), a(t) = (t / T) ** (1 / beta).

    beta < 1 is Boulware (holds out, concedes near the deadline), beta = 1
    linear, beta > 1 Conceder (concedes early). ``time:BETA`` by name.

    Examples
    --------
    >>> s = make("time:2")
    >>> s.beta, make("boulware").beta
    (2.0, 0.25)
    """

    def __init__(self, beta: float | str = 1.0) -> None:
        self.beta = _number("time:BETA", beta)
        if self.beta <= 0:
            raise InputError("time:BETA", beta, "beta must be > 0")

    def concession(self, t: int, deadline: int) -> float:
        """a(t), the share of the way from IP to RV conceded in round t."""
        return (t / deadline) ** (1.0 / self.beta)

    def offer(self, turn: Turn) -> float:
        return turn.price_at(self.concession(turn.t, turn.deadline))

    def __repr__(self) -> str:
        return f"time:{self.beta:g}"


def _named(beta: float):
    def factory(*arg):
        if arg:
            raise InputError("strategy", arg[0], "a named time-dependent tactic takes no parameter; use time:BETA")
        return TimeDependent(beta)

    return factory


for _name, _beta in BETAS.items():
    STRATEGIES.register(_name)(_named(_beta))


@STRATEGIES.register("tit-for-tat")
class RelativeTitForTat:
    """Relative tit-for-tat (Faratin et al. 1998, delta = 1): concede in proportion to the opponent.

    When the opponent's last offer closed a share r of the gap it faced (from
    its previous offer to ours), this side closes the same share r of the gap it
    faces now: ``mine[-1] + r (theirs[-1] - mine[-1])``. Until the opponent has
    made two offers it offers its initial price. Faratin's own formula scales
    the offer by the ratio of the opponent's prices, which stays stuck at a
    price of 0; the share of the gap works at any price.

    Examples
    --------
    >>> from protocols.bargaining import bargain
    >>> r = bargain("tit-for-tat", "linear", buyer_prices=(0, 10), seller_prices=(10, 0), deadline=10)
    >>> r.agreement, r.round, r.offers[:4]   # the buyer holds 0 until the seller has moved twice
    (True, 9, [0.0, 9.0, 0.0, 7.0])
    """

    def offer(self, turn: Turn) -> float:
        if len(turn.theirs) < 2 or not turn.mine:
            return turn.ip
        before, last, mine = turn.theirs[-2], turn.theirs[-1], turn.mine[-1]
        faced = mine - before
        r = (last - before) / faced if faced else 0.0
        return mine + min(max(r, 0.0), 1.0) * (last - mine)

    def __repr__(self) -> str:
        return "tit-for-tat"


@STRATEGIES.register("random")
class RandomOffers:
    """Offers a uniformly random price between IP and RV every round (a baseline)."""

    def offer(self, turn: Turn) -> float:
        return turn.price_at(float(turn.rng.random()))

    def __repr__(self) -> str:
        return "random"


def make(spec):
    """A strategy object from a name (``linear``, ``time:0.5``, ``tit-for-tat``) or an object.

    Raises
    ------
    InputError for an unknown name, a bad parameter or an object without ``offer``.

    Examples
    --------
    >>> make("conceder").beta
    4.0
    >>> make("tough")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: strategy = 'tough': unknown; choose one of time, boulware, linear, conceder, tit-for-tat, random
    """  # noqa: E501 -- a doctest's exception line cannot wrap
    if not isinstance(spec, str):
        if callable(getattr(spec, "offer", None)):
            return spec
        raise InputError("strategy", spec, "must be a name or an object with offer(turn)")
    name, sep, arg = spec.strip().partition(":")
    factory = STRATEGIES.get(name)
    try:
        return factory(arg) if sep else factory()
    except TypeError:
        raise InputError("strategy", spec, f"{name} takes no parameter") from None


def describe(spec) -> str:
    """The name under which a strategy is reported."""
    return spec if isinstance(spec, str) else repr(spec)
