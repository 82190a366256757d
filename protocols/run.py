"""Wire an instance, a protocol and the Mesa model together: one negotiation run."""

from __future__ import annotations

from mas.errors import InputError
from mas.model import NegotiationModel, NegotiationResult
from protocols.kswap import kswap as improve
from protocols.registry import create


def negotiate(instance, protocol: str = "cnp", *, seed: int | None = 0, kswap: int | None = None,
              protocol_options: dict | None = None, pricing: str | None = None, pricing_options: dict | None = None,
              progress=None, **model_options) -> tuple[NegotiationResult, NegotiationModel]:
    """Run ``protocol`` (a registered name or a protocol object) on ``instance``.

    Parameters
    ----------
    instance : a :class:`mas.instance.Instance`.
    protocol : a registered name (:func:`protocols.names`: ``cnp``, ``icnp``, ``join``, ...) or an object.
    seed : seeds every random draw of the run.
    kswap : apply k-swaps with this K to the final allocation (live agents only, within the
        capacity), through the model's API in one more tick, each exchange charged as messages;
        the result then has a ``kswap`` entry with D before and after and the messages.
    protocol_options : keyword options for the protocol's constructor.
    pricing : None (the protocol's payments) or ``"bargain"``: after the run (and the
        k-swaps), every awarded subtask's payment is bargained by alternating offers
        over the channel (:func:`protocols.bargaining.settle`); the result then has a
        ``pricing`` entry, and its messages, communication cost and ticks include the bargaining.
    pricing_options : keyword options of :func:`protocols.bargaining.settle`
        (``buyer``, ``seller``, ``deadline``, ``budget``, ``markup``).
    progress : ``progress(label, done, total)`` after every tick: allocated subtasks of all
        (:meth:`mas.model.NegotiationModel.run`).
    model_options : faults and limits for :class:`mas.model.NegotiationModel`
        (``loss``, ``crash_prob``, ``fail_prob``, ``max_ticks``, ...).

    Returns
    -------
    (result, model): the scored result and the model (its DataCollector has the per-tick series).

    Examples
    --------
    >>> from mas.instance import generate_instance
    >>> result, _ = negotiate(generate_instance("small-world", 10, 5, seed=1), "ssi", seed=1)
    >>> result.unallocated
    []
    """
    mech = create(protocol, **(protocol_options or {})) if isinstance(protocol, str) else protocol
    model = NegotiationModel(instance, mech, rng=seed, **model_options)
    result = model.run(progress=progress)
    if kswap:
        # the exchanges go through the model's API (capacity, live agents) and are charged as messages
        ks = improve(model.costs, result.allocation, kswap, allowed=model.live, capacity=model.capacity)
        sent = model.exchange([e.moves for e in ks.exchanges])
        result = model.result()
        result.extra["kswap"] = {k: v for k, v in ks.to_dict().items() if k not in ("allocation", "exchanges")}
        result.extra["kswap"]["messages"] = sent
    if pricing is not None:  # -- pricing by bargaining (protocols/bargaining/topology.py) --
        if pricing != "bargain":
            raise InputError("pricing", pricing, "choose bargain (or None for the protocol's payments)")
        from protocols.bargaining import settle

        priced = settle(model, **(pricing_options or {}))
        extra = result.extra
        result = model.result()  # the agreed payments, and the bargaining's messages and ticks
        result.extra = extra | {"pricing": priced}
    elif pricing_options:
        raise InputError("pricing_options", pricing_options, "given without pricing")
    return result, model

