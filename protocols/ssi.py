"""Sequential single-item auction (SSI): one subtask per round to the lowest marginal bid.

Each round the auctioneer sends one ``cfp`` to every agent, carrying the
working set (the agents that hold a subtask); an agent answers with one
``propose`` for the unallocated subtask where its marginal cost is lowest --
its execution cost, plus, if it does not work yet, the transmission cost of
joining the agents that do (sum of ``P[j, l] + P[l, j]`` over them) -- or
``refuse`` (``bids="execution"`` leaves the join cost out). At the deadline
the lowest bid wins (ties: the smaller transmission cost to the rest of the
working set, then the lower agent), is paid its bid, and the next round
starts. This greedily lowers D itself, join costs included. With marginal
bids the first round prices the whole problem (the ``cfp``'s subtask is
``WHOLE_PROBLEM``): an agent that can execute every subtask bids its
stand-alone cost D({j}) and the cheapest takes them all, so the join costs of
later rounds are paid against a good first member rather than the winner of
one cheap subtask (``opening=False`` leaves that round out). A failed or
crashed winner puts its subtask back; ``max_rounds`` attempts per subtask,
then it is unallocated.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.messages import ACCEPT_PROPOSAL, CFP, FAILURE, INFORM, PROPOSE, REFUSE, REJECT_PROPOSAL
from mas.messages import WHOLE_PROBLEM as WHOLE
from protocols.base import Mechanism, StepResult, check_bids
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

    def __init__(self, *, bids: str = "marginal", opening: bool = True, max_rounds: int = 3, slack: int = 0,
                 initiator: int | None = None) -> None:
        self.opening = bool(opening)
        if int(max_rounds) < 1:
            raise InputError("max_rounds", max_rounds, "must be >= 1")
        self.bids = check_bids(bids)
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
        self.offers: list[tuple[int, int, float]] = []  # (agent, subtask, bid) of the current round
        self.empty_rounds = 0
        self.targets = state.agent_list[self.auctioneer].announce(None)
        self.why: dict[int, str] = {}
        self.carried = state.working()  # the working set the current round's cfp carries
        self.whole = False

    def _marginal(self, state, agent: int, subtasks: np.ndarray) -> tuple[int, float]:
        working = self.carried if self.bids == "marginal" else None
        bids = state.agent_list[agent].propose(subtasks, working=working)
        if bids.size == 0 or not np.isfinite(bids).any():
            return -1, np.inf
        k = int(np.argmin(bids))
        return int(subtasks[k]), float(bids[k])

    @staticmethod
    def _stand_alone(state, agent: int, subtasks: np.ndarray) -> float:
        """The opening bid: the agent's cost of every open subtask (inf unless it can execute all)."""
        return float(state.agent_list[agent].propose(subtasks).sum())

    def _give_back(self, state, subtasks, reason: str) -> None:
        for s in np.atleast_1d(subtasks).tolist():
            self.pending.pop(s, None)
            if self.attempts[s] >= self.max_rounds:
                state.give_up(s, reason)
            else:
                state.release(s, reason)
                self.open[s] = True

    def step(self, state) -> StepResult:
        tick = state.tick
        if not state.live[self.auctioneer]:
            lost = np.flatnonzero(self.open | (state.allocation < 0))
            self.open[lost] = False
            state.give_up(lost, "initiator crashed")
            return StepResult(done=True)
        if state.released.size:
            self._give_back(state, state.released, "contractor crashed")
        inbox = state.inbox
        perf = inbox["performative"] if inbox.size else np.empty(0)
        self._answer_cfps(state, inbox[perf == CFP])
        self._collect_proposals(state, inbox[perf == PROPOSE])
        self._answer_accepts(state, inbox[perf == ACCEPT_PROPOSAL])
        self._read_results(state, inbox[(perf == INFORM) | (perf == FAILURE)])
        for s, due in list(self.pending.items()):
            if due < tick:
                self._give_back(state, s, "no result by the deadline")

        if self.round and tick >= self.deadline:
            self._close_round(state)
        if self.open.any() and (self.round == 0 or tick >= self.deadline):
            self._open_round(state)
        done = not self.open.any() and not self.pending
        return StepResult(done=done)

    def _answer_cfps(self, state, cfps) -> None:
        """Contractors bid: one ``propose`` or ``refuse`` per ``cfp``, sent as one batch each."""
        if not cfps.size:
            return
        open_now = np.flatnonzero(self.open)
        subs = np.empty(cfps.size, dtype=np.intp)
        bids = np.empty(cfps.size)
        for k, (j, what) in enumerate(zip(cfps["receiver"].tolist(), cfps["subtask"].tolist())):
            if what == WHOLE:
                subs[k], bids[k] = WHOLE, self._stand_alone(state, j, open_now)
            else:
                subs[k], bids[k] = self._marginal(state, j, open_now)
        answer = np.isfinite(bids)
        for perf_, mask in ((PROPOSE, answer), (REFUSE, ~answer)):
            if mask.any():
                state.channel.send(cfps["receiver"][mask], cfps["sender"][mask], perf_, subtask=subs[mask],
                                   conversation=cfps["conversation"][mask], content=bids[mask], tick=state.tick)

    def _collect_proposals(self, state, props) -> None:
        """Keep the current round's bids that came in time; reject the others."""
        if not props.size:
            return
        valid = (props["conversation"] == self.round) & (state.tick <= self.deadline)
        good = props[valid]
        self.offers += list(zip(good["sender"].tolist(), good["subtask"].tolist(), good["content"].tolist()))
        late = props[~valid]
        if late.size:
            state.channel.send(self.auctioneer, late["sender"], REJECT_PROPOSAL, subtask=late["subtask"],
                               conversation=late["conversation"], tick=state.tick)

    @staticmethod
    def _answer_accepts(state, accepts) -> None:
        """A winner told of its award executes the subtask and reports ``inform`` or ``failure``."""
        for msg in accepts:
            j, s = int(msg["receiver"]), int(msg["subtask"])
            ok = bool(state.agent_list[j].respond([s])[0])
            state.channel.send(j, msg["sender"], INFORM if ok else FAILURE, subtask=s,
                               conversation=msg["conversation"], tick=state.tick)

    def _read_results(self, state, results) -> None:
        """A pending subtask is done on its winner's ``inform`` and put back on its ``failure``."""
        for msg in results:
            s = int(msg["subtask"])
            if s in self.pending and state.allocation[s] == msg["sender"]:
                if msg["performative"] == INFORM:
                    self.pending.pop(s)
                else:
                    self._give_back(state, s, "contractor failed")

    def _open_round(self, state) -> None:
        tick, ch = state.tick, state.channel
        self.round += 1
        self.offers = []
        self.carried = state.working()
        open_now = np.flatnonzero(self.open)
        fits = state.capacity is None or state.capacity >= open_now.size
        self.whole = self.round == 1 and self.opening and self.bids == "marginal" and fits
        if self.whole:  # the opening round prices the whole problem: nobody has joined yet
            b = self._stand_alone(state, self.auctioneer, open_now)
            if np.isfinite(b):
                self.offers.append((self.auctioneer, WHOLE, b))
            lat = int(ch.latency[self.auctioneer, self.targets].max()) if self.targets.size else 0
            self.deadline = tick + 2 * lat + self.slack
            ch.send(self.auctioneer, self.targets, CFP, subtask=WHOLE, conversation=self.round, tick=tick)
            state.agent_list[self.auctioneer].announcing = True
            return
        s, b = self._marginal(state, self.auctioneer, open_now)  # its own bid, no message
        if s >= 0:
            self.offers.append((self.auctioneer, s, b))
        lat = int(ch.latency[self.auctioneer, self.targets].max()) if self.targets.size else 0
        self.deadline = tick + 2 * lat + self.slack
        ch.send(self.auctioneer, self.targets, CFP, conversation=self.round, tick=tick)
        state.agent_list[self.auctioneer].announcing = True

    def _close_round(self, state) -> None:
        tick, ch = state.tick, state.channel
        if self.whole:
            self._close_whole(state)
            return
        live = state.live  # a bidder that crashed after bidding cannot be awarded
        bids = [x for x in self.offers if self.open[x[1]] and live[x[0]]]
        if not bids:
            self.empty_rounds += 1
            if self.empty_rounds >= self.max_rounds:
                rest = np.flatnonzero(self.open)
                self.open[rest] = False
                state.give_up(rest)
            return
        self.empty_rounds = 0
        if state.capacity is not None:  # a bid made before the agent filled up (e.g. a late answer) is void
            room = state.load() < state.capacity
            bids = [x for x in bids if room[x[0]]]
            if not bids:
                return
        tie = state.pair_costs(state.working())  # the paper's tie rule, then the lower agent
        j, s, b = min(bids, key=lambda x: (x[2], tie[x[0]], x[0], x[1]))
        self.open[s] = False
        self.attempts[s] += 1
        state.award(s, j, b)
        losers = [(a, t) for a, t, _ in self.offers if a != j and a != self.auctioneer]
        if losers:
            la, lt = zip(*losers)
            ch.send(self.auctioneer, list(la), REJECT_PROPOSAL, subtask=list(lt), conversation=self.round, tick=tick)
        if j == self.auctioneer:
            if not state.agent_list[j].respond([s])[0]:
                self._give_back(state, s, "contractor failed")
        else:
            ch.send(self.auctioneer, j, ACCEPT_PROPOSAL, subtask=s, conversation=self.round, content=b, tick=tick)
            self.pending[s] = tick + 2 * int(ch.latency[self.auctioneer, j]) + self.slack

    def _close_whole(self, state) -> None:
        tick, ch = state.tick, state.channel
        live = state.live
        offers = [x for x in self.offers if x[1] == WHOLE and live[x[0]]]
        if not offers:
            return
        tie = state.pair_costs(state.working())
        j, _, _ = min(offers, key=lambda x: (x[2], tie[x[0]], x[0]))
        losers = [a for a, _, _ in offers if a not in (j, self.auctioneer)]
        if losers:
            ch.send(self.auctioneer, losers, REJECT_PROPOSAL, subtask=WHOLE, conversation=self.round, tick=tick)
        subs = np.flatnonzero(self.open)
        prices = state.agent_list[j].propose(subs)
        self.open[subs] = False
        self.attempts[subs] += 1
        state.award(subs, j, prices)
        if j == self.auctioneer:
            ok = state.agent_list[j].respond(subs)
            for s in subs[~ok].tolist():
                self._give_back(state, s, "contractor failed")
            return
        ch.send(self.auctioneer, j, ACCEPT_PROPOSAL, subtask=subs, conversation=self.round, content=prices, tick=tick)
        due = tick + 2 * int(ch.latency[self.auctioneer, j]) + self.slack
        for s in subs.tolist():
            self.pending[s] = due

    def finish(self, state) -> dict:
        return {"rounds": self.round}
