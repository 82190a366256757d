"""Bilateral bargaining: alternating offers over a price with concession strategies.

- :mod:`~protocols.bargaining.utility`: linear utilities between initial and reservation price;
- :mod:`~protocols.bargaining.strategies`: the strategy registry (``time:BETA``, ``boulware``,
  ``linear``, ``conceder``, ``tit-for-tat``, ``random``) and the interface for your own;
- :mod:`~protocols.bargaining.mechanism`: the alternating-offers mechanism (``step(state)``);
- :mod:`~protocols.bargaining.tournament`: every ordered pair of strategies over seeded scenarios;
- :mod:`~protocols.bargaining.topology`: ``settle(model, ...)``, pricing the awarded subtasks of a
  protocol run by alternating offers sent as messages over the topology.
"""

from protocols.bargaining.mechanism import (  # noqa: F401
    AlternatingOffers,
    BargainResult,
    BargainState,
    Move,
    Side,
    bargain,
    parse_prices,
    side,
)
from protocols.bargaining.strategies import BETAS, STRATEGIES, Turn, make  # noqa: F401
from protocols.bargaining.topology import settle  # noqa: F401
from protocols.bargaining.tournament import PairResult, TournamentResult, tournament  # noqa: F401
from protocols.bargaining.utility import LinearUtility  # noqa: F401
