"""Strategies that pick the best participant set of each size k.

A strategy is a function ``(model, ks, **options) -> {k: participants}``
(participants as a list of agent indices; a k may be missing when no set of
that size is feasible). Under ``model.participation == "working"`` a strategy
returns only sets in which every agent executes a subtask under the
allocation rule. Strategies register by name, so the CLI and user code
find them the same way; a new strategy is one new module declared below
(imported when its name is first looked up, mas/registry.py).
"""

from __future__ import annotations

import bisect

from mas.registry import Registry
from mas.selection.policy import sweep_strategy

STRATEGIES = Registry("strategy", also=("auto",))
for _name, _module in (("exhaustive", "exhaustive"), ("greedy", "greedy"), ("local", "local_search"),
                       ("milp", "milp")):
    STRATEGIES.declare(_name, f"mas.selection.{_module}")
register = STRATEGIES.register
get = STRATEGIES.get

#: strategies that take ``progress=`` (a callable ``progress(label, done, total)``; see
#: :meth:`mas.costs.CostModel.sweep`)
REPORTING = ("greedy", "local", "milp")


class NestedSets(dict):
    """{k: the first k agents of ``order``}: lets a sweep evaluate every k in one pass.

    An order shorter than some k (a strategy that found no set that large) leaves that k out.
    """

    def __init__(self, order, ks) -> None:
        self.order = list(order)
        wanted = set(ks)
        sets, prefix = {}, []
        # one insertion per agent instead of sorting every prefix (n = 5000: 12.5 million entries)
        for k, j in enumerate(self.order[: max(wanted, default=0)], start=1):
            bisect.insort(prefix, j)
            if k in wanted:
                sets[k] = prefix.copy()
        super().__init__({k: sets[k] for k in ks if k in sets})


def resolve(name: str | None, model) -> str:
    """The concrete strategy for ``name``; None or "auto" ask :func:`mas.selection.policy.sweep_strategy`."""
    if name in (None, "auto"):
        return sweep_strategy(model.n)
    get(name)
    return name

__all__ = ["STRATEGIES", "NestedSets", "get", "register", "resolve"]
