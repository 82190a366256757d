"""What protocols exchange: FIPA performatives, lean message records, the channel.

Messages are rows of a numpy structured array (:data:`MESSAGE`), sent and
delivered in batches per tick -- a broadcast to a thousand agents is one array,
not a thousand objects. The channel delays a message by the hops between
sender and receiver (or a fixed latency), charges the pair's negotiation cost,
and loses it with a seeded probability.

Examples
--------
>>> import numpy as np
>>> ch = Channel(hops=np.array([[0, 2], [2, 0]]), costs=np.array([[0, 3.0], [3.0, 0]]), rng=1)
>>> ch.send(0, [1], CFP, subtask=[4], tick=1)
1
>>> ch.deliver(2).size, ch.deliver(3)["subtask"].tolist(), ch.communication_cost
(0, [4], 3.0)
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from mas.errors import InputError
from topologies.pairs import is_lazy


class Performative(IntEnum):
    """FIPA ACL performatives used by the protocols."""

    CFP = 0
    PROPOSE = 1
    REFUSE = 2
    ACCEPT_PROPOSAL = 3
    REJECT_PROPOSAL = 4
    INFORM = 5
    FAILURE = 6
    CANCEL = 7
    NOT_UNDERSTOOD = 8

    @property
    def fipa(self) -> str:
        """The FIPA name, e.g. ``accept-proposal``."""
        return self.name.lower().replace("_", "-")


#: the subtask field of a cfp (and its answers) that is about the whole problem, not one subtask
WHOLE_PROBLEM = -2

CFP, PROPOSE, REFUSE, ACCEPT_PROPOSAL, REJECT_PROPOSAL, INFORM, FAILURE, CANCEL, NOT_UNDERSTOOD = (
    int(p) for p in Performative)

#: one message: who, to whom, what, about which subtask, in which conversation,
#: its content (a bid, a price), when it was sent and is due, what it cost, lost or not
MESSAGE = np.dtype([
    ("sender", np.int32),
    ("receiver", np.int32),
    ("performative", np.int8),
    ("subtask", np.int32),
    ("conversation", np.int64),
    ("content", np.float64),
    ("sent", np.int32),
    ("due", np.int32),
    ("cost", np.float64),
    ("lost", np.bool_),
])


def empty() -> np.ndarray:
    """A message array with no rows."""
    return np.empty(0, dtype=MESSAGE)


def to_dicts(messages: np.ndarray) -> list[dict]:
    """Messages as plain dicts (performative by its FIPA name), for JSON and views."""
    out = []
    for row in messages:
        d = {name: row[name].item() for name in MESSAGE.names}
        d["performative"] = Performative(d["performative"]).fipa
        out.append(d)
    return out


#: the fields of one trace line (``mas negotiate --trace``)
TRACE_FIELDS = ("tick", "sender", "receiver", "performative", "conversation", "subtask", "cost", "lost")


def write_trace(path, messages: np.ndarray) -> int:
    """Write ``messages`` as JSON lines of :data:`TRACE_FIELDS` (``tick`` = when sent), atomically.

    Returns the number of lines; their costs add up to the channel's communication cost.
    """
    import json

    from mas.files import atomic_open

    perf = [Performative(p).fipa for p in messages["performative"].tolist()]
    cols = {"tick": messages["sent"].tolist(), "sender": messages["sender"].tolist(),
            "receiver": messages["receiver"].tolist(), "performative": perf,
            "conversation": messages["conversation"].tolist(), "subtask": messages["subtask"].tolist(),
            "cost": messages["cost"].tolist(), "lost": messages["lost"].tolist()}
    with atomic_open(path) as fh:
        for row in zip(*(cols[f] for f in TRACE_FIELDS)):
            fh.write(json.dumps(dict(zip(TRACE_FIELDS, row))) + "\n")
    return int(messages.size)


def _hop_latency(hops: np.ndarray) -> np.ndarray:
    """A message takes one tick per hop, at least one."""
    return np.maximum(np.where(np.isfinite(hops), hops, 0), 1).astype(np.int32)


class Channel:
    """Delivers messages over the topology with latency, cost and seeded loss.

    Parameters
    ----------
    hops : (n, n) hop counts on shortest paths (:func:`topologies.hop_counts`).
    costs : (n, n) negotiation cost of every pair (:func:`topologies.negotiation_costs`).
        Either may be a lazy :class:`topologies.PairMatrix` (big topologies):
        then only the rows of the agents that send are computed.
    rng : int or numpy Generator for the loss draws.
    loss : probability that a message is lost, in [0, 1).
    latency : fixed latency in ticks instead of the hop count.
    keep : keep every message sent, for :meth:`log` (a trace of the run).

    A message takes at least one tick. Lost messages are charged (they were
    sent) but never delivered. At any time ``sent = delivered + lost +
    in_flight``.
    """

    def __init__(self, hops, costs, *, rng=None, loss: float = 0.0, latency: int | None = None,
                 keep: bool = False) -> None:
        self.hops = hops if is_lazy(hops) else np.asarray(hops)
        self.costs = costs if is_lazy(costs) else np.asarray(costs, dtype=np.float64)
        n = self.costs.shape[0]
        if self.hops.shape != (n, n) or self.costs.shape != (n, n):
            raise InputError("hops", self.hops.shape, f"hops and costs must both be ({n}, {n})")
        if not 0.0 <= float(loss) < 1.0:
            raise InputError("loss", loss, "must be a probability in [0, 1)")
        if latency is not None and int(latency) < 1:
            raise InputError("latency", latency, "must be a whole number of ticks >= 1")
        if latency is not None:  # one number for every pair: a read-only view, no n x n array
            self.latency = np.broadcast_to(np.int32(latency), (n, n))
        elif is_lazy(self.hops):  # big topologies: latency rows from hop rows, when read
            self.latency = self.hops.derive(_hop_latency, dtype=np.int32)
        else:
            self.latency = _hop_latency(self.hops)
        self.loss = float(loss)
        self.rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self._pending: dict[int, list[np.ndarray]] = {}
        self._tick_sent: list[np.ndarray] = []
        self._log: list[np.ndarray] | None = [] if keep else None
        self.sent = 0
        self.delivered = 0
        self.lost = 0
        self.communication_cost = 0.0

    # -- per tick ---------------------------------------------------------------
    def begin_tick(self) -> None:
        """Forget the previous tick's outgoing messages (see :meth:`sent_this_tick`)."""
        self._tick_sent = []

    def sent_this_tick(self) -> np.ndarray:
        """Every message sent during the current tick, lost ones flagged (for views)."""
        if not self._tick_sent:
            return empty()
        return self._tick_sent[0] if len(self._tick_sent) == 1 else np.concatenate(self._tick_sent)

    def send(self, sender, receiver, performative: int, *, subtask=-1, conversation=-1, content=np.nan,
             tick: int) -> int:
        """Send a batch: every argument is a scalar or an array broadcast to the batch.

        Returns the number of messages sent.
        """
        receiver = np.atleast_1d(np.asarray(receiver, dtype=np.int32))
        sender, receiver, subtask, conversation, content = np.broadcast_arrays(
            np.asarray(sender, dtype=np.int32), receiver, np.asarray(subtask, dtype=np.int32),
            np.asarray(conversation, dtype=np.int64), np.asarray(content, dtype=np.float64))
        k = receiver.size
        if k == 0:
            return 0
        msg = np.empty(k, dtype=MESSAGE)
        msg["sender"] = sender
        msg["receiver"] = receiver
        msg["performative"] = performative
        msg["subtask"] = subtask
        msg["conversation"] = conversation
        msg["content"] = content
        msg["sent"] = tick
        msg["due"] = tick + self.latency[sender, receiver]
        msg["cost"] = self.costs[sender, receiver]
        msg["lost"] = self.rng.random(k) < self.loss if self.loss > 0 else False
        self.sent += k
        self.communication_cost += float(msg["cost"].sum())
        self._tick_sent.append(msg)
        if self._log is not None:
            self._log.append(msg)
        kept = msg[~msg["lost"]] if self.loss > 0 else msg
        self.lost += k - kept.size
        if kept.size:
            due = kept["due"]
            first = int(due[0])
            if (due == first).all():  # the common case: one latency for the whole batch
                self._pending.setdefault(first, []).append(kept)
            else:
                order = np.argsort(due, kind="stable")
                kept = kept[order]
                ticks, starts = np.unique(kept["due"], return_index=True)
                for t, part in zip(ticks.tolist(), np.split(kept, starts[1:])):
                    self._pending.setdefault(t, []).append(part)
        return k

    def deliver(self, tick: int) -> np.ndarray:
        """The messages due at ``tick`` (in the order they were sent)."""
        parts = self._pending.pop(tick, None)
        if not parts:
            return empty()
        out = parts[0] if len(parts) == 1 else np.concatenate(parts)
        self.delivered += out.size
        return out

    @property
    def in_flight(self) -> int:
        """Messages sent but not yet delivered (and not lost)."""
        return sum(p.size for parts in self._pending.values() for p in parts)

    def log(self) -> np.ndarray:
        """Every message sent so far, in order (needs ``keep=True``)."""
        if self._log is None:
            raise InputError("keep", False, "the channel keeps no log; create it with keep=True")
        return np.concatenate(self._log) if self._log else empty()

    def stats(self) -> dict:
        """Counts that close: sent = delivered + lost + in_flight."""
        return {"sent": self.sent, "delivered": self.delivered, "lost": self.lost, "in_flight": self.in_flight}
