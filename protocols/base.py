"""The shape every protocol shares: a mechanism that advances by ``step(state)``.

``state`` is a read-only :class:`mas.view.ModelView` of the negotiation model:
its tick, inbox (the messages delivered this tick), channel, agents, who holds
what. A protocol reads the inbox, asks agents through their narrow interface
(announce, propose, respond, report), sends the answers, and changes the
allocation only through the view's ``award``, ``release`` and ``give_up``; the
model scores whatever allocation it ends with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from mas.errors import InputError

#: what agents bid: the marginal cost of D (execution + joining the working set) or execution cost alone
BIDS = ("marginal", "execution")


def check_bids(bids: str) -> str:
    """``bids`` if it is one of :data:`BIDS`, else an InputError naming it."""
    if bids not in BIDS:
        raise InputError("bids", bids, f"must be one of {', '.join(BIDS)}")
    return bids


def bid_options(protocol: str, bids: str) -> dict:
    """The protocol option for ``--bids`` (``join`` bids the marginal cost only, and takes none)."""
    if protocol == "join":
        if bids != "marginal":
            raise InputError("--bids", bids, "the join protocol bids the marginal cost of D only")
        return {}
    return {"bids": check_bids(bids)}


@dataclass
class StepResult:
    """What one tick did: finished or not."""

    done: bool

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
