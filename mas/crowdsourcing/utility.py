"""Utilities: what a (worker, task) pair is worth to Greedy and TGOA, maximized.

A utility is any function ``utility(worker, task) -> float``. Greedy gives
an arrival the feasible partner of best utility (ties: the lower bid, then
the earliest arrival); TGOA's phase 2 follows a matching of maximum total
utility (ties: the lower total bid). A run reports the sum over its matches.

- ``cost`` (the default): every completed task is worth 1, so the ties decide:
  a task goes to the cheapest worker, and matchings complete the most tasks
  at the lowest total bid.
- ``pay-rate``: the task's pay (``price``) times the worker's ``rate`` (the
  TGOA authors' objective).

Register your own with ``@register_utility("name")``.
"""

from __future__ import annotations

from collections.abc import Callable

from mas.crowdsourcing.events import Task, Worker
from mas.registry import Registry

Utility = Callable[[Worker, Task], float]

UTILITIES = Registry("utility")
#: function decorator: make a utility available by name (``--utility`` on the CLI)
register_utility = UTILITIES.register


@register_utility("cost")
def cost(worker: Worker, task: Task) -> float:
    """One per completed task (the cheaper bid wins the ties).

    >>> cost(Worker("w", 0, 0, 0, 1, 1, 9, bid=4.0), Task("t", 0, 0, 0, 1, 1, 9))
    1.0
    """
    return 1.0


@register_utility("pay-rate")
def pay_rate(worker: Worker, task: Task) -> float:
    """The task's pay times the worker's rate.

    >>> pay_rate(Worker.disc("w", 0, 0, 0, 5, 9, rate=1.5), Task.point("t", 0, 1, 1, 9, price=4))
    6.0
    """
    return task.price * worker.rate


def make_utility(utility: str | Utility = "cost") -> Utility:
    """A utility by registered name, or the function itself.

    Raises
    ------
    InputError
        On an unknown name (the message lists the choices).
    """
    return UTILITIES.get(utility) if isinstance(utility, str) else utility
