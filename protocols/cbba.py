"""Consensus-Based Bundle Algorithm (Choi, Brunet and How 2009) over the real topology.

Every agent keeps, per subtask, the winning bid it believes in (``y``), the
winner (``z``) and, per agent, the time of the latest information from it
(``s``). Each tick it

1. takes in the ``inform`` messages of its neighbours (the last views they
   sent) and resolves conflicts with CBBA's update / reset / leave table,
2. drops the part of its bundle after the first subtask it was outbid on,
3. adds subtasks greedily while its marginal bid beats the current winner,
4. sends its view to each neighbour -- and to no one else.

Bids are costs (lower wins, ties to the lower agent). With ``bids="execution"``
agent j's bid for a subtask is ``C[i, j] + load_penalty * |bundle|``. The true
marginal cost of D would charge the join cost on an agent's first subtask only,
so its marginal costs would *fall* as its bundle grows, which breaks the
diminishing-marginal-gain condition that makes CBBA conflict-free. With
``bids="marginal"`` (default) the agents first agree on a reference set R of
participants by *flood epochs* -- each a max-consensus over neighbour-only
messages, as CBBA spreads winning bids --, then run CBBA on bids that keep the
condition:

* the seed epoch floods the agent with the smallest stand-alone cost D({j});
  it founds R;
* each join epoch floods the largest saving an outsider computes for itself:
  what D loses if it joins R and takes every subtask it executes for less
  than R's members (R's prices are what the agreed bids say), minus its join
  cost; the winner joins, until no saving is left (or ``epochs`` joins);
* the bundle epoch is CBBA with bids ``C[i, j] + load_penalty * |bundle| +
  J_j``: 0 for a member of R, the full join cost to R for an outsider -- the
  same for every subtask of its bundle, so bids never fall as bundles grow and
  the allocation is conflict-free.

The run has converged when every live agent holds the same view, every winner
in it is alive, and nothing changed during the tick; the rounds (ticks) to get there are reported. An agent
that has not heard from a neighbour for ``2 * latency + 2`` ticks takes it for
crashed and drops its bids (a fresh timestamp spreads that news), so the others
bid for its subtasks. If the run stops without agreement (max ticks, a
partition by crashes), a subtask that several live agents claim, or whose
winner crashed, is reported unallocated with the reason.
"""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.messages import INFORM
from protocols.base import Mechanism, StepResult, check_bids
from protocols.registry import register

NONE = -1
_PENALTY = 1e12  # a subtask an agent cannot execute, in its stand-alone cost: covering comes first


