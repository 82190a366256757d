"""FIPA (iterated) Contract Net with bids on the cost model: every subtask is its own conversation.

Rules (PROTOCOLS.md):

1. The initiator sends ``cfp`` for open subtasks to every agent (or to those
   within ``hops`` hops) with a deadline, carried in the cfp: the tick by which
   the farthest answer can arrive (twice the largest latency), plus ``slack``.
2. A contractor answers ``propose`` (its bid) or ``refuse`` (cannot, or at
   capacity). Silence -- a lost message, a crashed contractor -- counts as a
   refusal.
3. At the deadline the initiator accepts the lowest proposal (ties as the
   coordinator's allocation rule: the smaller transmission cost to the rest of
   the working set, then the lower agent) and rejects the other proposals; a proposal that arrives after the
   deadline is rejected as late. The initiator bids on its own subtasks too,
   without messages.
4. The winner answers ``inform`` (it has taken the subtask on) or ``failure``.
   A failure, a missing answer by the result deadline, a crashed winner or no
   proposal at all re-announces the subtask up to ``max_rounds`` announcements,
   after which it is unallocated with the last reason.

Bids (``bids``):

* ``execution`` -- the contractor's execution cost (plus movement to the
  initiator with ``movement``). Every open subtask is announced at once.
* ``marginal`` (default) -- the marginal cost of D: execution cost plus what
  the contractor's joining the working set adds (its pair costs to the
  members). **The cfp carries the working set** as the initiator knows it (who
  holds a subtask), so the contract is priced on the model it is scored by.
  Because a join cost is worth paying only for a bundle, the negotiation runs
  in stages, all with the same messages:

  a. *whole problem*: one cfp for all of the initiator's subtasks (``subtask
     = WHOLE_PROBLEM``); each contractor that can execute all of them proposes
     its stand-alone cost D({j}); the cheapest (ties as below) is awarded them
     all (one ``accept-proposal`` per subtask, so each has its own
     conversation from then on);
  b. *one subtask at a time*: whatever is still open is announced in index
     order, one conversation per round, with the working set of that moment;
  c. *cluster contracts* (one initiator, ``clusters``): a cfp for the whole
     problem carrying the working set and every held subtask's price; each
     agent proposes the cluster it executes for less -- every held subtask it
     undercuts, as many as its capacity leaves room for -- with the saving of
     D net of its join cost; the largest saving wins (``cancel`` to the old
     holders, ``accept-proposal`` per subtask); rounds until nobody saves;
  d. *recontracting* (``passes`` passes over the subtasks, stopping early
     when a pass moves nothing; none by default): each held subtask is
     announced again; a contractor's bid is its execution cost plus its pair
     costs to the working set shared over the subtasks it would hold (an
     outsider pays its whole join cost; the holder's keep price shares its
     pair costs over what it holds). A lower bid than the holder's wins:
     ``cancel`` to the holder, ``accept-proposal`` to the winner. An agent
     left with few subtasks carries a large share, so it is outbid and leaves
     the working set.

Messages with ``bids="execution"``, full broadcast and no faults, per subtask s
(n agents, initiator o, f_s the agents other than o that can execute s, w_s the
winner): ``(n - 1) cfp + (n - 1) answers + f_s accept/reject + [w_s != o] inform``.

The same engine runs the sealed-bid auctions (only the payment differs) and
neighbour-only allocation (each subtask has its own initiator that calls its
neighbours only).
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.messages import ACCEPT_PROPOSAL, CANCEL, CFP, FAILURE, INFORM, PROPOSE, REFUSE, REJECT_PROPOSAL
from mas.messages import WHOLE_PROBLEM as WHOLE
from protocols.base import Mechanism, StepResult, check_bids, group_by
from protocols.registry import register

OPEN, ANNOUNCED, AWARDED, DONE, GIVEN_UP = range(5)


@register("cnp")
class ContractNet(Mechanism):
    """Iterated FIPA Contract Net.

    Parameters
    ----------
    bids : ``marginal`` (default: the marginal cost of D, the cfp carries the
        working set) or ``execution`` (execution cost only).
    hops : announce only to agents within this many hops (None = everyone).
    max_rounds : announcements per subtask before it is given up.
    passes : recontracting passes with ``marginal`` bids (default 0: after the cluster rounds they
        gained nothing on the benchmark instances and cost 6x the messages; neighbour-only
        allocation, which has no cluster rounds, makes 3).
    clusters : with ``marginal`` bids and one initiator, rounds of cluster contracts before recontracting.
    movement : add the contractor's movement cost to the initiator to its bid.
    slack : extra ticks added to the proposal and result deadlines.
    initiator : who announces (default: the model's initiator).

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> from mas.model import NegotiationModel
    >>> r = NegotiationModel(generate_instance("complete", 4, 2, seed=1), ContractNet(bids="execution"), rng=1).run()
    >>> r.unallocated, r.ticks
    ([], 5)
    """

    def __init__(self, *, bids: str = "marginal", hops: int | None = None, max_rounds: int = 3, passes: int = 0,
                 clusters: bool = True, movement: bool = False, slack: int = 0, initiator: int | None = None) -> None:
        self.clusters = bool(clusters)
        if hops is not None and int(hops) < 1:
            raise InputError("hops", hops, "must be >= 1 (or None for everyone)")
        if int(max_rounds) < 1:
            raise InputError("max_rounds", max_rounds, "must be >= 1")
        if int(passes) < 0:
            raise InputError("passes", passes, "must be >= 0")
        self.bids = check_bids(bids)
        self.hops = hops
        self.max_rounds = int(max_rounds)
        self.passes = int(passes)
        self.movement = bool(movement)
        self.slack = int(slack)
        self.initiator = initiator

    # -- who announces what to whom (overridden by neighbour-only allocation) -------
    def owners(self, state) -> np.ndarray:
        o = state.initiator if self.initiator is None else int(self.initiator)
        return np.full(state.m, o, dtype=np.intp)

    def targets(self, state, owner: int) -> np.ndarray:
        return state.agent_list[owner].announce(self.hops)

    def price(self, winner_bid: float, others: np.ndarray) -> float:
        """What the winner is paid, given the bids of the other agents that could still take the
        subtask (contract net and first-price: its own bid)."""
        return float(winner_bid)

    @property
    def marginal(self) -> bool:
        return self.bids == "marginal"

    # -- lifecycle -------------------------------------------------------------------
    def setup(self, state) -> None:
        m = state.m
        self.owner = self.owners(state)
        self.status = np.full(m, OPEN, dtype=np.int8)
        self.rounds = np.zeros(m, dtype=np.int32)
        self.conv = np.full(m, -1, dtype=np.int64)
        self.deadline = np.zeros(m, dtype=np.int64)
        self.result_deadline = np.zeros(m, dtype=np.int64)
        self.recontract = np.zeros(m, dtype=bool)  # this conversation re-prices a held subtask
        self._props: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (subtask, agent, bid)
        self._targets = {}
        self._working: dict[int, np.ndarray] = {}  # conversation -> the working set its cfp carried
        self._next_conv = 0
        if self.movement:
            self._move = np.stack([a.movement_costs() for a in state.agent_list])
        self.late = 0
        self.moved = 0
        self.pass_no = 0
        self.pass_moves = 0
        self.cursor = 0  # next subtask of the current recontracting pass
        # the whole-problem round only makes sense when one agent may take all of an initiator's subtasks
        fits = state.capacity is None or state.capacity >= np.bincount(self.owner).max()
        self.stage = "whole" if self.marginal and fits else "single"
        self._whole: dict[int, list[tuple[int, float]]] = {}  # initiator -> (agent, stand-alone bid)
        self._whole_deadline: dict[int, int] = {}
        self._whole_conv: dict[int, int] = {}
        # cluster contracts: one initiator only (a cluster takes subtasks from anyone)
        self.cluster_state = "todo" if self.marginal and self.clusters and np.unique(self.owner).size == 1 else "done"
        self._cluster_deadline = -1
        self._cluster_rounds = 0
        self._cluster_conv = -1

    def _new_conv(self, k: int) -> np.ndarray:
        c = np.arange(self._next_conv, self._next_conv + k, dtype=np.int64)
        self._next_conv += k
        return c

    def _reopen(self, subtasks: np.ndarray, reason: str, state) -> None:
        subtasks = np.asarray(subtasks, dtype=np.intp)
        if subtasks.size == 0:
            return
        self.status[subtasks] = OPEN
        self.recontract[subtasks] = False
        state.release(subtasks, reason)

    def _give_up(self, subtasks: np.ndarray, reason: str | None, state) -> None:
        subtasks = np.asarray(subtasks, dtype=np.intp)
        if subtasks.size == 0:
            return
        self.status[subtasks] = GIVEN_UP
        state.give_up(subtasks, reason)

    def step(self, state) -> StepResult:
        tick = state.tick
        # crashes: a crashed initiator loses its open conversations; a crashed winner's work is lost
        if state.crashed_now.size:
            dead_owner = np.isin(self.owner, state.crashed_now) & (self.status != DONE) & (self.status != GIVEN_UP)
            self._give_up(np.flatnonzero(dead_owner), "initiator crashed", state)
            lost = state.released[self.status[state.released] != GIVEN_UP]
            self.status[lost] = OPEN
            self.recontract[lost] = False

        inbox = state.inbox
        if inbox.size:
            perf = inbox["performative"]
            self._on_cfp(state, inbox[perf == CFP])
            self._on_propose(state, inbox[perf == PROPOSE])
            self._on_accept(state, inbox[perf == ACCEPT_PROPOSAL])
            self._on_result(state, inbox[(perf == INFORM) | (perf == FAILURE)])

        if self.stage == "whole":
            self._whole_round(state)
        else:
            due = np.flatnonzero((self.status == ANNOUNCED) & (self.deadline <= tick))
            if due.size:
                self._award(state, due)
            late = np.flatnonzero((self.status == AWARDED) & (self.result_deadline < tick))
            self._reopen(late, "no result by the deadline", state)
            fresh = np.flatnonzero(self.status == OPEN)
            if fresh.size:
                over = fresh[self.rounds[fresh] >= self.max_rounds]
                self._give_up(over, None, state)
                fresh = fresh[self.rounds[fresh] < self.max_rounds]
                busy = bool(((self.status == ANNOUNCED) | (self.status == AWARDED)).any())
                if self.marginal:  # one conversation at a time, each cfp with the working set of its moment
                    fresh = fresh[:0] if busy else fresh[:1]
                self._announce(state, fresh)
            if self.marginal and self._settled():
                self._next_recontract(state)

        active = np.unique(self.owner[(self.status == ANNOUNCED) | (self.status == AWARDED)])
        for o in active.tolist():
            state.agent_list[o].announcing = True
        finished = self._settled() and (not self.marginal or self.stage == "finished")
        return StepResult(done=finished)

    def _settled(self) -> bool:
        return bool(np.all((self.status == DONE) | (self.status == GIVEN_UP)))

    def finish(self, state) -> dict:
        out = {"rounds": int(self.rounds.max(initial=0)), "late_proposals": self.late}
        if self.marginal:
            out["recontracted"] = self.moved
        return out

    # -- stage a: the whole problem ----------------------------------------------------
    def _whole_round(self, state) -> None:
        """Each initiator prices all of its subtasks at once; the cheapest stand-alone agent takes them."""
        tick, ch = state.tick, state.channel
        if not self._whole_deadline:
            for o in np.unique(self.owner).tolist():
                if not state.live[o]:
                    continue
                targets = self._targets.setdefault(o, self.targets(state, o))
                conv = int(self._new_conv(1)[0])
                self._whole_conv[o] = conv
                lat = int(ch.latency[o, targets].max()) if targets.size else 0
                self._whole_deadline[o] = tick + 2 * lat + self.slack
                self._whole[o] = []
                if targets.size:
                    ch.send(o, targets, CFP, subtask=WHOLE, conversation=conv, content=float(self._whole_deadline[o]),
                            tick=tick)
                own = self._whole_bid(state, o, o)
                if np.isfinite(own):
                    self._whole[o].append((o, own))
            if self._whole_deadline:
                return
        if tick < max(self._whole_deadline.values()):
            return
        self.stage = "single"
        tie = state.pair_costs(state.working())
        for o, offers in self._whole.items():
            mine = np.flatnonzero((self.owner == o) & (self.status == OPEN))
            room = np.inf if state.capacity is None else state.capacity - state.load()
            fit = [x for x in offers if state.live[x[0]] and room[x[0]] >= mine.size] if state.capacity else \
                [x for x in offers if state.live[x[0]]]
            if not fit or not state.live[o]:
                continue
            winner, _ = min(fit, key=lambda x: (x[1], tie[x[0]], x[0]))
            losers = [a for a, _ in offers if a not in (winner, o)]
            if losers:
                ch.send(o, losers, REJECT_PROPOSAL, subtask=WHOLE, conversation=self._whole_conv[o], tick=tick)
            prices = state.agent_list[winner].propose(mine)
            ok = np.isfinite(prices)
            mine, prices = mine[ok], prices[ok]
            if mine.size == 0:
                continue
            self.rounds[mine] += 1
            self.conv[mine] = self._new_conv(mine.size)
            self._grant(state, mine, np.full(mine.size, winner, dtype=np.intp), prices)

    def _whole_bid(self, state, agent: int, owner: int) -> float:
        """``agent``'s stand-alone cost of all of ``owner``'s subtasks (inf unless it can execute them all)."""
        bids = state.agent_list[agent].propose(np.flatnonzero(self.owner == owner))
        return float(bids.sum())

    # -- the initiator's side ------------------------------------------------------
    def _announce(self, state, subtasks: np.ndarray, recontract: bool = False) -> None:
        if subtasks.size == 0:
            return
        tick, ch = state.tick, state.channel
        self.rounds[subtasks] += 1
        self.conv[subtasks] = self._new_conv(subtasks.size)
        self.status[subtasks] = ANNOUNCED
        self.recontract[subtasks] = recontract
        if self.marginal:
            working = state.working()
            for c in self.conv[subtasks].tolist():
                self._working[c] = working
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
                self._send_cfp(state, o, targets, subs, self.conv[subs])
            own = self._bids(state, o, subs, self.conv[subs])  # the initiator bids on its own subtasks, no messages
            ok = np.isfinite(own)
            if ok.any():
                self._props.append((subs[ok], np.full(int(ok.sum()), o, dtype=np.intp), own[ok]))

    def _send_cfp(self, state, owner: int, targets: np.ndarray, subs: np.ndarray, convs: np.ndarray) -> None:
        """Call for proposals for ``subs``; the content is each one's deadline, so it travels with the cfp."""
        state.channel.send(owner, np.tile(targets, subs.size), CFP, subtask=np.repeat(subs, targets.size),
                           conversation=np.repeat(convs, targets.size),
                           content=np.repeat(self.deadline[subs].astype(float), targets.size), tick=state.tick)

    def _bids(self, state, agent: int, subtasks: np.ndarray, convs: np.ndarray) -> np.ndarray:
        """``agent``'s bids for ``subtasks`` announced in conversations ``convs``."""
        a = state.agent_list[agent]
        extra = self._move[agent, self.owner[subtasks]] if self.movement else 0.0
        if not self.marginal:
            return a.propose(subtasks, extra=extra)
        out = np.empty(subtasks.size)
        for k, (s, c) in enumerate(zip(subtasks.tolist(), convs.tolist())):
            working = self._working.get(c)
            if working is None:  # a conversation that has ended
                out[k] = np.inf
            elif self.recontract[s]:
                out[k] = self._share_bid(state, a, s, working, extra)
            else:
                out[k] = a.propose([s], working=working, extra=extra)[0]
        return out

    @staticmethod
    def _share_bid(state, agent, s: int, working: np.ndarray, extra) -> float:
        """Recontracting: execution cost + the agent's pair costs to the working set, shared over
        the subtasks it would hold (the holder: over those it holds)."""
        holder = state.allocation[s] == agent.index
        held = agent.load if holder else agent.load + 1
        bid = agent.propose([s], extra=extra, ignore_capacity=holder)[0]
        return float(bid + agent.pair_cost(working) / max(held, 1))

    def _on_propose(self, state, msgs: np.ndarray) -> None:
        if msgs.size == 0:
            return
        whole = msgs["subtask"] == WHOLE
        for msg in msgs[whole]:
            o = int(msg["receiver"])
            if msg["conversation"] == self._cluster_conv and self._cluster_deadline >= state.tick:
                self._cluster_offers.append((int(msg["sender"]), float(msg["content"])))
            elif (self.stage == "whole" and msg["conversation"] == self._whole_conv.get(o)
                    and state.tick <= self._whole_deadline[o]):
                self._whole[o].append((int(msg["sender"]), float(msg["content"])))
            else:
                self.late += 1
                state.channel.send(msg["receiver"], msg["sender"], REJECT_PROPOSAL, subtask=WHOLE,
                                   conversation=msg["conversation"], tick=state.tick)
        msgs = msgs[~whole]
        s = msgs["subtask"].astype(np.intp)
        valid = (
            (self.status[s] == ANNOUNCED) & (self.conv[s] == msgs["conversation"]) & (self.deadline[s] >= state.tick)
        )
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
        now &= state.live[pa]  # a proposer that has crashed since cannot take the subtask
        ps, pa, pb = ps[now], pa[now], pb[now]
        for c in self.conv[due].tolist():
            self._working.pop(c, None)
        order = self._rank(state, ps, pa, pb)
        ps, pa, pb = ps[order], pa[order], pb[order]
        first = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]]) if ps.size else np.empty(0, dtype=np.intp)
        ends = np.r_[first[1:], ps.size] if ps.size else first
        got = np.zeros(state.m, dtype=bool)
        got[ps] = True
        silent = due[~got[due]]
        kept = silent[self.recontract[silent]]  # nobody answered a re-pricing: the holder keeps it
        self.status[kept] = DONE
        self.recontract[kept] = False
        self._reopen(silent[~self.recontract[silent] & (self.status[silent] != DONE)], "no proposal", state)
        win_idx, eligible = self._winners(state, ps, pa, first, ends)
        has = win_idx >= 0
        self._reopen(ps[first[~has]], "every proposer at capacity", state)
        win_idx, starts, stops, eligible = win_idx[has], first[has], ends[has], [e for e, h in zip(eligible, has) if h]
        subs, winners = ps[win_idx], pa[win_idx]
        prices = np.array([self.price(pb[w], pb[a:b][el]) for w, a, b, el in zip(win_idx.tolist(), starts.tolist(),
                                                                              stops.tolist(), eligible)])
        # rejections to every other proposer (not to the initiator's own bid)
        losers = np.ones(ps.size, dtype=bool)
        losers[win_idx] = False
        losers &= pa != self.owner[ps]
        if losers.any():
            ch.send(self.owner[ps[losers]], pa[losers], REJECT_PROPOSAL, subtask=ps[losers],
                    conversation=self.conv[ps[losers]], tick=tick)
        stays = state.allocation[subs] == winners
        self.status[subs[stays]] = DONE  # re-priced and kept: nothing changes hands
        self.recontract[subs[stays]] = False
        subs, winners, prices = subs[~stays], winners[~stays], prices[~stays]
        moved = self.recontract[subs]
        if moved.any():  # the old holder is told the contract is cancelled
            ms = subs[moved]
            old = state.allocation[ms]
            remote = old != self.owner[ms]
            if remote.any():
                ch.send(self.owner[ms[remote]], old[remote], CANCEL, subtask=ms[remote],
                        conversation=self.conv[ms[remote]], tick=tick)
            state.release(ms)
            self.moved += int(moved.sum())
            self.pass_moves += int(moved.sum())
        self.recontract[subs] = False
        self._grant(state, subs, winners, prices)

    @staticmethod
    def _rank(state, ps, pa, pb) -> np.ndarray:
        """The order of proposals: by subtask, then bid; ties to the holder (recontracting), then by
        the paper's rule -- transmission cost to the rest of the working set -- then agent index."""
        holder = state.allocation[ps] == pa
        tie = state.pair_costs(state.working())[pa]
        return np.lexsort((pa, tie, ~holder, pb, ps))

    def _grant(self, state, subs, winners, prices) -> None:
        """Award ``subs`` and tell the winners (the initiator does its own work at once)."""
        tick, ch = state.tick, state.channel
        state.award(subs, winners, prices)
        self.status[subs] = AWARDED
        owners = self.owner[subs]
        self.result_deadline[subs] = tick + 2 * ch.latency[owners, winners] + self.slack
        remote = winners != owners
        if remote.any():
            ch.send(owners[remote], winners[remote], ACCEPT_PROPOSAL, subtask=subs[remote],
                    conversation=self.conv[subs[remote]], content=prices[remote], tick=tick)
        for o, idx in group_by(owners[~remote]):
            mine = subs[~remote][idx]
            ok = state.agent_list[o].respond(mine)
            self.status[mine[ok]] = DONE
            self._reopen(mine[~ok], "contractor failed", state)

    def _winners(self, state, ps, pa, first, ends) -> tuple[np.ndarray, list[np.ndarray]]:
        """Per subtask, the index of the winning proposal (-1: everyone at capacity) and a mask of the
        other proposals from agents that could still take it (for second-price payments)."""
        q = state.capacity
        held = state.load().copy()
        out = np.full(first.size, -1, dtype=np.intp)
        eligible = []
        for i, (a, b) in enumerate(zip(first.tolist(), ends.tolist())):
            sub = int(ps[a])
            holder = int(state.allocation[sub])
            room = np.ones(b - a, dtype=bool) if q is None else (held[pa[a:b]] < q) | (pa[a:b] == holder)
            ok = np.flatnonzero(room)
            if ok.size == 0:
                eligible.append(np.zeros(b - a, dtype=bool))
                continue
            w = a + int(ok[0])
            out[i] = w
            if pa[w] != holder:
                held[pa[w]] += 1
                if holder >= 0:
                    held[holder] -= 1
            el = room.copy()
            el[w - a] = False
            eligible.append(el)
        return out, eligible

    # -- stage b': cluster contracts ---------------------------------------------------
    def _cluster_round(self, state) -> bool:
        """One round of cluster contracts; True while the rounds go on (they own this tick).

        The cfp (for the whole problem) carries the working set and the price of every held
        subtask; each agent proposes the cluster it would take -- every held subtask it executes
        for less than its price, at most as many as its capacity leaves room for -- with the saving
        of D it brings (the price differences minus its join cost). The largest saving wins the
        cluster (``cancel`` to the old holders, ``accept-proposal`` per subtask); a round with no
        saving ends the stage.
        """
        if self.cluster_state == "done":
            return False
        tick, ch = state.tick, state.channel
        o = int(self.owner[0])
        if self._cluster_deadline < 0:
            if not state.live[o] or self._cluster_rounds >= state.m + state.n:
                self.cluster_state = "done"
                return False
            self._cluster_rounds += 1
            targets = self._targets.setdefault(o, self.targets(state, o))
            targets = targets[state.live[targets]]
            self._cluster_conv = int(self._new_conv(1)[0])
            self._cluster_prices = np.where(state.allocation >= 0, state.payments, np.nan)
            self._cluster_working = state.working()
            self._cluster_offers, self._cluster_claims = [], {}
            lat = int(ch.latency[o, targets].max()) if targets.size else 0
            self._cluster_deadline = tick + 2 * lat + self.slack
            if targets.size:
                ch.send(o, targets, CFP, subtask=WHOLE, conversation=self._cluster_conv,
                        content=float(self._cluster_deadline), tick=tick)
            gain = self._cluster_bid(state, o)
            if gain > 0:
                self._cluster_offers.append((o, gain))
            return True
        if tick < self._cluster_deadline:
            return True
        self._cluster_deadline = -1
        tie = state.pair_costs(state.working())
        offers = sorted(((a, g) for a, g in self._cluster_offers if state.live[a]),
                        key=lambda x: (-x[1], tie[x[0]], x[0]))
        losers = [a for a, _ in offers[1:] if a != o]
        if losers:
            ch.send(o, losers, REJECT_PROPOSAL, subtask=WHOLE, conversation=self._cluster_conv, tick=tick)
        eps = 1e-9 * max(1.0, float(np.nansum(self._cluster_prices)))
        if not offers or offers[0][1] <= eps:
            self.cluster_state = "done"
            return False
        j = offers[0][0]
        take = self._cluster_claims[j]
        take = take[(state.allocation[take] >= 0) & (state.allocation[take] != j)]
        if take.size == 0:
            return True
        old = state.allocation[take]
        remote = old != o
        if remote.any():
            ch.send(o, old[remote], CANCEL, subtask=take[remote], conversation=self.conv[take[remote]], tick=tick)
        state.release(take)
        self.moved += int(take.size)
        self.rounds[take] = 1
        self.conv[take] = self._new_conv(take.size)
        self._grant(state, take, np.full(take.size, j, dtype=np.intp), state.agent_list[j].propose(take))
        return True

    def _cluster_bid(self, state, agent: int) -> float:
        """``agent``'s own computation: the cluster it would take at the cfp's prices, and its saving."""
        a = state.agent_list[agent]
        prices = self._cluster_prices
        held = np.isfinite(prices)
        cost = a.cost(np.arange(state.m))
        better = held & (state.allocation != agent) & np.isfinite(cost) & (cost < np.where(held, prices, np.inf))
        idx = np.flatnonzero(better)
        saving = prices[idx] - cost[idx]
        if state.capacity is not None:  # its room decides how many it can take: the best savings first
            room = max(int(state.capacity) - a.load, 0)
            keep = np.argsort(-saving, kind="stable")[:room]
            idx, saving = idx[keep], saving[keep]
        self._cluster_claims[agent] = np.sort(idx)
        if idx.size == 0:
            return 0.0
        return float(saving.sum() - a.join_cost(self._cluster_working))

    def _next_recontract(self, state) -> None:
        """Stages c and d: cluster rounds, then re-announce held subtasks one at a time, ``passes`` passes at most."""
        if self._cluster_round(state):
            return
        held = np.flatnonzero((self.status == DONE) & (state.allocation >= 0))
        while True:
            if self.pass_no >= self.passes or held.size == 0:
                self.stage = "finished"
                return
            nxt = held[held >= self.cursor]
            if nxt.size:
                s = int(nxt[0])
                self.cursor = s + 1
                self.rounds[s] = 0  # a re-pricing is a new contract: it gets its own rounds
                self._announce(state, np.array([s]), recontract=True)
                return
            self.pass_no += 1
            self.cursor = 0
            if self.pass_moves == 0:
                self.stage = "finished"
                return
            self.pass_moves = 0

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
        whole = msgs["subtask"] == WHOLE
        for k in np.flatnonzero(whole).tolist():
            j = int(msgs["receiver"][k])
            if msgs["conversation"][k] == self._cluster_conv:
                gain = self._cluster_bid(state, j)
                bids[k] = gain if gain > 0 else np.inf
            else:
                bids[k] = self._whole_bid(state, j, int(msgs["sender"][k]))
        rest = np.flatnonzero(~whole)
        for j, idx in group_by(msgs["receiver"][rest]):
            sel = rest[idx]
            bids[sel] = self._bids(state, j, msgs["subtask"][sel].astype(np.intp), msgs["conversation"][sel])
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
