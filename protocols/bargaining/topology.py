"""Pricing a protocol's allocation by alternating offers sent over the topology: :func:`settle`.

After a protocol has awarded the subtasks, the initiator (the buyer) and each
winner (a seller) bargain over that subtask's payment, all pairs at the same
time, every offer a message on the model's channel: ``propose`` carries a
price, ``accept-proposal`` closes with a deal, ``reject-proposal`` breaks off
at the deadline. A message takes the channel's latency (hops) and costs the
pair's negotiation cost, so a negotiation of R rounds over a pair of cost c
adds R x c to the communication cost and about R x latency ticks.

Lost messages are resent (stop-and-wait): a side that has not heard an
answer 2 x latency ticks after sending resends its last message; a side that
receives a message it has already answered resends its answer. Loss is the
only fault while pricing (crashes are drawn during the protocol run).

Who wants what (documented defaults, all parameters of :func:`settle`):

- the winner w of subtask s: reservation price its execution cost C[s, w]
  (it never works at a loss), initial price (1 + ``markup``) x C[s, w];
- the initiator: initial price 0, reservation price its ``budget`` for the
  subtask -- by default the largest finite execution cost of s among all
  agents (it never pays more than the dearest agent able to do the work would
  cost), so only a winner that is itself the dearest leaves no room to agree.

A subtask the initiator executes itself is not priced; a winner whose cost is
0 is paid 0 without bargaining. A subtask without agreement keeps the payment
the protocol gave it (pricing never undoes the allocation) and is reported as
not agreed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mas.errors import InputError
from mas.messages import ACCEPT_PROPOSAL, PROPOSE, REJECT_PROPOSAL
from protocols.bargaining.mechanism import ACCEPT, BUYER, OFFER, SELLER, AlternatingOffers, Move, Side, result
from protocols.bargaining.strategies import describe, make
from protocols.bargaining.utility import LinearUtility

#: conversation ids of pricing talks start here, far above any protocol's
CONVERSATION_BASE = 1 << 40
_BARGAINING = (PROPOSE, ACCEPT_PROPOSAL, REJECT_PROPOSAL)


def set_payment(model, subtask: int, price: float) -> None:
    """Record an agreed payment on the model (the one place pricing writes it), through its API."""
    model.settle_payment(subtask, price)


@dataclass
class _Talk:
    """One initiator-winner negotiation in flight."""

    subtask: int
    agents: dict  # role -> agent index
    state: object
    start: int
    last: dict = field(default_factory=dict)  # agent -> (performative, price) it sent last
    timer: dict = field(default_factory=dict)  # agent -> tick it resends at (None: not waiting)
    answered: bool = False  # the latest move has reached the other side
    messages: int = 0
    resent: int = 0
    comm_cost: float = 0.0
    end: int | None = None
    closed: bool = False

    def other(self, agent: int) -> int:
        return self.agents[SELLER] if self.agents[BUYER] == agent else self.agents[BUYER]


def settle(model, *, buyer="linear", seller="linear", deadline: int = 10, budget: float | None = None,
           markup: float = 1.0, max_ticks: int = 10_000) -> dict:
    """Bargain the payment of every awarded subtask between the initiator and its winner.

    Parameters
    ----------
    model : a finished :class:`mas.model.NegotiationModel` (its ``allocation``,
        ``C``, ``initiator``, ``channel``, ``tick``, ``live``, ``payments``).
    buyer, seller : strategy names or objects (see :mod:`protocols.bargaining.strategies`)
        of the initiator and of every winner.
    deadline : T rounds per negotiation.
    budget : the initiator's reservation price per subtask (> 0); default: the
        subtask's largest finite execution cost.
    markup : the winner opens at (1 + markup) x its execution cost (> 0).
    max_ticks : pricing stops after this many ticks; talks still open are not agreed.

    Returns
    -------
    dict: ``buyer``, ``seller``, ``deadline``, ``budget``, ``markup``, ``bargained``
    (subtasks priced), ``agreed``, ``agreement_rate`` (None when nothing was
    bargained), ``mean_rounds``, ``rounds`` and ``payments`` (per subtask, None
    where not bargained or not agreed), ``payment_total`` (agreed ones),
    ``messages`` (sent, delivered, lost, resent), ``communication_cost``,
    ``ticks`` and ``subtasks`` (one record per priced subtask).

    Raises
    ------
    InputError for bad strategies, deadline, budget, markup or max_ticks.

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> from protocols import negotiate
    >>> _, model = negotiate(generate_instance("complete", 5, 3, seed=2), "cnp", seed=2,
    ...                      protocol_options={"bids": "execution"})
    >>> out = settle(model, buyer="conceder", seller="linear")
    >>> out["agreement_rate"], out["rounds"]
    (1.0, [None, 5, 3])
    """
    mech = AlternatingOffers(deadline)
    if budget is not None and not (np.isfinite(budget) and budget > 0):
        raise InputError("budget", budget, "must be a positive number")
    if not (np.isfinite(markup) and markup > 0):
        raise InputError("markup", markup, "must be a positive number")
    if isinstance(max_ticks, bool) or int(max_ticks) < 1:
        raise InputError("max_ticks", max_ticks, "must be >= 1")
    make(buyer), make(seller)  # fail before any message is sent
    ch, C, m = model.channel, np.asarray(model.C, dtype=float), len(model.allocation)
    dearest = np.max(np.where(np.isfinite(C), C, -np.inf), axis=1)
    start_tick = model.tick
    sent0, lost0, cost0 = ch.sent, ch.lost, ch.communication_cost
    rounds, payments = [None] * m, [None] * m
    records: dict[int, dict] = {}
    talks: dict[int, _Talk] = {}
    for s in range(m):
        w = int(model.allocation[s])
        if w < 0 or not model.live[w] or w == model.initiator:
            continue
        cost = float(C[s, w])
        cap = float(budget) if budget is not None else float(dearest[s])
        records[s] = {"subtask": s, "winner": w, "cost": cost, "budget": cap}
        if cost == 0:  # nothing to haggle over (and a seller range of one point)
            records[s] |= {"agreement": True, "round": None, "rounds": 0, "price": 0.0, "messages": 0,
                           "resent": 0, "communication_cost": 0.0, "ticks": 0,
                           "note": "free: paid 0 without bargaining"}
            payments[s] = 0.0
            set_payment(model, s, 0.0)
            continue
        b = Side(BUYER, make(buyer), LinearUtility(0.0, cap, "budget"), describe(buyer))
        se = Side(SELLER, make(seller), LinearUtility((1.0 + markup) * cost, cost, "markup"), describe(seller))
        talks[CONVERSATION_BASE + s] = _Talk(subtask=s, agents={BUYER: model.initiator, SELLER: w},
                                             state=mech.start(b, se, rng=model.run_rng), start=start_tick + 1)

    delivered = _exchange(model, mech, talks, limit=start_tick + int(max_ticks)) if talks else 0
    for talk in talks.values():
        r = result(talk.state)
        agreed = talk.closed and r.agreement
        rounds[talk.subtask] = r.rounds
        if agreed:
            payments[talk.subtask] = r.price
        records[talk.subtask] |= {
            "agreement": agreed, "round": r.round if agreed else None, "rounds": r.rounds,
            "price": r.price if agreed else None, "messages": talk.messages, "resent": talk.resent,
            "communication_cost": talk.comm_cost,
            "ticks": (talk.end if talk.end is not None else model.tick) - talk.start,
        }
        if not talk.closed:
            records[talk.subtask]["note"] = f"unfinished when pricing stopped after {max_ticks} ticks"
    subtasks = [records[s] for s in sorted(records)]
    played = [rec["rounds"] for rec in subtasks if rec["rounds"]]
    agreed = sum(rec["agreement"] for rec in subtasks)
    return {
        "buyer": describe(buyer), "seller": describe(seller), "deadline": mech.deadline,
        "budget": budget if budget is not None else "largest execution cost", "markup": markup,
        "bargained": len(subtasks), "agreed": agreed,
        "agreement_rate": agreed / len(subtasks) if subtasks else None,
        "mean_rounds": float(np.mean(played)) if played else None,
        "rounds": rounds, "payments": payments,
        "payment_total": float(sum(p for p in payments if p is not None)),
        "messages": {"sent": ch.sent - sent0, "delivered": delivered, "lost": ch.lost - lost0,
                     "resent": sum(t.resent for t in talks.values())},
        "communication_cost": ch.communication_cost - cost0,
        "ticks": model.tick - start_tick,
        "subtasks": subtasks,
    }


def _exchange(model, mech: AlternatingOffers, talks: dict, *, limit: int) -> int:
    """Tick by tick until every talk has closed (or ``limit``): the buyers' openings one tick
    after the protocol's last, then answers as messages arrive, resends on timeouts.

    Returns the number of bargaining messages delivered.
    """
    ch, delivered = model.channel, 0
    model.tick += 1
    ch.begin_tick()
    for talk in talks.values():
        _send(model, talk, mech.step(talk.state))
    while any(not t.closed for t in talks.values()) and model.tick < limit:
        model.tick += 1
        ch.begin_tick()
        inbox = ch.deliver(model.tick)
        if inbox.size:  # the protocol is done: a late message of its own is dropped
            mine = inbox[np.isin(inbox["performative"], _BARGAINING) & (inbox["conversation"] >= CONVERSATION_BASE)]
            delivered += mine.size
            for msg in mine:  # in the order they were sent
                talk = talks.get(int(msg["conversation"]))
                if talk is not None and not talk.closed:
                    _receive(model, mech, talk, int(msg["sender"]), int(msg["receiver"]))
        for talk in talks.values():
            if talk.closed:
                continue
            for agent, due in list(talk.timer.items()):
                if due is not None and model.tick >= due:
                    _resend(model, talk, agent)
    return delivered


def _transmit(model, talk: _Talk, agent: int, performative: int, price) -> None:
    to = talk.other(agent)
    model.channel.send(agent, [to], performative, subtask=talk.subtask,
                       conversation=CONVERSATION_BASE + talk.subtask,
                       content=np.nan if price is None else price, tick=model.tick)
    talk.messages += 1
    talk.comm_cost += float(model.channel.costs[agent, to])


def _send(model, talk: _Talk, move: Move) -> None:
    """Send a freshly made move; a side that made an offer waits for the answer."""
    agent = talk.agents[move.by]
    talk.last[agent] = (move.performative, move.price)
    talk.answered = False
    _transmit(model, talk, agent, move.performative, move.price)
    talk.timer[agent] = _timeout(model, talk, agent) if move.action == OFFER else None


def _timeout(model, talk: _Talk, agent: int) -> int:
    return model.tick + 2 * int(model.channel.latency[agent, talk.other(agent)])


def _resend(model, talk: _Talk, agent: int) -> None:
    performative, price = talk.last[agent]
    _transmit(model, talk, agent, performative, price)
    talk.resent += 1
    if talk.timer.get(agent) is not None:
        talk.timer[agent] = _timeout(model, talk, agent)


def _receive(model, mech: AlternatingOffers, talk: _Talk, sender: int, receiver: int) -> None:
    latest = talk.state.moves[-1]
    if talk.agents[latest.by] != sender or talk.answered:
        _resend(model, talk, receiver)  # a resent message it has already answered: answer again
        return
    talk.answered = True
    talk.timer[receiver] = None  # its last message has been answered
    if talk.state.done:  # the closing accept or reject has arrived: both sides know
        talk.closed, talk.end = True, model.tick
        if latest.action == ACCEPT:
            set_payment(model, talk.subtask, latest.price)
        return
    _send(model, talk, mech.step(talk.state))
