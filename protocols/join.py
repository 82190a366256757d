"""Coalition formation: agents bid to join (or replace a member of) the participant set.

The initiator keeps a participant set S; the allocation is the paper's rule
on S (every subtask to its cheapest member; ties by transmission cost to the
rest of S, then index). Rounds of contract-net messages change S one move at
a time, each move chosen by the agents' own bids on D:

1. *Stand-alone round*: one ``cfp`` for the whole problem; every agent
   proposes its stand-alone cost D({j}) (with ``PENALTY`` per subtask it cannot
   execute, so covering comes first). The ``starts`` cheapest agents are the
   seeds of ``starts`` successive searches.
2. *Move rounds* (from each seed): the ``cfp`` carries S, the price of every
   subtask under S (its cheapest member's cost) and, for each member l, the
   prices without l and l's pair cost to the rest of S. Every agent outside S
   computes privately -- from its own execution costs and its own pair costs
   -- what D saves if it *joins* S, or *replaces* member l, and proposes its
   best move with that saving, or refuses when none saves anything. The
   initiator adds the moves it can judge itself: a member *leaving* S (it knows
   the members' costs: a joining agent's proposal carries its cost of every
   subtask). At the deadline the largest saving is carried out (``accept-
   proposal`` to the joiner, ``cancel`` to a member that leaves or is
   replaced, ``reject-proposal`` to the others) and the next round starts; a
   round with no saving ends the search.
3. The best S over all searches is awarded: one ``accept-proposal`` per
   subtask to its holder, who answers ``inform`` or ``failure``; a failed or
   crashed holder's subtask goes to the next cheapest live member.

Every move lowers D exactly, so each search ends in a set no single join,
leave or replacement improves -- the coordinator's swap local search, reached
by messages. Messages per move round: ``|outsiders|`` cfp + as many answers +
the accept / cancel / rejects.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.messages import ACCEPT_PROPOSAL, CANCEL, CFP, FAILURE, INFORM, PROPOSE, REFUSE, REJECT_PROPOSAL
from mas.messages import WHOLE_PROBLEM as WHOLE
from protocols.base import Mechanism, StepResult
from protocols.registry import register

#: what a subtask a set cannot execute costs in a bid: more than any feasible D, so covering comes first
PENALTY = 1e12


@register("join")
class JoinCoalition(Mechanism):
    """Agents bid to join the participant set; the best set found is awarded by the allocation rule.

    Parameters
    ----------
    starts : how many of the cheapest stand-alone agents seed a search (>= 1).
    max_moves : moves per search at most.
    slack : extra ticks added to every deadline.
    initiator : who runs the negotiation (default: the model's initiator).

    Examples
    --------
    >>> from mas.instance import instance_from_dict
    >>> from mas.model import NegotiationModel
    >>> from scenarios.paper import paper_data
    >>> r = NegotiationModel(instance_from_dict(paper_data()), JoinCoalition(), rng=0).run()
    >>> r.D, r.participants
    (19.0, [4])
    """

    bids = "marginal"

    def __init__(self, *, starts: int = 3, max_moves: int = 100, slack: int = 0, initiator: int | None = None,
                 bids: str = "marginal") -> None:
        if int(starts) < 1:
            raise InputError("starts", starts, "must be >= 1")
        if int(max_moves) < 1:
            raise InputError("max_moves", max_moves, "must be >= 1")
        if bids != "marginal":
            raise InputError("bids", bids, "join bids the marginal cost of D only")
        self.starts = int(starts)
        self.max_moves = int(max_moves)
        self.slack = int(slack)
        self.initiator = initiator

    def setup(self, state) -> None:
        self.o = state.initiator if self.initiator is None else int(self.initiator)
        self.targets = state.agent_list[self.o].announce(None)
        self.known: dict[int, np.ndarray] = {}  # member -> its execution costs (carried by its proposal)
        self.stage = "alone"
        self.deadline = -1
        self.conv = 0
        self.offers: list[tuple[int, float, int]] = []  # (agent, saving or stand-alone cost, replaced member)
        self.seeds: list[int] = []
        self.S: list[int] = []
        self.best: tuple[float, list[int]] | None = None
        self.moves = 0
        self.searches = 0
        self.pending: dict[int, int] = {}  # subtask -> result deadline
        self.failed: dict[int, set[int]] = {}
        self.abandoned: set[int] = set()
        self._replaces: dict[tuple[int, int], int] = {}  # (conversation, proposer) -> member it would replace

    # -- what the initiator can compute -----------------------------------------------
    def _costs(self, state, j: int) -> np.ndarray:
        if j not in self.known:
            c = state.agent_list[j].cost(np.arange(state.m))
            self.known[j] = np.where(np.isfinite(c), c, PENALTY)
        return self.known[j]

    def _D(self, state, S: list[int]) -> float:
        if not S:
            return np.inf
        costs = np.stack([self._costs(state, j) for j in S])
        mask = np.zeros(state.n, dtype=bool)
        mask[S] = True
        return float(costs.min(axis=0).sum() + state.pair_costs(mask)[S].sum() / 2.0)

    # -- the mechanism ---------------------------------------------------------------
    def step(self, state) -> StepResult:
        tick, ch = state.tick, state.channel
        if not state.live[self.o]:
            state.give_up(np.flatnonzero(state.allocation < 0), "initiator crashed")
            return StepResult(done=True)
        inbox = state.inbox
        perf = inbox["performative"] if inbox.size else np.empty(0)
        self._answer(state, inbox[perf == CFP])
        for msg in inbox[perf == PROPOSE]:
            replaced = self._replaces.pop((int(msg["conversation"]), int(msg["sender"])), -1)
            if msg["conversation"] == self.conv and tick <= self.deadline:
                self.offers.append((int(msg["sender"]), float(msg["content"]), replaced))
            else:
                ch.send(self.o, msg["sender"], REJECT_PROPOSAL, conversation=msg["conversation"], tick=tick)
        self._on_accept(state, inbox[perf == ACCEPT_PROPOSAL])
        self._on_result(state, inbox[(perf == INFORM) | (perf == FAILURE)])

        if self.stage == "alone":
            if self.deadline < 0:
                self._cfp(state, self.targets)
                own = float(self._costs(state, self.o).sum())
                self.offers.append((self.o, own, -1))
            elif tick >= self.deadline:
                ranked = sorted(self.offers, key=lambda x: (x[1], x[0]))
                self.seeds = [a for a, _, _ in ranked[: self.starts]]
                self._reject(state, [a for a, _, _ in self.offers])
                self._next_search(state)
        elif self.stage == "moves":
            if tick >= self.deadline:
                self._move(state)
        elif self.stage == "award":
            self._settle(state)
            settled = (state.allocation >= 0) | np.isin(np.arange(state.m), list(self.abandoned))
            return StepResult(done=not self.pending and bool(settled.all()))
        return StepResult(done=False)

    def _cfp(self, state, targets) -> None:
        tick, ch = state.tick, state.channel
        self.conv += 1
        self.offers = []
        targets = np.asarray(targets, dtype=np.intp)
        targets = targets[state.live[targets]] if targets.size else targets
        lat = int(ch.latency[self.o, targets].max()) if targets.size else 0
        self.deadline = tick + 2 * lat + self.slack
        ch.send(self.o, targets, CFP, subtask=WHOLE, conversation=self.conv, tick=tick)
        state.agent_list[self.o].announcing = True

    def _reject(self, state, agents) -> None:
        others = [a for a in agents if a != self.o]
        if others:
            state.channel.send(self.o, others, REJECT_PROPOSAL, conversation=self.conv, tick=state.tick)

    def _next_search(self, state) -> None:
        if self.S:
            d = self._D(state, self.S)
            if self.best is None or d < self.best[0]:
                self.best = (d, list(self.S))
        seeds = [j for j in self.seeds if state.live[j]]
        if not seeds:
            self.stage = "award"
            self._award(state)
            return
        seed = seeds[0]
        self.seeds.remove(seed)
        self.searches += 1
        self.S = [seed]
        self._invite(state)

    def _invite(self, state) -> None:
        self.S = [j for j in self.S if state.live[j]]
        # what the cfp carries: S, the prices under S and without each member, members' pair costs
        self._prices = self._price_table(state, self.S)
        out = np.setdiff1d(np.arange(state.n), np.array(self.S + [self.o], dtype=np.intp))
        self.stage = "moves"
        self._cfp(state, out)
        if self.o not in self.S:  # the initiator is an agent too: it bids without messages
            j, gain, l = self._best_move(state, self.o)
            if gain > 0:
                self.offers.append((self.o, gain, l))

    def _price_table(self, state, S: list[int]):
        costs = np.stack([self._costs(state, j) for j in S]) if S else np.full((1, state.m), PENALTY)
        price = costs.min(axis=0)
        if len(S) > 1:
            part = np.partition(costs, 1, axis=0)
            second = part[1]
            without = np.where(costs == price[None, :], second[None, :], price[None, :])
            # a member that ties for the best leaves the price unchanged
            ties = (costs == price[None, :]).sum(axis=0) > 1
            without = np.where(ties[None, :], price[None, :], without)
        else:
            without = np.full((1, state.m), PENALTY)
        mask = np.zeros(state.n, dtype=bool)
        mask[S] = True
        member_pairs = state.pair_costs(mask)[S] if S else np.empty(0)
        return price, without, mask, member_pairs

    def _best_move(self, state, j: int) -> tuple[int, float, int]:
        """Agent j's own computation: its best saving of D by joining S or replacing a member."""
        price, without, mask, member_pairs = self._prices
        agent = state.agent_list[j]
        c = agent.cost(np.arange(state.m))
        c = np.where(np.isfinite(c), c, PENALTY)
        join = agent.join_cost(mask)
        best = (j, float(np.maximum(price - c, 0.0).sum() - join), -1)
        for k, l in enumerate(self.S):
            gain = float(price.sum() - np.minimum(without[k], c).sum() + member_pairs[k]
                         - (join - agent.pair_cost_with(l)))
            if gain > best[1]:
                best = (j, gain, l)
        return best

    def _answer(self, state, cfps) -> None:
        """Contractors: a stand-alone cost in the first round, their best move afterwards."""
        if cfps.size == 0:
            return
        tick, ch = state.tick, state.channel
        for msg in cfps:
            j = int(msg["receiver"])
            if self.stage == "alone":
                cost = float(self._stand_alone(state, j))
                ch.send(j, msg["sender"], PROPOSE, subtask=WHOLE, conversation=msg["conversation"], content=cost,
                        tick=tick)
                continue
            _, gain, l = self._best_move(state, j)
            if gain > 0:  # the proposal names the move: join, or replace member l
                self._replaces[(int(msg["conversation"]), j)] = l
                ch.send(j, msg["sender"], PROPOSE, subtask=WHOLE, conversation=msg["conversation"], content=gain,
                        tick=tick)
            else:
                ch.send(j, msg["sender"], REFUSE, conversation=msg["conversation"], tick=tick)

    @staticmethod
    def _stand_alone(state, j: int) -> float:
        c = state.agent_list[j].cost(np.arange(state.m))
        return float(np.where(np.isfinite(c), c, PENALTY).sum())

    def _move(self, state) -> None:
        """The deadline of a move round: carry out the largest saving, if any."""
        tick, ch = state.tick, state.channel
        options = [(g, a, l) for a, g, l in self.offers if state.live[a]]
        if len(self.S) > 1:  # leaving: the initiator judges it from the members' known costs
            price, without, _, member_pairs = self._prices
            for k, l in enumerate(self.S):
                options.append((float(price.sum() - without[k].sum() + member_pairs[k]), -1, l))
        eps = 1e-9 * max(1.0, abs(self._D(state, self.S)))
        options = [x for x in options if x[0] > eps]
        if not options or self.moves >= self.max_moves * self.searches:
            self._reject(state, [a for a, _, _ in self.offers])
            self._next_search(state)
            return
        gain, a, l = max(options, key=lambda x: (x[0], -x[1], -x[2]))
        self.moves += 1
        self._reject(state, [b for b, _, _ in self.offers if b != a])
        if a >= 0:
            if a != self.o:
                ch.send(self.o, a, ACCEPT_PROPOSAL, subtask=WHOLE, conversation=self.conv, tick=tick)
            self._costs(state, a)  # its proposal carried its costs
            self.S.append(a)
        if l >= 0:
            if l != self.o:
                ch.send(self.o, l, CANCEL, subtask=WHOLE, conversation=self.conv, tick=tick)
            self.S.remove(l)
        self.S.sort()
        self._invite(state)

    # -- awarding the best set ----------------------------------------------------------
    def _award(self, state) -> None:
        if self.best is None:
            state.give_up(np.arange(state.m), "no proposal")
            self.abandoned.update(range(state.m))
            return
        self.S = sorted(j for j in self.best[1] if state.live[j])
        self._assign(state, np.flatnonzero(state.allocation < 0))

    def _ranked_members(self, state, s: int) -> list[int]:
        """Members that can execute subtask s, cheapest first (ties: the paper's rule)."""
        mask = np.zeros(state.n, dtype=bool)
        mask[self.S] = True
        tie = state.pair_costs(mask)
        members = [j for j in self.S if state.live[j] and j not in self.failed.get(s, set())
                   and self._costs(state, j)[s] < PENALTY]
        return sorted(members, key=lambda j: (self._costs(state, j)[s], tie[j], j))

    def _assign(self, state, subtasks) -> None:
        tick, ch = state.tick, state.channel
        load = state.load().copy()
        for s in np.asarray(subtasks, dtype=np.intp).tolist():
            ranked = self._ranked_members(state, s)
            if state.capacity is not None:
                ranked = [j for j in ranked if load[j] < state.capacity]
            if not ranked:
                full = state.capacity is not None and self._ranked_members(state, s)
                state.give_up(s, "every member at capacity" if full else
                              ("contractor failed" if s in self.failed else "no live member can execute it"))
                self.abandoned.add(s)
                continue
            j = ranked[0]
            price = float(self._costs(state, j)[s])
            state.award(s, j, price)
            load[j] += 1
            if j == self.o:
                if not state.agent_list[j].respond([s])[0]:
                    self.failed.setdefault(s, set()).add(j)
                    state.release(s, "contractor failed")
            else:
                ch.send(self.o, j, ACCEPT_PROPOSAL, subtask=s, conversation=self.conv, content=price, tick=tick)
                self.pending[s] = tick + 2 * int(ch.latency[self.o, j]) + self.slack

    def _on_accept(self, state, msgs) -> None:
        for msg in msgs:
            s = int(msg["subtask"])
            if s == WHOLE:
                continue  # joining the set: nothing to do until subtasks are awarded
            j = int(msg["receiver"])
            ok = bool(state.agent_list[j].respond([s])[0])
            state.channel.send(j, msg["sender"], INFORM if ok else FAILURE, subtask=s,
                               conversation=msg["conversation"], tick=state.tick)

    def _on_result(self, state, msgs) -> None:
        for msg in msgs:
            s = int(msg["subtask"])
            if s not in self.pending or state.allocation[s] != msg["sender"]:
                continue
            del self.pending[s]
            if msg["performative"] == FAILURE:
                self.failed.setdefault(s, set()).add(int(msg["sender"]))
                state.release(s, "contractor failed")

    def _settle(self, state) -> None:
        for s, due in list(self.pending.items()):
            if due < state.tick:  # no answer: treat as a failure
                del self.pending[s]
                self.failed.setdefault(s, set()).add(int(state.allocation[s]))
                state.release(s, "no result by the deadline")
        open_now = [s for s in np.flatnonzero(state.allocation < 0).tolist()
                    if s not in self.pending and s not in self.abandoned]
        if open_now:
            self._assign(state, open_now)

    def finish(self, state) -> dict:
        return {"searches": self.searches, "moves": self.moves,
                "participant_set": [] if self.best is None else sorted(self.best[1])}
