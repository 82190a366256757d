"""Every ordered pair of strategies (buyer x seller) over seeded scenarios.

Each seed draws one scenario, shared by every pair (common random numbers):
the buyer opens at ``low`` and the seller at ``high``; the seller's
reservation price is uniform in the lower half of [low, high], the buyer's in
the upper half, so a zone of agreement always exists and whether it is found
depends on the strategies and the deadline. Fixed ``buyer_prices`` /
``seller_prices`` replace the draws (the seeds then matter only to strategies
that draw, like ``random``).

Examples
--------
>>> t = tournament(["boulware", "conceder"], deadline=10, seeds=3)
>>> t.matrix("agreement_rate").tolist()   # rows: buyer boulware, conceder; columns: the seller's
[[0.0, 0.6666666666666666], [1.0, 1.0]]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from mas.errors import InputError
from protocols.bargaining.mechanism import BUYER, SELLER, AlternatingOffers, side
from protocols.bargaining.strategies import make


@dataclass(frozen=True)
class PairResult:
    """One ordered pair over all seeds (means over seeds; disagreement counts as utility 0)."""

    buyer: str
    seller: str
    runs: int
    agreement_rate: float
    mean_utility_buyer: float
    mean_utility_seller: float
    mean_rounds: float
    nash_product: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TournamentResult:
    strategies: list[str]
    deadline: int
    seeds: int
    pairs: list[PairResult]

    def pair(self, buyer: str, seller: str) -> PairResult:
        return next(p for p in self.pairs if p.buyer == buyer and p.seller == seller)

    def matrix(self, metric: str) -> np.ndarray:
        """``metric`` as a (buyer strategy x seller strategy) array, in ``strategies`` order."""
        k = len(self.strategies)
        out = np.empty((k, k))
        index = {s: i for i, s in enumerate(self.strategies)}
        for p in self.pairs:
            out[index[p.buyer], index[p.seller]] = getattr(p, metric)
        return out

    def to_dict(self) -> dict:
        return {"strategies": list(self.strategies), "deadline": self.deadline, "seeds": self.seeds,
                "pairs": [p.to_dict() for p in self.pairs]}


def scenarios(seeds: int, *, low: float = 0.0, high: float = 10.0, base: int = 0,
              buyer_prices=None, seller_prices=None) -> list[tuple]:
    """(buyer (IP, RV), seller (IP, RV), SeedSequence for the strategies) of every replicate.

    Replicate r draws its prices from the r-th child of ``SeedSequence(base)``;
    strategies that draw (``random``) get a stream of their own, independent of the prices.
    """
    if not low < high:
        raise InputError("low, high", (low, high), "need low < high")
    mid = (low + high) / 2
    out = []
    for child in np.random.SeedSequence(base).spawn(seeds):
        prices, play = child.spawn(2)
        s_rv, b_rv = np.random.default_rng(prices).uniform([low, mid], [mid, high])
        out.append((buyer_prices or (low, float(b_rv)), seller_prices or (high, float(s_rv)), play))
    return out


def tournament(strategies, *, deadline: int = 10, seeds: int = 10, base: int = 0, buyer_prices=None,
               seller_prices=None, low: float = 0.0, high: float = 10.0) -> TournamentResult:
    """Play every ordered pair (buyer strategy, seller strategy) on ``seeds`` scenarios.

    Parameters
    ----------
    strategies : names (see :mod:`protocols.bargaining.strategies`); at least one, no repeats.
    deadline : T rounds per negotiation.
    seeds : replicates; replicate r draws its reservation prices from the r-th child of
        ``SeedSequence(base)``.
    buyer_prices, seller_prices : fixed (IP, RV) instead of the draws.
    low, high : the price range of the draws.

    Returns
    -------
    :class:`TournamentResult`: one :class:`PairResult` per ordered pair, buyers in
    ``strategies`` order, then sellers.

    Raises
    ------
    InputError for an empty or repeated list, an unknown strategy, seeds < 1.
    """
    names = [s.strip() for s in strategies]
    if not names:
        raise InputError("strategies", strategies, "name at least one strategy")
    if len(set(names)) != len(names):
        raise InputError("strategies", strategies, "a strategy is named twice")
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise InputError("seeds", seeds, "must be a whole number >= 1")
    for name in names:
        make(name)
    mech = AlternatingOffers(deadline)
    draws = scenarios(int(seeds), low=low, high=high, base=base, buyer_prices=buyer_prices,
                      seller_prices=seller_prices)
    pairs = []
    for b in names:
        for s in names:
            agreed, ub, us, rounds, nash = [], [], [], [], []
            for buyer_prices_r, seller_prices_r, play in draws:
                gen = np.random.default_rng(play)  # every pair replays the replicate's stream
                state = mech.start(side(BUYER, b, buyer_prices_r), side(SELLER, s, seller_prices_r), rng=gen)
                r = mech.run(state)
                agreed.append(r.agreement)
                ub.append(r.utilities[BUYER])
                us.append(r.utilities[SELLER])
                rounds.append(r.rounds)
                nash.append(r.nash_product)
            pairs.append(PairResult(b, s, len(draws), float(np.mean(agreed)), float(np.mean(ub)),
                                    float(np.mean(us)), float(np.mean(rounds)), float(np.mean(nash))))
    return TournamentResult(names, mech.deadline, int(seeds), pairs)
