"""The shape every protocol shares: a mechanism that advances by ``step(state)``.

``state`` is the :class:`mas.model.NegotiationModel`: its tick, inbox (the
messages delivered this tick), channel, agents, allocation ledger, reasons and
payments. A protocol reads the inbox, asks agents through their narrow
interface (announce, propose, respond, report), sends the answers and updates
the ledger; the model scores whatever allocation it ends with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass
class StepResult:
    """What one tick did: finished or not, and how many subtasks are allocated."""

    done: bool
    allocated: int = 0
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class Mechanism:
    """Base class: override :meth:`step`; :meth:`setup` and :meth:`finish` are optional."""

    name = "mechanism"

    def setup(self, state) -> None:
        """Called once the model has its agents, before the first tick."""

    def step(self, state) -> StepResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self, state) -> dict:
        """Extra fields for the result (e.g. rounds to convergence)."""
        return {}


def group_by(keys: np.ndarray):
    """Yield (key, indices) for every distinct key, in increasing key order."""
    if keys.size == 0:
        return
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], sorted_keys.size]
    for a, b in zip(starts.tolist(), ends.tolist()):
        yield int(sorted_keys[a]), order[a:b]
