"""What a protocol sees of the negotiation model: read-only state and a small API.

A protocol is a mechanism in NegMAS's sense: it reads the state the model
chooses to show (the tick, this tick's inbox, which agents are alive, who
holds what) and changes the allocation only through :meth:`ModelView.award`,
:meth:`ModelView.release` and :meth:`ModelView.give_up`, which check the
model's invariants (one holder per subtask, live holders only, capacity,
feasibility). It talks to agents through their narrow interface
(:mod:`mas.agents`) and to each other over the channel. The cost matrices are
not part of the view: an agent's costs are its private knowledge, asked for by
``propose``.
"""

from __future__ import annotations

import numpy as np


def read_only(a):
    """A view of ``a`` that cannot be written through (a lazy pair matrix is read-only already)."""
    if not isinstance(a, np.ndarray):
        return a
    v = a.view()
    v.flags.writeable = False
    return v


class ModelView:
    """The protocol's window on a :class:`mas.model.NegotiationModel`.

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> from mas.model import NegotiationModel
    >>> class Idle:
    ...     def setup(self, state): pass
    ...     def step(self, state): return type("R", (), {"done": True})()
    >>> view = NegotiationModel(generate_instance("complete", 3, 2, seed=1), Idle(), rng=1).view
    >>> view.allocation.tolist(), view.allocation.flags.writeable
    ([-1, -1], False)
    >>> view.award([0], [1], [2.5])
    >>> view.allocation.tolist(), float(view.payments[0])
    ([1, -1], 2.5)
    """

    __slots__ = ("_model",)

    def __init__(self, model) -> None:
        self._model = model

    # -- what may be read ------------------------------------------------------
    @property
    def tick(self) -> int:
        return self._model.tick

    @property
    def n(self) -> int:
        return self._model.n

    @property
    def m(self) -> int:
        return self._model.m

    @property
    def initiator(self) -> int:
        return self._model.initiator

    @property
    def capacity(self) -> int | None:
        return self._model.capacity

    @property
    def inbox(self) -> np.ndarray:
        """The messages delivered to live agents this tick."""
        return self._model.inbox

    @property
    def channel(self):
        """Where messages are sent (:class:`mas.messages.Channel`)."""
        return self._model.channel

    @property
    def agent_list(self) -> list:
        """The agents by index; protocols use their narrow interface only."""
        return self._model.agent_list

    @property
    def live(self) -> np.ndarray:
        return read_only(self._model.live)

    @property
    def allocation(self) -> np.ndarray:
        """Subtask -> agent (-1: none), read-only."""
        return read_only(self._model._allocation)

    @property
    def payments(self) -> np.ndarray:
        """What the initiator pays per subtask (NaN: nothing yet), read-only."""
        return read_only(self._model._payments)

    @property
    def crashed_now(self) -> np.ndarray:
        """Agents that crashed at the start of this tick."""
        return self._model.crashed_now

    @property
    def released(self) -> np.ndarray:
        """Subtasks the model took back this tick because their holder crashed."""
        return self._model.released

    @property
    def neighbours(self) -> list[np.ndarray]:
        return self._model.neighbours

    @property
    def hops(self) -> np.ndarray:
        return read_only(self._model.hops)

    @property
    def graph(self):
        return self._model.graph

    @property
    def rng(self) -> np.random.Generator:
        """The stream protocols draw from (seeded by the model)."""
        return self._model.run_rng

    def load(self) -> np.ndarray:
        """Subtasks held per agent."""
        return self._model.load()

    def working(self) -> np.ndarray:
        """Boolean mask of the agents that hold at least one subtask (the working set)."""
        return self._model.load() > 0

    def pair_costs(self, working) -> np.ndarray:
        """Each agent's pair costs to the other members of ``working`` (a mask): public, since the
        topology's negotiation and movement costs are; the paper's tie rule ranks by it."""
        return self._model.pair_costs(working)

    # -- what may be done -------------------------------------------------------
    def award(self, subtasks, agents, payments=np.nan) -> None:
        """Give each subtask to its agent at a payment (see :meth:`mas.model.NegotiationModel.award`)."""
        self._model.award(subtasks, agents, payments)

    def release(self, subtasks, reason: str | None = None) -> None:
        """Take subtasks back from their holders; they may be awarded again."""
        self._model.release(subtasks, reason)

    def give_up(self, subtasks, reason: str | None = None) -> None:
        """Leave subtasks unallocated for good, with the reason reported."""
        self._model.give_up(subtasks, reason)
