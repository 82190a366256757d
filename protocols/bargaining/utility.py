"""Utility of a price: linear between a side's initial price (1) and its reservation price (0)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mas.errors import InputError


@dataclass(frozen=True)
class LinearUtility:
    """u(p) = (p - rv) / (ip - rv): 1 at the initial price ``ip``, 0 at the reservation price ``rv``.

    The same formula serves both sides: a buyer has ``ip < rv`` (it opens low and
    pays at most ``rv``), a seller ``ip > rv`` (it opens high and takes at least
    ``rv``). Prices beyond ``rv`` have negative utility, beyond ``ip`` more than 1.

    Parameters
    ----------
    ip : the initial price (the side's first and best offer).
    rv : the reservation price (the worst price it accepts).
    field : what an error names (e.g. ``buyer_prices``).

    Raises
    ------
    InputError when a price is not finite or ``ip == rv``.

    Examples
    --------
    >>> buyer = LinearUtility(0, 10)
    >>> buyer(5), buyer.price_at(0.3), buyer.clip(12)
    (0.5, 3.0, 10.0)
    """

    ip: float
    rv: float
    field: str = "prices"

    def __post_init__(self) -> None:
        for v in (self.ip, self.rv):
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise InputError(self.field, (self.ip, self.rv), "prices must be finite numbers")
        if self.ip == self.rv:
            raise InputError(self.field, (self.ip, self.rv), "the initial and reservation prices must differ")
        object.__setattr__(self, "ip", float(self.ip))
        object.__setattr__(self, "rv", float(self.rv))

    def __call__(self, price: float) -> float:
        return (price - self.rv) / (self.ip - self.rv)

    def price_at(self, concession: float) -> float:
        """The price a share ``concession`` of the way from ip (0) to rv (1)."""
        return self.ip + concession * (self.rv - self.ip)

    def clip(self, price: float) -> float:
        """``price`` moved into [ip, rv] (whichever way round): no side offers beyond its reservation."""
        lo, hi = sorted((self.ip, self.rv))
        return min(max(float(price), lo), hi)

    def at_least_as_good(self, price: float, other: float) -> bool:
        """True when ``price`` is at least as good as ``other`` for this side (compared as prices,
        so equal prices are equal, without rounding)."""
        return price <= other if self.ip < self.rv else price >= other
