"""The Mesa model: one agent per topology node, a protocol injected, one step = one tick.

The model owns what every protocol shares -- the channel, the allocation
ledger (subtask -> agent, -1 = none), the reasons for unallocated subtasks,
payments, faults. A protocol gets a read-only :class:`mas.view.ModelView` as
its ``state`` and changes the ledger only through the model's small API
(``award``, ``release``, ``give_up``), which keeps the invariants: one holder
per subtask, live holders that can execute it, capacity. The model never
imports a protocol: any object with ``setup(state)``, ``step(state)``
(returning something with a ``done`` flag) and optionally ``finish(state)``
will do.

Examples
--------
>>> from mas.instance import generate_instance
>>> class Mine:  # a protocol where the initiator keeps whatever it can execute, in one tick
...     name = "mine"
...     def setup(self, state): pass
...     def step(self, state):
...         bids = state.agent_list[state.initiator].propose(range(state.m))
...         ok = np.flatnonzero(np.isfinite(bids))
...         state.award(ok, state.initiator, bids[ok])
...         return type("R", (), {"done": True})()
>>> model = NegotiationModel(generate_instance("complete", 4, 3, seed=1), Mine(), rng=1)
>>> model.run().ticks
1
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import networkx as nx
import numpy as np

import topologies
from mas.agents import NegotiationAgent
from mas.compat import agents_of, make_network, model_init_kwargs
from mas.errors import InputError, ProtocolError
from mas.messages import ACCEPT_PROPOSAL, PROPOSE, Channel
from mas.view import ModelView, read_only


@dataclass
class NegotiationResult:
    """How a protocol run ended, scored by the cost model like any allocation."""

    protocol: str
    n: int
    m: int
    seed: int | None
    allocation: list[int | None]
    unallocated: list[dict]
    participants: list[int]
    D: float
    G: float
    messages: dict
    communication_cost: float
    ticks: int
    payments: list[float | None]
    crashed: list[int]
    extra: dict = field(default_factory=dict)

    @property
    def payment_total(self) -> float:
        return float(sum(p for p in self.payments if p is not None))

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("protocol", "n", "m", "seed", "allocation", "unallocated",
                                           "participants", "D", "G", "messages", "communication_cost",
                                           "ticks", "payments", "crashed")}
        d["payment_total"] = self.payment_total
        d.update(self.extra)
        return d


def _check_options(*, crash_prob, fail_prob, max_ticks, capacity) -> None:
    for name, p in (("crash_prob", crash_prob), ("fail_prob", fail_prob)):
        if not 0.0 <= float(p) < 1.0:
            raise InputError(name, p, "must be a probability in [0, 1)")
    if int(max_ticks) < 1:
        raise InputError("max_ticks", max_ticks, "must be >= 1")
    if capacity is not None and int(capacity) < 1:
        raise InputError("capacity", capacity, "must be >= 1")


class NegotiationModel(mesa.Model):
    """Agents on ``mesa.discrete_space.Network`` negotiating by a protocol.

    Parameters
    ----------
    instance : a :class:`mas.instance.Instance` (C, P, and the topology when it has one).
    protocol : the mechanism object (see :mod:`protocols`).
    rng : seed (int) or numpy Generator; every random draw of the run comes from it.
    loss : message loss probability.
    crash_prob : probability that an agent (other than the initiator) crashes,
        at a tick drawn uniformly in 1..``crash_horizon``.
    crash_ticks : {agent: tick} explicit crashes (the initiator too, if listed).
    fail_prob : probability that a contractor fails a subtask it accepted.
    latency : fixed message latency in ticks (default: hops on the shortest path).
    initiator : the agent where the problem arises.
    capacity : at most this many subtasks per agent (None = unlimited).
    misreport : {agent: amount added to its bids}.
    max_ticks : the run stops here; unfinished subtasks are reported with a reason.
    trace : keep every message sent (:meth:`mas.messages.Channel.log`), e.g. for ``--trace``.
    costs : the instance's :class:`mas.costs.CostModel` when the caller has it already
        (validated once, shared by several runs); by default ``instance.cost_model()``.

    The DataCollector records, after every tick, the messages sent, delivered
    and lost so far and during the tick (``sent_tick``, ...), the communication
    cost so far, the number of allocated subtasks, and D and G of the current
    allocation. ``messages_this_tick()``
    and each agent's ``state`` and ``load`` are what a view draws.

    Like every model of ours (:class:`mas.crowdsourcing.model.CrowdModel`,
    :class:`mas.resources.dynamic.AllocationModel`) it keeps Mesa's
    ``running`` (False once the protocol is done or ``max_ticks`` is reached) and counts its ticks in
    ``tick``: a step, or an :meth:`exchange`, which Mesa's ``steps`` (calls of
    ``step()``) would miss.

    Raises
    ------
    InputError for probabilities outside [0, 1) or unknown agents.
    """

    def __init__(self, instance, protocol, *, rng=None, loss: float = 0.0, crash_prob: float = 0.0,
                 crash_ticks: dict | None = None, crash_horizon: int = 10, fail_prob: float = 0.0,
                 latency: int | None = None, initiator: int = 0, capacity: int | None = None,
                 misreport: dict | None = None, max_ticks: int = 10_000, trace: bool = False,
                 costs=None) -> None:
        super().__init__(**model_init_kwargs(rng))
        self.seed_value = rng if isinstance(rng, int) else None
        _check_options(crash_prob=crash_prob, fail_prob=fail_prob, max_ticks=max_ticks, capacity=capacity)
        self.instance = instance
        if costs is None:
            costs = instance.cost_model()
        elif costs.C.shape != instance.execution_cost.shape:
            raise InputError("costs", costs.C.shape, f"is not this instance's cost model "
                                                      f"(execution_cost {instance.execution_cost.shape})")
        # protocols are scored by their working agents under either lambda (CostModel.score)
        self.costs = costs.with_participation("participants")
        self.C, self.P, self.W = self.costs.C, self.costs.P, self.costs.W
        n, m = self.costs.n, self.costs.m
        if not 0 <= int(initiator) < n:
            raise InputError("initiator", initiator, f"agents are numbered 0..{n - 1}")
        self.initiator = int(initiator)
        self.fail_prob = float(fail_prob)
        self.max_ticks = int(max_ticks)
        self.capacity = capacity

        graph = instance.topology()
        nodes = list(graph.nodes)
        self.graph = nx.relabel_nodes(graph, {v: i for i, v in enumerate(nodes)}, copy=True)
        self.hops = topologies.hop_counts(self.graph, range(n))
        self.negotiation = topologies.negotiation_costs(self.graph, range(n))
        self.neighbours = [np.array(sorted(self.graph.neighbors(j)), dtype=np.intp) for j in range(n)]
        pos = nx.get_node_attributes(self.graph, "pos")
        self.grid = make_network(self.graph, random=self.random, positions=pos or None)

        # independent streams, so turning on one fault does not shift the draws of another
        seeds = self.rng.integers(2**63 - 1, size=3)
        self.channel = Channel(self.hops, self.negotiation, rng=np.random.default_rng(int(seeds[0])),
                               loss=loss, latency=latency, keep=trace)
        self.fault_rng = np.random.default_rng(int(seeds[1]))
        self.run_rng = np.random.default_rng(int(seeds[2]))  # what protocols and agents draw from

        misreport = misreport or {}
        self.agent_list: list[NegotiationAgent] = []
        for j in range(n):
            a = NegotiationAgent(self, j, capacity=capacity, misreport=misreport.get(j, 0.0))
            a.cell = self.grid[j]
            self.agent_list.append(a)
        self._schedule_crashes(crash_prob, crash_horizon, crash_ticks or {})

        self.live = np.ones(n, dtype=bool)
        self._allocation = np.full(m, -1, dtype=np.intp)
        self._load = np.zeros(n, dtype=np.intp)
        self._payments = np.full(m, np.nan)
        self._reasons: dict[int, str] = {}  # final: given up
        self._why: dict[int, str] = {}  # why a subtask was last taken back (its reason if it ends unallocated)
        self.tick = 0
        self.done = False
        self.inbox = self.channel.deliver(0)
        self.crashed_now = np.empty(0, dtype=np.intp)
        self.released = np.empty(0, dtype=np.intp)
        self.protocol = protocol
        self.view = ModelView(self)
        self._extra: dict | None = None
        self._pair_key: bytes | None = None
        self._before = (0, 0, 0)
        protocol.setup(self.view)
        self.running = True
        self.datacollector = mesa.DataCollector(model_reporters={
            "sent": lambda mo: mo.channel.sent,
            "delivered": lambda mo: mo.channel.delivered,
            "lost": lambda mo: mo.channel.lost,
            "sent_tick": lambda mo: mo.channel.sent - mo._before[0],
            "delivered_tick": lambda mo: mo.channel.delivered - mo._before[1],
            "lost_tick": lambda mo: mo.channel.lost - mo._before[2],
            "communication_cost": lambda mo: mo.channel.communication_cost,
            "allocated": lambda mo: int((mo._allocation >= 0).sum()),
            "D": lambda mo: mo.current_score().D,
            "G": lambda mo: mo.current_score().G,
        })
        self.datacollector.collect(self)

    def _schedule_crashes(self, crash_prob: float, crash_horizon: int, crash_ticks: dict) -> None:
        """Random crash ticks (never the initiator's), then the ones given by agent."""
        n = len(self.agent_list)
        draws = self.fault_rng.random(n)
        when = self.fault_rng.integers(1, max(int(crash_horizon), 1) + 1, size=n)
        for j in np.flatnonzero(draws < crash_prob).tolist():
            if j != self.initiator:
                self.agent_list[j].crash_tick = int(when[j])
        for j, t in crash_ticks.items():
            if not 0 <= int(j) < n:
                raise InputError("crash_ticks", j, f"agents are numbered 0..{n - 1}")
            if int(t) < 1:
                raise InputError(f"crash_ticks[{j}]", t, "ticks start at 1")
            self.agent_list[int(j)].crash_tick = int(t)

    # -- what views and protocols read -------------------------------------------
    @property
    def n(self) -> int:
        return self.costs.n

    @property
    def m(self) -> int:
        return self.costs.m

    @property
    def allocation(self) -> np.ndarray:
        """Subtask -> agent (-1: none), read-only; change it with award / release / give_up."""
        return self.view.allocation

    @property
    def payments(self) -> np.ndarray:
        """What the initiator pays per subtask (NaN: nothing), read-only."""
        return self.view.payments

    def load(self) -> np.ndarray:
        """Subtasks held per agent (read-only)."""
        return read_only(self._load)

    def pair_costs(self, working) -> np.ndarray:
        """Per agent, the sum of W[j, l] over the members l != j of ``working`` (read-only).

        Computed from the members' columns, once per working set: every bidder
        asks for its own entry, and on a big topology (lazy W) a row is a
        shortest-path search.
        """
        working = np.asarray(working, dtype=bool)
        key = working.tobytes()
        if self._pair_key != key:
            members = np.flatnonzero(working)
            self._pair_costs = (np.asarray(self.W[:, members], dtype=float).sum(axis=1) if members.size
                                else np.zeros(self.n))
            self._pair_key = key
        return read_only(self._pair_costs)

    def current_score(self):
        """D, G, working agents of the allocation as it stands (cached until it changes)."""
        key = self._allocation.tobytes()
        if getattr(self, "_score_key", None) != key:
            self._score = self.costs.score([int(a) if a >= 0 else None for a in self._allocation])
            self._score_key = key
        return self._score

    # -- the ledger's API: the only way a protocol changes who holds what ----------
    def award(self, subtasks, agents, payments=np.nan) -> None:
        """Give ``subtasks[k]`` to ``agents[k]`` at ``payments[k]`` (scalars broadcast).

        Raises
        ------
        ProtocolError if a subtask is held already (release it first), an
        agent has crashed or cannot execute its subtask, or an agent would
        hold more than ``capacity`` subtasks.
        """
        s, a, p = np.broadcast_arrays(np.atleast_1d(np.asarray(subtasks, dtype=np.intp)),
                                      np.asarray(agents, dtype=np.intp), np.asarray(payments, dtype=float))
        if s.size == 0:
            return
        if np.unique(s).size != s.size:
            raise ProtocolError(f"award: subtasks {s.tolist()} listed twice")
        held = self._allocation[s] >= 0
        if held.any():
            k = int(np.flatnonzero(held)[0])
            raise ProtocolError(f"award: subtask {int(s[k])} is held by agent {int(self._allocation[s[k]])}; "
                                "release it first")
        dead = ~self.live[a]
        if dead.any():
            raise ProtocolError(f"award: agent {int(a[np.flatnonzero(dead)[0]])} has crashed")
        cannot = ~np.isfinite(self.C[s, a])
        if cannot.any():
            k = int(np.flatnonzero(cannot)[0])
            raise ProtocolError(f"award: agent {int(a[k])} cannot execute subtask {int(s[k])}")
        if self.capacity is not None:
            load = self._load + np.bincount(a, minlength=self.n)
            over = np.flatnonzero(load > self.capacity)
            if over.size:
                raise ProtocolError(f"award: agent {int(over[0])} would hold {int(load[over[0]])} subtasks "
                                    f"(capacity {self.capacity})")
        self._allocation[s] = a
        np.add.at(self._load, a, 1)
        self._payments[s] = p
        for i in s.tolist():
            self._reasons.pop(i, None)

    def settle_payment(self, subtasks, prices) -> None:
        """Set what the initiator pays for held ``subtasks`` (e.g. a price bargained after the award).

        Raises
        ------
        ProtocolError for a subtask nobody holds.
        """
        s, p = np.broadcast_arrays(np.atleast_1d(np.asarray(subtasks, dtype=np.intp)), np.asarray(prices, dtype=float))
        free = self._allocation[s] < 0
        if free.any():
            raise ProtocolError(f"settle_payment: subtask {int(s[np.flatnonzero(free)[0]])} is not held")
        self._payments[s] = p

    def release(self, subtasks, reason: str | None = None) -> None:
        """Take ``subtasks`` back (they may be awarded again); ``reason`` is reported if they end unallocated."""
        s = np.unique(np.atleast_1d(np.asarray(subtasks, dtype=np.intp)))
        held = self._allocation[s]
        np.subtract.at(self._load, held[held >= 0], 1)
        self._allocation[s] = -1
        self._payments[s] = np.nan
        if reason is not None:
            for i in s.tolist():
                self._why[i] = reason

    def give_up(self, subtasks, reason: str | None = None) -> None:
        """Leave ``subtasks`` unallocated for good, with ``reason`` (default: why they were last released)."""
        s = np.atleast_1d(np.asarray(subtasks, dtype=np.intp))
        self.release(s)
        for i in s.tolist():
            self._reasons[i] = reason or self._why.get(i, "no proposal")

    def exchange(self, exchanges) -> int:
        """Carry out agreed exchanges of subtasks (e.g. k-swaps) in one more tick.

        ``exchanges`` is a list of exchanges, each a list of moves ``(subtask,
        from, to)``. Each exchange is negotiated by messages on the channel: the
        first giver proposes it to every other agent involved and each accepts
        (``2 * (agents involved - 1)`` messages). A moved subtask is paid what
        its new holder's execution costs. Returns the messages sent.
        """
        exchanges = [list(e) for e in exchanges]
        if not exchanges:
            return 0
        self.tick += 1
        self.channel.begin_tick()
        self._before = (self.channel.sent, self.channel.delivered, self.channel.lost)
        sent = 0
        for moves in exchanges:
            subs = np.array([mv[0] for mv in moves], dtype=np.intp)
            givers = np.array([mv[1] for mv in moves], dtype=np.intp)
            takers = np.array([mv[2] for mv in moves], dtype=np.intp)
            if not np.array_equal(self._allocation[subs], givers):
                raise ProtocolError(f"exchange: {moves} does not match who holds what")
            involved = list(dict.fromkeys([int(x) for x in np.r_[givers, takers]]))
            lead, others = involved[0], involved[1:]
            sent += self.channel.send(lead, others, PROPOSE, subtask=int(subs[0]), tick=self.tick)
            sent += self.channel.send(others, lead, ACCEPT_PROPOSAL, subtask=int(subs[0]), tick=self.tick)
            self.release(subs)
            self.award(subs, takers, self.C[subs, takers])
        self._refresh_agents()
        self.datacollector.collect(self)
        return sent

    def messages_this_tick(self) -> np.ndarray:
        """The messages sent during the last tick (a view draws these)."""
        return self.channel.sent_this_tick()

    # -- one tick -------------------------------------------------------------------
    def step(self) -> None:
        if self.done:
            return
        self.tick += 1
        self.channel.begin_tick()
        self._before = (self.channel.sent, self.channel.delivered, self.channel.lost)
        for a in self.agent_list:
            a.announcing = False
        crashed = [a.index for a in self.agent_list if not a.crashed and a.crash_tick == self.tick]
        for j in crashed:
            self.agent_list[j].crash()
            self.live[j] = False
        self.crashed_now = np.array(crashed, dtype=np.intp)
        self.released = np.flatnonzero(np.isin(self._allocation, self.crashed_now)) if crashed else self.crashed_now
        self.release(self.released, "contractor crashed")
        inbox = self.channel.deliver(self.tick)
        self.inbox = inbox[self.live[inbox["receiver"]]] if inbox.size else inbox  # the crashed hear nothing
        result = self.protocol.step(self.view)
        self.done = bool(result.done)
        self.running = not self.done and self.tick < self.max_ticks  # Mesa's run_model() must end
        self._refresh_agents()
        self.datacollector.collect(self)

    def _refresh_agents(self) -> None:
        load = self._load
        for a in self.agent_list:
            a.refresh_state(self.tick, int(load[a.index]))

    def run(self, max_ticks: int | None = None, *, progress=None) -> NegotiationResult:
        """Step until the protocol is done or ``max_ticks``; the scored result.

        ``progress(label, done, total)``, if given, hears after every tick the
        allocated subtasks of all m, labelled with the tick (a run may end before
        every subtask is allocated, or reallocate after a crash).
        """
        limit = self.max_ticks if max_ticks is None else int(max_ticks)
        while not self.done and self.tick < limit:
            self.step()
            if progress is not None:
                progress(f"tick {self.tick}", int(np.count_nonzero(self._allocation >= 0)), self.m)
        return self.result()

    def result(self) -> NegotiationResult:
        """The outcome so far: allocation, reasons, D and G, messages, payments."""
        extra = self._extra
        if extra is None:
            finish = getattr(self.protocol, "finish", None)
            extra = (finish(self.view) or {}) if finish is not None else {}
            if self.done:  # a finished protocol is asked once: later exchanges (k-swaps) must not be undone
                self._extra = extra
        extra = dict(extra)
        # work on copies: a view may ask for the result in the middle of a run
        allocation = self._allocation.copy()
        reasons = {s: r for s, r in self._reasons.items() if allocation[s] < 0}
        dead = np.flatnonzero((allocation >= 0) & ~self.live[np.maximum(allocation, 0)])
        for s in dead.tolist():  # a protocol should never leave these; make sure
            allocation[s] = -1
            reasons.setdefault(s, "agent crashed")
        stopped = ("not allocated when the run ended" if self.done else
                   f"not allocated when the run stopped at tick {self.tick}"
                   + (" (max ticks reached)" if self.tick >= self.max_ticks else ""))
        for s in np.flatnonzero(allocation < 0).tolist():
            reasons.setdefault(s, self._why.get(s, stopped) if self.done else stopped)
        alloc_list = [int(a) if a >= 0 else None for a in allocation]
        score = self.costs.score(alloc_list)
        return NegotiationResult(
            protocol=getattr(self.protocol, "name", type(self.protocol).__name__),
            n=self.n, m=self.m, seed=self.seed_value,
            allocation=alloc_list,
            unallocated=[{"subtask": s, "reason": reasons[s]} for s in sorted(reasons)],
            participants=score.working,
            D=score.D, G=score.G,
            messages=self.channel.stats(),
            communication_cost=self.channel.communication_cost,
            ticks=self.tick,
            payments=[None if (a < 0 or not np.isfinite(p)) else float(p)
                      for a, p in zip(allocation, self._payments)],
            crashed=[a.index for a in agents_of(self.agents) if a.crashed],
            extra=extra,
        )
