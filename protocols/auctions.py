"""Reverse sealed-bid auctions (the lowest bid wins): first-price and second-price.

Each subtask is auctioned in its own conversation, with the message flow of
contract net (``cfp``, sealed ``propose`` bids, ``accept-proposal`` /
``reject-proposal``, ``inform``) and its bids (by default the marginal cost of
D, the cfp carrying the working set); only the payment differs. Under
``capacity`` the second price is the lowest bid among the *other agents that
could still take the subtask*: an agent at capacity is no competitor.
"""

from __future__ import annotations

import numpy as np

from protocols.contract_net import ContractNet
from protocols.registry import register


def second_price(bids) -> tuple[int, float]:
    """Winner (index of the lowest bid, ties: first) and its Vickrey payment.

    The payment is the second-lowest bid; a lone bidder is paid its own bid
    (no reserve price).

    Examples
    --------
    >>> second_price([5.0, 3.0, 4.0])
    (1, 4.0)
    """
    bids = np.asarray(bids, dtype=float)
    order = np.argsort(bids, kind="stable")
    w = int(order[0])
    return w, float(bids[order[1]] if bids.size > 1 else bids[w])


def first_price(bids) -> tuple[int, float]:
    """Winner (lowest bid, ties: first) and its payment, its own bid."""
    bids = np.asarray(bids, dtype=float)
    w = int(np.argmin(bids))
    return w, float(bids[w])


@register("first-price")
class FirstPrice(ContractNet):
    """First-price sealed-bid reverse auction: the winner is paid its bid."""

    def price(self, winner_bid: float, others: np.ndarray) -> float:
        return float(winner_bid)


@register("vickrey")
class Vickrey(ContractNet):
    """Second-price (Vickrey) reverse auction: the winner is paid the second-lowest bid,
    so bidding one's true cost is a dominant strategy."""

    def price(self, winner_bid: float, others: np.ndarray) -> float:
        """The lowest bid of the other agents that could still take it; alone, its own bid."""
        return float(others.min()) if others.size else float(winner_bid)
