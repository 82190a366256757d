"""M/M/1 and M/M/c queues (Erlang C), as the textbooks give them -- not as the seeds do.

With arrival rate lambda, service rate mu per server and c servers:
a = lambda / mu, rho = a / c < 1,

    P0  = [ sum_{k<c} a^k / k!  +  a^c / (c! (1 - rho)) ]^-1
    C   = a^c / (c! (1 - rho)) * P0              (Erlang C: probability of waiting)
    Wq  = C / (c mu - lambda),   W = Wq + 1/mu,   Lq = lambda Wq,   L = lambda W

M/M/1 is c = 1: P0 = 1 - rho, L = rho / (1 - rho), W = 1 / (mu - lambda),
Wq = rho / (mu - lambda). An unstable system (rho >= 1) raises
``UnstableQueueError`` instead of returning a negative time.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from mas.errors import InputError


class UnstableQueueError(InputError):
    """rho >= 1: the queue grows without bound, so no steady-state figures exist."""


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state figures of an M/M/c queue (times in the unit of 1 / rate)."""

    arrival_rate: float
    service_rate: float
    servers: int
    rho: float
    P0: float
    erlang_c: float
    Lq: float
    L: float
    Wq: float
    W: float

    def to_dict(self) -> dict:
        return asdict(self)


def _check_rates(arrival_rate: float, service_rate: float, servers: int) -> None:
    for name, v in (("arrival rate", arrival_rate), ("service rate", service_rate)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            raise InputError(name, v, "must be a finite number > 0")
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 1:
        raise InputError("servers", servers, "must be an integer >= 1")


def mmc(arrival_rate: float, service_rate: float, servers: int = 1) -> QueueMetrics:
    """Steady-state figures of the M/M/c queue.

    Parameters
    ----------
    arrival_rate : float
        lambda, arrivals per unit time (> 0).
    service_rate : float
        mu, services per unit time of one server (> 0).
    servers : int
        c (default 1).

    Returns
    -------
    QueueMetrics

    Raises
    ------
    UnstableQueueError
        If rho = lambda / (c mu) >= 1.

    Examples
    --------
    >>> q = mmc(2, 3, 2)
    >>> round(q.P0, 12), round(q.erlang_c, 12), round(q.Wq, 12), round(q.W, 12)
    (0.5, 0.166666666667, 0.041666666667, 0.375)
    """
    _check_rates(arrival_rate, service_rate, servers)
    lam, mu, c = float(arrival_rate), float(service_rate), servers
    a = lam / mu
    rho = a / c
    if rho >= 1:
        raise UnstableQueueError("rho", rho, f"lambda / (c mu) = {lam:g} / ({c} x {mu:g}) >= 1: the system "
                                             "is unstable, the queue grows without bound")
    # in logs, so that large c and a do not overflow a^k / k!
    # a^k / k! peaks at k ~ a; beyond a + 40 sqrt(a) + 100 the terms are below e^-800 of the peak and
    # vanish in a float sum, so a huge c costs no more than a small one
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(min(c, int(a + 40 * math.sqrt(a)) + 100))]
    log_tail = c * math.log(a) - math.lgamma(c + 1) - math.log1p(-rho)
    top = max(max(logs), log_tail)
    log_sum = top + math.log(sum(math.exp(x - top) for x in logs) + math.exp(log_tail - top))
    p0 = math.exp(-log_sum)
    erlang_c = math.exp(log_tail - log_sum)
    wq = erlang_c / (c * mu - lam)
    w = wq + 1.0 / mu
    return QueueMetrics(lam, mu, c, rho, p0, erlang_c, lam * wq, lam * w, wq, w)


def mm1(arrival_rate: float, service_rate: float) -> QueueMetrics:
    """Steady-state figures of the M/M/1 queue (P0 = 1 - rho, W = 1 / (mu - lambda)).

    Examples
    --------
    >>> q = mm1(16, 20)
    >>> round(q.L, 12), round(q.Lq, 12), round(q.W, 12), round(q.Wq, 12)
    (4.0, 3.2, 0.25, 0.2)
    """
    _check_rates(arrival_rate, service_rate, 1)
    lam, mu = float(arrival_rate), float(service_rate)
    rho = lam / mu
    if rho >= 1:
        raise UnstableQueueError("rho", rho, f"lambda / mu = {lam:g} / {mu:g} >= 1: the system is unstable, "
                                             "the queue grows without bound")
    return QueueMetrics(lam, mu, 1, rho, 1 - rho, rho, rho * rho / (1 - rho), rho / (1 - rho),
                        rho / (mu - lam), 1 / (mu - lam))
