"""FIPA (iterated) Contract Net, vectorized: every subtask is its own conversation.

Rules (PROTOCOLS.md):

1. The initiator sends ``cfp`` for each open subtask to every agent (or to
   those within ``hops`` hops) with a deadline: the tick by which the farthest
   answer can arrive (twice the largest latency), plus ``slack``.
2. A contractor answers ``propose`` (its bid: execution cost, plus movement
   cost to the initiator if ``movement``) or ``refuse`` (cannot, or at capacity).
   Silence -- a lost message, a crashed contractor -- counts as a refusal.
3. At the deadline the initiator accepts the lowest proposal (ties: lower
   agent) and rejects the other proposals; a proposal that arrives after the
   deadline is rejected as late. The initiator bids on its own subtasks too,
   without messages.
4. The winner answers ``inform`` (done) or ``failure``. A failure, a missing
   result by the result deadline, a crashed winner or no proposal at all
   re-announces the subtask (iterated contract net) up to ``max_rounds``
   announcements, after which it is unallocated with the last reason.

Messages with full broadcast and no faults, per subtask s (n agents,
initiator o, f_s the agents other than o that can execute s, w_s the winner):
``(n - 1) cfp + (n - 1) answers + f_s accept/reject + [w_s != o] inform``.

The same engine runs the sealed-bid auctions (only the price differs) and
neighbour-only allocation (each subtask has its own initiator that calls its
neighbours only).
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.messages import ACCEPT_PROPOSAL, CFP, FAILURE, INFORM, PROPOSE, REFUSE, REJECT_PROPOSAL
from protocols.base import Mechanism, StepResult, group_by
from protocols.registry import register

OPEN, ANNOUNCED, AWARDED, DONE, GIVEN_UP = range(5)


@register("cnp")
class ContractNet(Mechanism):
    """Iterated FIPA Contract Net.

    Parameters
    ----------
    hops : announce only to agents within this many hops (None = everyone).
    max_rounds : announcements per subtask before it is given up.
    movement : add the contractor's movement cost to the initiator to its bid.
    slack : extra ticks added to the proposal and result deadlines.
    initiator : who announces (default: the model's initiator).

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> from mas.model import NegotiationModel
    >>> r = NegotiationModel(generate_instance("complete", 4, 2, seed=1), ContractNet(), rng=1).run()
    >>> r.unallocated, r.ticks
    ([], 5)
    """

    def __init__(self, *, hops: int | None = None, max_rounds: int = 3, movement: bool = False,
                 slack: int = 0, initiator: int | None = None) -> None:
        if hops is not None and int(hops) < 1:
            raise InputError("hops", hops, "must be >= 1 (or None for everyone)")
        if int(max_rounds) < 1:
            raise InputError("max_rounds", max_rounds, "must be >= 1")
        self.hops = hops
        self.max_rounds = int(max_rounds)
        self.movement = bool(movement)
        self.slack = int(slack)
        self.initiator = initiator

    # -- who announces what to whom (overridden by neighbour-only allocation) -------
    def owners(self, state) -> np.ndarray:
        o = state.initiator if self.initiator is None else int(self.initiator)
        return np.full(state.m, o, dtype=np.intp)

    def targets(self, state, owner: int) -> np.ndarray:
        return state.agent_list[owner].announce(self.hops)

    def price(self, bids_sorted: np.ndarray) -> float:
        """What the winner is paid given all bids sorted ascending (contract net: its bid)."""
        return float(bids_sorted[0])

    # -- lifecycle -------------------------------------------------------------------
    def setup(self, state) -> None:
        m, n = state.m, state.n
        self.owner = self.owners(state)
        self.status = np.full(m, OPEN, dtype=np.int8)
        self.rounds = np.zeros(m, dtype=np.int32)
        self.conv = np.full(m, -1, dtype=np.int64)
        self.deadline = np.zeros(m, dtype=np.int64)
        self.result_deadline = np.zeros(m, dtype=np.int64)
        self.why: dict[int, str] = {}
        self._props: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (subtask, agent, bid)
        self._targets = {}
        if self.movement:
            low = np.tril(state.P)
            self._move = low + low.T
        self.late = 0

    def _reopen(self, subtasks: np.ndarray, reason: str, state) -> None:
        subtasks = np.asarray(subtasks, dtype=np.intp)
        if subtasks.size == 0:
            return
        self.status[subtasks] = OPEN
        state.allocation[subtasks] = -1
        state.payments[subtasks] = np.nan
        for s in subtasks.tolist():
            self.why[s] = reason

    def _give_up(self, subtasks: np.ndarray, reason: str | None, state) -> None:
        for s in np.asarray(subtasks, dtype=np.intp).tolist():
            self.status[s] = GIVEN_UP
            state.allocation[s] = -1
            state.payments[s] = np.nan
            state.reasons[s] = reason or self.why.get(s, "no proposal")

    def step(self, state) -> StepResult:
        tick = state.tick
        # crashes: a crashed initiator loses its open conversations; a crashed winner's work is lost
        if state.crashed_now.size:
            dead_owner = np.isin(self.owner, state.crashed_now) & (self.status != DONE) & (self.status != GIVEN_UP)
            self._give_up(np.flatnonzero(dead_owner), "initiator crashed", state)
            lost = state.released[self.status[state.released] != GIVEN_UP]
            self._reopen(lost, "contractor crashed", state)

        inbox = state.inbox
        if inbox.size:
            perf = inbox["performative"]
            self._on_cfp(state, inbox[perf == CFP])
            self._on_propose(state, inbox[perf == PROPOSE])
            self._on_accept(state, inbox[perf == ACCEPT_PROPOSAL])
            self._on_result(state, inbox[(perf == INFORM) | (perf == FAILURE)])

        due = np.flatnonzero((self.status == ANNOUNCED) & (self.deadline <= tick))
        if due.size:
            self._award(state, due)
        late = np.flatnonzero((self.status == AWARDED) & (self.result_deadline < tick))
        self._reopen(late, "no result by the deadline", state)

        fresh = np.flatnonzero(self.status == OPEN)
        if fresh.size:
            over = fresh[self.rounds[fresh] >= self.max_rounds]
            self._give_up(over, None, state)
            self._announce(state, fresh[self.rounds[fresh] < self.max_rounds])

        active = np.unique(self.owner[(self.status == ANNOUNCED) | (self.status == AWARDED)])
        for o in active.tolist():
            state.agent_list[o].announcing = True
        finished = bool(np.all((self.status == DONE) | (self.status == GIVEN_UP)))
        return StepResult(done=finished, allocated=int((state.allocation >= 0).sum()))

    def finish(self, state) -> dict:
        return {"rounds": int(self.rounds.max(initial=0)), "late_proposals": self.late}

    # -- the initiator's side ------------------------------------------------------
    def _announce(self, state, subtasks: np.ndarray) -> None:
        tick, ch = state.tick, state.channel
        self.rounds[subtasks] += 1
        self.conv[subtasks] = subtasks.astype(np.int64) * (self.max_rounds + 1) + self.rounds[subtasks]
        self.status[subtasks] = ANNOUNCED
        for o, idx in group_by(self.owner[subtasks]):
            subs = subtasks[idx]
            if not state.live[o]:
                self._give_up(subs, "initiator crashed", state)
                continue
            targets = self._targets.get(o)
            if targets is None:
                targets = self._targets[o] = self.targets(state, o)
            lat = int(ch.latency[o, targets].max()) if targets.size else 0
            self.deadline[subs] = tick + 2 * lat + self.slack
            if targets.size:
                ch.send(o, np.tile(targets, subs.size), CFP, subtask=np.repeat(subs, targets.size),
                        conversation=np.repeat(self.conv[subs], targets.size), tick=tick)
            own = self._bids(state, o, subs)  # the initiator bids on its own subtasks, no messages
            ok = np.isfinite(own)
            if ok.any():
                self._props.append((subs[ok], np.full(int(ok.sum()), o, dtype=np.intp), own[ok]))

    def _bids(self, state, agent: int, subtasks: np.ndarray) -> np.ndarray:
        extra = self._move[agent, self.owner[subtasks]] if self.movement else 0.0
        return state.agent_list[agent].propose(subtasks, extra=extra)

    def _on_propose(self, state, msgs: np.ndarray) -> None:
        if msgs.size == 0:
            return
        s = msgs["subtask"].astype(np.intp)
        valid = (self.status[s] == ANNOUNCED) & (self.conv[s] == msgs["conversation"]) & (self.deadline[s] >= state.tick)
        bad = msgs[~valid]
        if bad.size:  # late proposals are rejected
            self.late += bad.size
            state.channel.send(bad["receiver"], bad["sender"], REJECT_PROPOSAL, subtask=bad["subtask"],
                               conversation=bad["conversation"], tick=state.tick)
        good = msgs[valid]
        if good.size:
            self._props.append((good["subtask"].astype(np.intp), good["sender"].astype(np.intp), good["content"]))

    def _award(self, state, due: np.ndarray) -> None:
        tick, ch = state.tick, state.channel
        if self._props:
            ps = np.concatenate([p[0] for p in self._props])
            pa = np.concatenate([p[1] for p in self._props])
            pb = np.concatenate([p[2] for p in self._props])
        else:
            ps = pa = np.empty(0, dtype=np.intp)
            pb = np.empty(0)
        is_due = np.zeros(state.m, dtype=bool)
        is_due[due] = True
        now = is_due[ps]
        keep = ~now
        self._props = [(ps[keep], pa[keep], pb[keep])] if keep.any() else []
        ps, pa, pb = ps[now], pa[now], pb[now]
        order = np.lexsort((pa, pb, ps))
        ps, pa, pb = ps[order], pa[order], pb[order]
        first = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]]) if ps.size else np.empty(0, dtype=np.intp)
        ends = np.r_[first[1:], ps.size] if ps.size else first
        got = np.zeros(state.m, dtype=bool)
        got[ps] = True
        self._reopen(due[~got[due]], "no proposal", state)
        win_idx = first.copy()
        if state.capacity is not None:  # the initiator awards at most q subtasks per contractor
            win_idx = self._capacity_winners(state, ps, pa, first, ends)
        has = win_idx >= 0
        self._reopen(ps[first[~has]], "every proposer at capacity", state)
        win_idx, starts, stops = win_idx[has], first[has], ends[has]
        subs, winners = ps[win_idx], pa[win_idx]
        state.allocation[subs] = winners
        for s, a, b in zip(subs.tolist(), starts.tolist(), stops.tolist()):
            state.payments[s] = self.price(pb[a:b])
        self.status[subs] = AWARDED
        owners = self.owner[subs]
        self.result_deadline[subs] = tick + 2 * ch.latency[owners, winners] + self.slack
        # rejections to every other proposer (not to the initiator's own bid)
        losers = np.ones(ps.size, dtype=bool)
        losers[win_idx] = False
        losers &= pa != self.owner[ps]
        if losers.any():
            ch.send(self.owner[ps[losers]], pa[losers], REJECT_PROPOSAL, subtask=ps[losers],
                    conversation=self.conv[ps[losers]], tick=tick)
        remote = winners != owners
        if remote.any():
            ch.send(owners[remote], winners[remote], ACCEPT_PROPOSAL, subtask=subs[remote],
                    conversation=self.conv[subs[remote]], content=state.payments[subs[remote]], tick=tick)
        for o, idx in group_by(owners[~remote]):  # the initiator does its own work at once
            mine = subs[~remote][idx]
            ok = state.agent_list[o].respond(mine)
            self.status[mine[ok]] = DONE
            self._reopen(mine[~ok], "contractor failed", state)

    def _capacity_winners(self, state, ps, pa, first, ends) -> np.ndarray:
        q = int(state.capacity)
        held = np.bincount(state.allocation[state.allocation >= 0], minlength=state.n)
        out = np.full(first.size, -1, dtype=np.intp)
        for i, (a, b) in enumerate(zip(first.tolist(), ends.tolist())):
            for k in range(a, b):
                if held[pa[k]] < q:
                    held[pa[k]] += 1
                    out[i] = k
                    break
        return out

    def _on_result(self, state, msgs: np.ndarray) -> None:
        if msgs.size == 0:
            return
        s = msgs["subtask"].astype(np.intp)
        valid = ((self.status[s] == AWARDED) & (self.conv[s] == msgs["conversation"])
                 & (state.allocation[s] == msgs["sender"]))
        done = valid & (msgs["performative"] == INFORM)
        self.status[s[done]] = DONE
        self._reopen(s[valid & (msgs["performative"] == FAILURE)], "contractor failed", state)

    # -- the contractors' side -----------------------------------------------------
    def _on_cfp(self, state, msgs: np.ndarray) -> None:
        if msgs.size == 0:
            return
        bids = np.empty(msgs.size)
        for j, idx in group_by(msgs["receiver"]):
            bids[idx] = self._bids(state, j, msgs["subtask"][idx])
        ok = np.isfinite(bids)
        for perf, mask in ((PROPOSE, ok), (REFUSE, ~ok)):
            part = msgs[mask]
            if part.size:
                state.channel.send(part["receiver"], part["sender"], perf, subtask=part["subtask"],
                                   conversation=part["conversation"],
                                   content=bids[mask] if perf == PROPOSE else np.nan, tick=state.tick)

    def _on_accept(self, state, msgs: np.ndarray) -> None:
        if msgs.size == 0:
            return
        ok = np.empty(msgs.size, dtype=bool)
        for j, idx in group_by(msgs["receiver"]):
            ok[idx] = state.agent_list[j].respond(msgs["subtask"][idx])
        for perf, mask in ((INFORM, ok), (FAILURE, ~ok)):
            part = msgs[mask]
            if part.size:
                state.channel.send(part["receiver"], part["sender"], perf, subtask=part["subtask"],
                                   conversation=part["conversation"], tick=state.tick)
