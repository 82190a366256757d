"""Pay rules: what a worker is paid for a (possibly merged) task, and which task bears how much.

A pay rule is any function ``rule(worker, covered) -> (paid, shares)`` where
``covered`` lists ``(task, rect)`` pairs -- the part ``rect`` of ``task`` the
worker covers -- and ``shares`` maps task ids to their part of ``paid``. The
platform never pays less than the bid; the engine checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mas.crowdsourcing.events import Task, Worker
from mas.crowdsourcing.geometry import Rect, area

PayRule = Callable[[Worker, Sequence[tuple[Task, Rect]]], tuple[float, dict]]


def pay_bid(worker: Worker, covered: Sequence[tuple[Task, Rect]]) -> tuple[float, dict]:
    """The default: the worker is paid its bid, shared among the tasks by covered area.

    >>> from mas.crowdsourcing.events import Task, Worker
    >>> w = Worker("w", 0, 0, 0, 10, 10, 5, bid=3.0)
    >>> a, b = Task("a", 0, 0, 0, 2, 1, 5), Task("b", 0, 0, 0, 1, 1, 5)
    >>> pay_bid(w, [(a, a.rect), (b, b.rect)])
    (3.0, {'a': 2.0, 'b': 1.0})
    """
    areas: dict = {}
    for task, r in covered:
        areas[task.id] = areas.get(task.id, 0.0) + area(r)
    total = sum(areas.values())
    paid = float(worker.bid)
    if total <= 0:
        return paid, {k: paid / len(areas) for k in areas} if areas else {}
    return paid, {k: paid * a / total for k, a in areas.items()}
