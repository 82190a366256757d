"""Neighbour-only allocation (de Weerdt, Zhang and Klos): a subtask may go only to a
neighbour of the agent where it arises.

Each subtask arises at an agent (seeded at random, or given); that agent runs
a contract net with its topology neighbours only and keeps the subtask itself
when it is cheapest. A subtask that neither the agent nor any neighbour can
execute is unallocated ("no proposal").
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from protocols.contract_net import ContractNet
from protocols.registry import register


@register("neighbour")
class NeighbourOnly(ContractNet):
    """Contract net restricted to topology neighbours, each subtask with its own initiator.

    Parameters
    ----------
    owners : the agent where each subtask arises (default: drawn from the model's seed).
    bids, max_rounds, passes, slack, movement : as for :class:`~protocols.contract_net.ContractNet`
        (each cfp carries the working set as its initiator knows it).
    """

    def __init__(self, *, owners=None, bids: str = "marginal", max_rounds: int = 3, passes: int = 3, slack: int = 0,
                 movement: bool = False) -> None:
        super().__init__(bids=bids, hops=None, max_rounds=max_rounds, passes=passes, movement=movement, slack=slack)
        self.given_owners = None if owners is None else np.asarray(owners, dtype=np.intp)

    def owners(self, state) -> np.ndarray:
        if self.given_owners is None:
            return state.rng.integers(state.n, size=state.m).astype(np.intp)
        o = self.given_owners
        if o.shape != (state.m,) or o.min(initial=0) < 0 or o.max(initial=0) >= state.n:
            raise InputError("owners", o.tolist(), f"needs one agent in 0..{state.n - 1} per subtask ({state.m})")
        return o

    def targets(self, state, owner: int) -> np.ndarray:
        state.agent_list[owner].announcing = True
        return state.neighbours[owner]

    def finish(self, state) -> dict:
        return super().finish(state) | {"owners": self.owner.tolist()}
