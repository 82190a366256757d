"""Sequential single-item auction (SSI): one subtask per round to the lowest marginal bid.

Each round the auctioneer sends one ``cfp`` to every agent; an agent answers
with one ``propose`` for the unallocated subtask where its marginal cost is
lowest -- its execution cost, plus, if it does not work yet, the transmission
cost of joining the agents that do (sum of ``P[j, l] + P[l, j]`` over them) --
or ``refuse``. At the deadline the lowest bid wins (ties: lower agent), is paid
its bid, and the next round starts. This greedily lowers D itself, join costs
included. A failed or crashed winner puts its subtask back; ``max_rounds``
attempts per subtask, then it is unallocated.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.messages import ACCEPT_PROPOSAL, CFP, FAILURE, INFORM, PROPOSE, REFUSE, REJECT_PROPOSAL
from protocols.base import Mechanism, StepResult
from protocols.registry import register


@register("ssi")
class SequentialSingleItem(Mechanism):
    """SSI with marginal-cost bids that include the cost of joining the participant set.

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> from mas.model import NegotiationModel
    >>> r = NegotiationModel(generate_instance("complete", 4, 3, seed=1), SequentialSingleItem(), rng=1).run()
    >>> r.unallocated
    []
    """

    def __init__(self, *, max_rounds: int = 3, slack: int = 0, initiator: int | None = None) -> None:
        if int(max_rounds) < 1:
            raise InputError("max_rounds", max_rounds, "must be >= 1")
        self.max_rounds = int(max_rounds)
        self.slack = int(slack)
        self.initiator = initiator

    def setup(self, state) -> None:
        self.auctioneer = state.initiator if self.initiator is None else int(self.initiator)
        self.open = np.ones(state.m, dtype=bool)  # not yet won
        self.attempts = np.zeros(state.m, dtype=np.int32)
        self.pending: dict[int, int] = {}  # subtask -> result deadline
        self.round = 0
        self.deadline = -1
        self.bids: list[tuple[int, int, float]] = []  # (agent, subtask, bid) of the current round
        self.empty_rounds = 0
        self.targets = state.agent_list[self.auctioneer].announce(None)
        self.why: dict[int, str] = {}
        self._working_tick = None

    def _marginal(self, state, agent: int, subtasks: np.ndarray) -> tuple[int, float]:
        key = state.allocation.tobytes()  # the working set changes only with the allocation
        if self._working_tick != key:
            self._working = np.bincount(state.allocation[state.allocation >= 0], minlength=state.n) > 0
            self._working_tick = key
        working = self._working
        join = 0.0 if working[agent] else float(state.W[agent, working].sum())
        bids = state.agent_list[agent].propose(subtasks, extra=join)
        if bids.size == 0 or not np.isfinite(bids).any():
            return -1, np.inf
        k = int(np.argmin(bids))
        return int(subtasks[k]), float(bids[k])

    def _give_back(self, state, subtasks, reason: str) -> None:
        for s in np.atleast_1d(subtasks).tolist():
            state.allocation[s] = -1
            state.payments[s] = np.nan
            self.pending.pop(s, None)
            if self.attempts[s] >= self.max_rounds:
                state.reasons[s] = reason
            else:
                self.open[s] = True
                self.why[s] = reason

    def step(self, state) -> StepResult:
        tick, ch = state.tick, state.channel
        if not state.live[self.auctioneer]:
            for s in np.flatnonzero(self.open | (state.allocation < 0)).tolist():
                self.open[s] = False
                state.reasons.setdefault(s, "initiator crashed")
            return StepResult(done=True, allocated=int((state.allocation >= 0).sum()))
        if state.released.size:
            self._give_back(state, state.released, "contractor crashed")
        inbox = state.inbox
        perf = inbox["performative"] if inbox.size else np.empty(0)
        cfps = inbox[perf == CFP]
        if cfps.size:  # contractors bid: one message each, sent as one batch
            open_now = np.flatnonzero(self.open)
            subs = np.empty(cfps.size, dtype=np.intp)
            bids = np.empty(cfps.size)
            for k, j in enumerate(cfps["receiver"].tolist()):
                subs[k], bids[k] = self._marginal(state, j, open_now)
            for perf_, mask in ((PROPOSE, subs >= 0), (REFUSE, subs < 0)):
                if mask.any():
                    ch.send(cfps["receiver"][mask], cfps["sender"][mask], perf_, subtask=subs[mask],
                            conversation=cfps["conversation"][mask], content=bids[mask], tick=tick)
        props = inbox[perf == PROPOSE]
        if props.size:
            valid = (props["conversation"] == self.round) & (tick <= self.deadline)
            good = props[valid]
            self.bids += list(zip(good["sender"].tolist(), good["subtask"].tolist(), good["content"].tolist()))
            late = props[~valid]
            if late.size:
                ch.send(self.auctioneer, late["sender"], REJECT_PROPOSAL, subtask=late["subtask"],
                        conversation=late["conversation"], tick=tick)
        accepts = inbox[perf == ACCEPT_PROPOSAL]
        for msg in accepts:
            j, s = int(msg["receiver"]), int(msg["subtask"])
            ok = bool(state.agent_list[j].respond([s])[0])
            ch.send(j, msg["sender"], INFORM if ok else FAILURE, subtask=s, conversation=msg["conversation"], tick=tick)
        for msg in inbox[(perf == INFORM) | (perf == FAILURE)]:
            s = int(msg["subtask"])
            if s in self.pending and state.allocation[s] == msg["sender"]:
                if msg["performative"] == INFORM:
                    self.pending.pop(s)
                else:
                    self._give_back(state, s, "contractor failed")
        for s, due in list(self.pending.items()):
            if due < tick:
                self._give_back(state, s, "no result by the deadline")

        if self.round and tick >= self.deadline:
            self._close_round(state)
        if self.open.any() and (self.round == 0 or tick >= self.deadline):
            self._open_round(state)
        done = not self.open.any() and not self.pending
        return StepResult(done=done, allocated=int((state.allocation >= 0).sum()))

    def _open_round(self, state) -> None:
        tick, ch = state.tick, state.channel
        self.round += 1
        self.bids = []
        open_now = np.flatnonzero(self.open)
        s, b = self._marginal(state, self.auctioneer, open_now)  # its own bid, no message
        if s >= 0:
            self.bids.append((self.auctioneer, s, b))
        lat = int(ch.latency[self.auctioneer, self.targets].max()) if self.targets.size else 0
        self.deadline = tick + 2 * lat + self.slack
        ch.send(self.auctioneer, self.targets, CFP, conversation=self.round, tick=tick)
        state.agent_list[self.auctioneer].announcing = True

    def _close_round(self, state) -> None:
        tick, ch = state.tick, state.channel
        bids = [x for x in self.bids if self.open[x[1]]]
        if not bids:
            self.empty_rounds += 1
            if self.empty_rounds >= self.max_rounds:
                for s in np.flatnonzero(self.open).tolist():
                    self.open[s] = False
                    state.reasons[s] = self.why.get(s, "no proposal")
            return
        self.empty_rounds = 0
        j, s, b = min(bids, key=lambda x: (x[2], x[0], x[1]))
        self.open[s] = False
        self.attempts[s] += 1
        state.allocation[s] = j
        state.payments[s] = b
        losers = [(a, t) for a, t, _ in self.bids if a != j and a != self.auctioneer]
        if losers:
            la, lt = zip(*losers)
            ch.send(self.auctioneer, list(la), REJECT_PROPOSAL, subtask=list(lt), conversation=self.round, tick=tick)
        if j == self.auctioneer:
            if not state.agent_list[j].respond([s])[0]:
                self._give_back(state, s, "contractor failed")
        else:
            ch.send(self.auctioneer, j, ACCEPT_PROPOSAL, subtask=s, conversation=self.round, content=b, tick=tick)
            self.pending[s] = tick + 2 * int(ch.latency[self.auctioneer, j]) + self.slack

    def finish(self, state) -> dict:
        return {"rounds": self.round}
