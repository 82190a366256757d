"""Reverse sealed-bid auctions (the lowest cost wins): first-price and second-price.

Each subtask is auctioned in its own conversation, with the message flow of
contract net (``cfp``, sealed ``propose`` bids, ``accept-proposal`` /
``reject-proposal``, ``inform``); only the payment differs. With truthful
bidders both allocate every subtask to its cheapest agent.
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

    def price(self, bids_sorted: np.ndarray) -> float:
        return float(bids_sorted[0])


@register("vickrey")
class Vickrey(ContractNet):
    """Second-price (Vickrey) reverse auction: the winner is paid the second-lowest bid,
    so bidding one's true cost is a dominant strategy."""

    def price(self, bids_sorted: np.ndarray) -> float:
        return float(bids_sorted[1] if bids_sorted.size > 1 else bids_sorted[0])
