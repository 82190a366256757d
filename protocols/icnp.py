"""FIPA Iterated Contract Net (FIPA SC00030): revised calls for proposals to a shortlist before accepting.

The flow of :mod:`protocols.contract_net`, with what the iterated protocol adds:

* every ``cfp`` carries its deadline (the message content), so a contractor
  knows until when an answer counts; a ``cfp`` that reaches a contractor after
  that deadline cannot be acted on and is answered ``not-understood``;
* at the deadline the initiator may, instead of accepting, answer the
  proposals with a *revised* ``cfp`` in the same conversation to a shortlist
  -- the ``shortlist`` best proposers -- and ``reject-proposal`` to the rest,
  for up to ``iterations`` revisions; the revised ``cfp`` carries the working
  set as it is then, so the shortlisted contractors re-price on the current
  model (with ``bids="marginal"``). Only after the last revision does it
  accept the best proposal;
* a contract that is taken back (recontracting, or a winner that does not
  answer in time) is ended with ``cancel`` to the contractor.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.messages import CANCEL, NOT_UNDERSTOOD, REJECT_PROPOSAL
from protocols.contract_net import AWARDED, ContractNet
from protocols.registry import register


@register("icnp")
class IteratedContractNet(ContractNet):
    """FIPA Iterated Contract Net with revised cfps to a shortlist.

    Parameters
    ----------
    iterations : revised cfps per announcement before accepting (>= 0; 0 is plain contract net).
    shortlist : how many of the best proposers a revised cfp goes to (>= 1).
    bids, hops, max_rounds, passes, movement, slack, initiator : as for
        :class:`~protocols.contract_net.ContractNet`.

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> from mas.model import NegotiationModel
    >>> icnp = IteratedContractNet(bids="execution", iterations=1, shortlist=2)
    >>> r = NegotiationModel(generate_instance("complete", 5, 3, seed=1), icnp, rng=1).run()
    >>> r.unallocated, r.extra["revisions"]
    ([], 3)
    """

    def __init__(self, *, iterations: int = 1, shortlist: int = 2, **options) -> None:
        super().__init__(**options)
        if int(iterations) < 0:
            raise InputError("iterations", iterations, "must be >= 0")
        if int(shortlist) < 1:
            raise InputError("shortlist", shortlist, "must be >= 1")
        self.iterations = int(iterations)
        self.shortlist = int(shortlist)

    def setup(self, state) -> None:
        super().setup(state)
        self.iteration = np.zeros(state.m, dtype=np.int32)
        self.revisions = 0
        self.not_understood = 0

    def _announce(self, state, subtasks: np.ndarray, recontract: bool = False) -> None:
        self.iteration[subtasks] = 0
        super()._announce(state, subtasks, recontract)

    def _award(self, state, due: np.ndarray) -> None:
        revise = due[self.iteration[due] < self.iterations]
        final = due[self.iteration[due] >= self.iterations]
        if revise.size:
            self._revise(state, revise)
        if final.size:
            super()._award(state, final)

    def _revise(self, state, subtasks: np.ndarray) -> None:
        """Answer the proposals with a revised cfp to the best ``shortlist`` proposers."""
        tick, ch = state.tick, state.channel
        ps, pa, pb = self._take_proposals(state, subtasks)
        order = self._rank(state, ps, pa, pb)
        ps, pa, pb = ps[order], pa[order], pb[order]
        for s in subtasks.tolist():
            mine = ps == s
            agents = pa[mine]
            if agents.size == 0:  # nothing to revise: the last round decides (no proposal)
                self.iteration[s] = self.iterations
                super()._award(state, np.array([s]))
                continue
            short, rest = agents[: self.shortlist], agents[self.shortlist:]
            o = int(self.owner[s])
            rest = rest[rest != o]
            if rest.size:
                ch.send(o, rest, REJECT_PROPOSAL, subtask=s, conversation=self.conv[s], tick=tick)
            self.iteration[s] += 1
            self.revisions += 1
            if self.marginal:
                self._working[int(self.conv[s])] = state.working()
            remote = short[short != o]
            lat = int(ch.latency[o, remote].max()) if remote.size else 0
            self.deadline[s] = tick + 2 * lat + self.slack
            if remote.size:
                self._send_cfp(state, o, remote, np.array([s]), self.conv[[s]])
            if (short == o).any():
                own = self._bids(state, o, np.array([s]), self.conv[[s]])
                if np.isfinite(own[0]):
                    self._props.append((np.array([s]), np.array([o]), own))

    def _take_proposals(self, state, subtasks):
        """Remove and return the proposals for ``subtasks`` (subtask, agent, bid)."""
        if not self._props:
            empty = np.empty(0, dtype=np.intp)
            return empty, empty, np.empty(0)
        ps = np.concatenate([p[0] for p in self._props])
        pa = np.concatenate([p[1] for p in self._props])
        pb = np.concatenate([p[2] for p in self._props])
        take = np.isin(ps, subtasks) & state.live[pa]
        keep = ~np.isin(ps, subtasks)
        self._props = [(ps[keep], pa[keep], pb[keep])] if keep.any() else []
        return ps[take], pa[take], pb[take]

    def _reopen(self, subtasks, reason: str, state) -> None:
        subtasks = np.asarray(subtasks, dtype=np.intp)
        awarded = subtasks[(self.status[subtasks] == AWARDED) & (state.allocation[subtasks] >= 0)]
        if awarded.size and reason == "no result by the deadline":  # the contract is called off
            holders = state.allocation[awarded]
            remote = holders != self.owner[awarded]
            if remote.any():
                state.channel.send(self.owner[awarded[remote]], holders[remote], CANCEL, subtask=awarded[remote],
                                   conversation=self.conv[awarded[remote]], tick=state.tick)
        super()._reopen(subtasks, reason, state)

    def _on_cfp(self, state, msgs: np.ndarray) -> None:
        if msgs.size == 0:
            return
        carried = msgs["content"]
        expired = np.isfinite(carried) & (carried < state.tick)
        if expired.any():  # the deadline it carries has passed: nothing can be done with it
            bad = msgs[expired]
            self.not_understood += bad.size
            state.channel.send(bad["receiver"], bad["sender"], NOT_UNDERSTOOD, subtask=bad["subtask"],
                               conversation=bad["conversation"], tick=state.tick)
        super()._on_cfp(state, msgs[~expired])

    def finish(self, state) -> dict:
        return super().finish(state) | {"revisions": self.revisions, "not_understood": self.not_understood}

