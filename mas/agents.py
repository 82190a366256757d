"""Mesa agents, one per topology node: contractors that bid, initiators that announce.

Protocols talk to agents only through the narrow interface below -- ``announce``
(whom an initiator calls), ``propose`` (a bid per subtask, ``inf`` = refuse),
``respond`` (carry out accepted work: success or failure) and ``report`` (what
the agent holds) -- so the negotiation logic lives in the protocol and the
private knowledge (the agent's own costs) in the agent.

``state`` is one of :data:`STATES`; a browser view colours agents by it.
"""

from __future__ import annotations

import numpy as np
from mesa.discrete_space import CellAgent

IDLE, ANNOUNCING, BIDDING, WORKING, CRASHED = "idle", "announcing", "bidding", "working", "crashed"
STATES = (IDLE, ANNOUNCING, BIDDING, WORKING, CRASHED)


class NegotiationAgent(CellAgent):
    """An agent on node ``index`` of the topology.

    Parameters
    ----------
    model : the :class:`mas.model.NegotiationModel` it belongs to.
    index : its node (column of C, row of P).
    capacity : at most this many subtasks at once (None = unlimited).
    misreport : added to every bid it makes (0 = truthful); for studying incentives.
    """

    def __init__(self, model, index: int, *, capacity: int | None = None, misreport: float = 0.0) -> None:
        super().__init__(model)
        self.index = int(index)
        self.capacity = capacity
        self.misreport = float(misreport)
        self.state = IDLE
        self.crashed = False
        self.crash_tick: int | None = None
        self.announcing = False
        self.bid_tick = -1

    @property
    def load(self) -> int:
        """How many subtasks it holds now."""
        return int(self.model.load()[self.index])

    # -- the narrow interface -------------------------------------------------
    def announce(self, hops: int | None = None) -> np.ndarray:
        """The agents this initiator calls for proposals: all others, or those within ``hops``."""
        self.announcing = True
        row = self.model.hops[self.index]
        mask = np.ones(row.size, dtype=bool) if hops is None else row <= hops
        mask[self.index] = False
        return np.flatnonzero(mask)

    def cost(self, subtasks) -> np.ndarray:
        """The agent's true execution cost of each subtask (``inf`` = cannot)."""
        return self.model.C[np.asarray(subtasks, dtype=np.intp), self.index]

    def join_cost(self, working) -> float:
        """What this agent's joining the working set adds to D: its pair costs to the members.

        ``working`` is a boolean mask over agents (e.g. carried by a cfp); 0 if
        this agent is a member already. An agent knows its own negotiation and
        movement costs to the others (its row of the pair matrix).
        """
        working = np.asarray(working, dtype=bool)
        if working[self.index]:
            return 0.0
        return float(self.model.pair_costs(working)[self.index])

    def movement_costs(self) -> np.ndarray:
        """Its movement cost to every agent (the paper's P below the diagonal, either way round)."""
        P = self.model.P
        j = self.index
        return np.r_[P[j, :j], 0.0, P[j + 1:, j]]

    def pair_cost_with(self, other: int) -> float:
        """Its pair cost with one agent: ``P[j, l] + P[l, j]``."""
        return float(self.model.W[self.index, int(other)])

    def pair_cost(self, working) -> float:
        """This agent's pair costs to the other members of ``working`` (what leaving it would save)."""
        return float(self.model.pair_costs(working)[self.index])  # W[j, j] = 0: j itself adds nothing

    def propose(self, subtasks, *, working=None, extra: float | np.ndarray = 0.0,
                ignore_capacity: bool = False) -> np.ndarray:
        """Bids for ``subtasks``: cost + ``extra`` + the cost of joining ``working`` + misreport.

        With ``working`` (the working set a cfp carries) the bid is the
        marginal cost of D: execution cost plus :meth:`join_cost`; without it,
        execution cost only. ``inf`` means refuse: it cannot execute the
        subtask, is at capacity (unless ``ignore_capacity``, for a subtask it
        would hold instead of one it has), or has crashed.
        """
        subtasks = np.asarray(subtasks, dtype=np.intp)
        full = self.capacity is not None and self.load >= self.capacity and not ignore_capacity
        if self.crashed or full:
            return np.full(subtasks.size, np.inf)
        self.bid_tick = self.model.tick
        cost = self.cost(subtasks)
        join = 0.0 if working is None else self.join_cost(working)
        return np.where(np.isfinite(cost), cost + extra + join + self.misreport, np.inf)

    def respond(self, subtasks) -> np.ndarray:
        """Carry out accepted ``subtasks``: True where done, False where it fails (seeded)."""
        subtasks = np.asarray(subtasks, dtype=np.intp)
        p = self.model.fail_prob
        if p <= 0:
            return np.ones(subtasks.size, dtype=bool)
        return self.model.run_rng.random(subtasks.size) >= p

    def report(self) -> dict:
        """What a view shows: node, state, load."""
        return {"agent": self.index, "state": self.state, "load": self.load}

    # -- bookkeeping by the model ----------------------------------------------
    def crash(self) -> None:
        self.crashed = True
        self.state = CRASHED

    def refresh_state(self, tick: int, load: int | None = None) -> None:
        """Set ``state`` from what happened this tick (crashed > announcing > working > bidding > idle);
        ``load``: what it holds, when the caller has it at hand."""
        if self.crashed:
            self.state = CRASHED
        elif self.announcing:
            self.state = ANNOUNCING
        elif (self.load if load is None else load) > 0:
            self.state = WORKING
        elif self.bid_tick == tick:
            self.state = BIDDING
        else:
            self.state = IDLE