@register("cbba")
class CBBA(Mechanism):
    """CBBA with neighbour-only messages.

    Parameters
    ----------
    bids : ``marginal`` (default: epochs of surrogate bids with the join cost) or ``execution``.
    load_penalty : added to an agent's bid per subtask already in its bundle (>= 0).
    epochs : with ``marginal`` bids, how many agents may join the seed by flood epochs at most (>= 1).
    bundle_limit : at most this many subtasks per agent (default: the model's
        capacity, else unlimited).

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> from mas.model import NegotiationModel
    >>> r = NegotiationModel(generate_instance("small-world", 8, 4, seed=2), CBBA(), rng=2).run()
    >>> r.unallocated, r.extra["converged"]
    ([], True)
    """

    def __init__(self, *, bids: str = "marginal", load_penalty: float = 0.0, bundle_limit: int | None = None,
                 epochs: int = 20) -> None:
        self.bids = check_bids(bids)
        if int(epochs) < 1:
            raise InputError("epochs", epochs, "must be >= 1")
        self.epochs = int(epochs)
        if not load_penalty >= 0:
            raise InputError("load_penalty", load_penalty, "must be >= 0")
        if bundle_limit is not None and int(bundle_limit) < 1:
            raise InputError("bundle_limit", bundle_limit, "must be >= 1")
        self.load_penalty = float(load_penalty)
        self.bundle_limit = bundle_limit

    def setup(self, state) -> None:
        n, m = state.n, state.m
        self.y = np.full((n, m), np.inf)
        self.z = np.full((n, m), NONE, dtype=np.intp)
        self.s = np.zeros((n, n), dtype=np.int64)
        self.bundles: list[list[int]] = [[] for _ in range(n)]
        self.sent: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # views sent at a tick
        self.limit = self.bundle_limit or state.capacity or m
        self.converged = False
        self.rounds = 0
        self.heard = np.zeros((n, n), dtype=np.int64)  # tick agent i last heard from agent k
        self.timeout = 2 * int(state.channel.latency.max()) + 2
        # each agent's base bid per subtask, asked once through the agent interface (inf = cannot)
        everything = np.arange(m)
        self.cost = np.stack([a.propose(everything) for a in state.agent_list])
        self.pen = np.zeros(n)
        self.epoch = 0
        self.epoch_start = 0
        self.phase = "seed" if self.bids == "marginal" else "bundle"
        self.members = np.zeros(n, dtype=bool)  # the reference set R the flood epochs agree on
        self.joins = 0
        self.cover = np.where(np.isfinite(self.cost), self.cost, _PENALTY)  # covering first
        if self.phase == "seed":  # each agent's stand-alone cost, flooded to find the smallest (the seed)
            self._start_flood(self.cover.sum(axis=1))

    # -- one agent's computations ---------------------------------------------------
    def _consensus(self, i: int, k: int, yk, zk, sk, tick: int) -> None:
        yi, zi, si = self.y[i], self.z[i], self.s[i]
        better = (yk < yi) | ((yk == yi) & (zk < zi) & (zk != NONE))
        zk_c, zi_c = np.maximum(zk, 0), np.maximum(zi, 0)
        newer_zk = (zk != NONE) & (sk[zk_c] > si[zk_c])
        older_zk = (zk != NONE) & (si[zk_c] > sk[zk_c])
        newer_zi = (zi != NONE) & (sk[zi_c] > si[zi_c])
        k_is_k, k_is_i, k_none = zk == k, zk == i, zk == NONE
        k_other = ~(k_is_k | k_is_i | k_none)
        i_is_i, i_is_k, i_none = zi == i, zi == k, zi == NONE
        i_other = ~(i_is_i | i_is_k | i_none)
        same = zk == zi
        update = (
            (k_is_k & ((i_is_i & better) | i_is_k | (i_other & (newer_zi | better)) | i_none))
            | (k_other & ((i_is_i & newer_zk & better) | (i_is_k & newer_zk) | (i_other & same & newer_zk)
                          | (i_other & ~same & ((newer_zk & newer_zi) | (newer_zk & better))) | (i_none & newer_zk)))
            | (k_none & (i_is_k | (i_other & newer_zi)))
        )
        reset = (
            (k_is_i & (i_is_k | (i_other & newer_zi)))
            | (k_other & ((i_is_k & ~newer_zk) | (i_other & ~same & newer_zi & older_zk)))
        ) & ~update
        yi[update], zi[update] = yk[update], zk[update]
        yi[reset], zi[reset] = np.inf, NONE
        np.maximum(si, sk, out=si)
        si[k] = tick

    def _suspect_silent_neighbours(self, state, tick: int) -> None:
        """A neighbour silent for ``timeout`` ticks is taken for crashed: drop its bids, with a
        fresh timestamp so the news spreads. A live neighbour that was only unlucky with lost
        messages re-asserts its own bids (they carry newer timestamps) the next time it is heard."""
        for i in np.flatnonzero(state.live).tolist():
            nb = state.neighbours[i]
            if nb.size == 0:
                continue
            silent = nb[tick - self.heard[i, nb] == self.timeout + 1]
            for k in silent.tolist():
                lost = self.z[i] == k
                self.y[i, lost], self.z[i, lost] = np.inf, NONE
                self.s[i, k] = tick

    def _release(self, i: int) -> None:
        b = self.bundles[i]
        for pos, t in enumerate(b):
            if self.z[i, t] != i:
                for u in b[pos + 1:]:  # later bids were made on top of the lost one
                    if self.z[i, u] == i:
                        self.y[i, u], self.z[i, u] = np.inf, NONE
                del b[pos:]
                return

    def _build(self, state, i: int) -> None:
        b = self.bundles[i]
        c = self.cost[i]
        yi, zi = self.y[i], self.z[i]
        join = self.pen[i]
        while len(b) < self.limit:
            bid = c + self.load_penalty * len(b) + join
            ok = np.isfinite(bid) & (zi != i) & ((bid < yi) | ((bid == yi) & (i < zi)))
            if not ok.any():
                return
            t = int(np.flatnonzero(ok)[np.argmin(bid[ok])])
            b.append(t)
            yi[t], zi[t] = bid[t], i

    # -- the mechanism -------------------------------------------------------------------
    def _start_flood(self, values: np.ndarray) -> None:
        """Every agent starts a flood epoch believing in its own (value, index)."""
        self.flood_val = np.asarray(values, dtype=float).copy()
        self.flood_who = np.arange(self.flood_val.size, dtype=np.intp)

    def _flood(self, msgs, tick: int) -> bool:
        """One tick of a flood epoch: every agent keeps the smallest (value, agent) it has heard of."""
        before = self.flood_who.copy()
        for msg in msgs:
            k, i, t = int(msg["sender"]), int(msg["receiver"]), int(msg["sent"])
            vk, wk = self.sent[t][1]
            if (vk[k], wk[k]) < (self.flood_val[i], self.flood_who[i]):
                self.flood_val[i], self.flood_who[i] = vk[k], wk[k]
            self.heard[i, k] = tick
        return not np.array_equal(before, self.flood_who)

    def _gains(self, state) -> np.ndarray:
        """Each agent's own computation: what D saves if it joins R and takes every subtask it
        executes for less than R's price (minus its join cost); -inf for members."""
        price = self.cover[self.members].min(axis=0)
        saving = np.maximum(price[None, :] - self.cover, 0.0).sum(axis=1)
        join = np.array([a.join_cost(self.members) for a in state.agent_list])
        return np.where(self.members | ~state.live, -np.inf, saving - join)

    def _flood_done(self, state) -> None:
        """A flood epoch has agreed: the seed joins R, or the best joiner does if it saves anything;
        when nobody does, the bundle epoch allocates among R (outsiders pay their join cost)."""
        live = np.flatnonzero(state.live)
        winner = int(self.flood_who[live[0]])
        value = float(self.flood_val[live[0]])
        eps = 1e-9 * max(1.0, float(self.cover[self.members].min(axis=0).sum()) if self.members.any() else 1.0)
        grow = self.phase == "seed" or (-value > eps and self.joins < self.epochs and state.live[winner])
        self.epoch += 1
        self.epoch_start = state.tick
        if grow:
            self.members[winner] = True
            self.joins += self.phase == "grow"
            self.phase = "grow"
            self._start_flood(-self._gains(state))
            return
        self.phase = "bundle"
        self.pen = np.array([0.0 if self.members[a.index] else a.join_cost(self.members) for a in state.agent_list])
        self.y[:] = np.inf
        self.z[:] = NONE
        self.bundles = [[] for _ in range(state.n)]

    def step(self, state) -> StepResult:
        tick = state.tick
        before_y, before_z = self.y.copy(), self.z.copy()
        live = np.flatnonzero(state.live)
        msgs = state.inbox[state.inbox["performative"] == INFORM] if state.inbox.size else state.inbox
        msgs = msgs[msgs["content"] == self.epoch] if msgs.size else msgs  # views of an earlier epoch are stale
        if self.phase != "bundle":
            changed = self._flood(msgs, tick)
            self.sent[tick] = (None, (self.flood_val.copy(), self.flood_who.copy()))
            self._send_views(state, live, tick)
            agree = bool((self.flood_who[live] == self.flood_who[live[0]]).all()) if live.size else True
            if agree and not changed and tick > self.epoch_start + 1 and live.size:
                self._flood_done(state)
            self.rounds = tick
            return StepResult(done=False)
        for msg in msgs:
            k, i, t = int(msg["sender"]), int(msg["receiver"]), int(msg["sent"])
            yk, zk, sk = self.sent[t][0]
            self._consensus(i, k, yk[k], zk[k], sk[k], tick)
            self.heard[i, k] = tick
        self._suspect_silent_neighbours(state, tick)
        for i in live.tolist():
            self.s[i, i] = tick
            self._release(i)
            self._build(state, i)
        changed = not (np.array_equal(before_y, self.y) and np.array_equal(before_z, self.z))
        self.sent[tick] = ((self.y.copy(), self.z.copy(), self.s.copy()), None)
        self._send_views(state, live, tick)
        self.rounds = tick
        zl = self.z[live]
        agree = bool((zl == zl[0]).all()) if live.size else True
        if agree and live.size:  # a crashed winner is not agreement yet: its neighbours will notice
            w = zl[0][zl[0] >= 0]
            agree = bool(state.live[w].all())
        settled = agree and not changed and tick > self.epoch_start + 1
        self._ledger(state)
        self.converged = settled
        return StepResult(done=self.converged)

    def _send_views(self, state, live, tick: int) -> None:
        """Every live agent sends its view (kept in ``sent``, by tick) to each of its neighbours."""
        ch = state.channel
        self.sent = {t: v for t, v in self.sent.items() if t > tick - 2 * int(ch.latency.max()) - 2}
        for i in live.tolist():
            nb = state.neighbours[i]
            if nb.size:
                ch.send(i, nb, INFORM, content=float(self.epoch), tick=tick)
                state.agent_list[i].bid_tick = tick

    def _ledger(self, state) -> None:
        """The allocation as the agents' bundles say: a subtask claimed by one live agent only."""
        claims = np.zeros((state.m,), dtype=np.int64)
        owner = np.full(state.m, NONE, dtype=np.intp)
        for i in np.flatnonzero(state.live).tolist():
            for t in self.bundles[i]:
                claims[t] += 1
                owner[t] = i
        alloc = np.where(claims == 1, owner, NONE)
        price = np.where(alloc >= 0, self.y[np.maximum(alloc, 0), np.arange(state.m)], np.nan)
        current = state.allocation
        changed = np.flatnonzero((alloc != current) | ((alloc >= 0) & (state.payments != price)))
        state.release(changed)
        new = changed[alloc[changed] >= 0]
        state.award(new, alloc[new], price[new])
        self.claims = claims

    def finish(self, state) -> dict:
        self._ledger(state)
        winners = self.z[np.flatnonzero(state.live)[0]] if state.live.any() else np.full(state.m, NONE)
        live_graph = state.graph.subgraph(np.flatnonzero(state.live).tolist())
        import networkx as nx  # noqa: PLC0415  (only here; naming the protocols stays light)

        split = live_graph.number_of_nodes() > 0 and not nx.is_connected(live_graph)
        for t in np.flatnonzero(state.allocation < 0).tolist():
            if self.claims[t] > 1:
                reason = "no consensus: claimed by several agents" + (" (crashes split the network)" if split else "")
            elif winners[t] >= 0 and not state.live[winners[t]]:
                reason = "winner crashed"
            elif not np.isfinite(self.cost[state.live, t]).any():
                reason = "no live agent can execute it"
            else:
                reason = "no agent claimed it"
            state.give_up(t, reason)
        out = {"rounds": self.rounds, "converged": self.converged}
        if self.bids == "marginal":
            out["epochs"] = self.epoch
            out["reference_set"] = np.flatnonzero(self.members).tolist()
        return out
