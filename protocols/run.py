"""Wire an instance, a protocol and the Mesa model together: one negotiation run."""

from __future__ import annotations

import numpy as np

from mas.errors import InputError
from mas.model import NegotiationModel, NegotiationResult
from protocols.kswap import kswap as improve
from protocols.registry import create


def negotiate(instance, protocol: str = "cnp", *, seed: int | None = 0, kswap: int | None = None,
              protocol_options: dict | None = None, pricing: str | None = None, pricing_options: dict | None = None,
              **model_options) -> tuple[NegotiationResult, NegotiationModel]:
    """Run ``protocol`` (a registered name or a protocol object) on ``instance``.

    Parameters
    ----------
    instance : a :class:`mas.instance.Instance`.
    protocol : ``cnp``, ``first-price``, ``vickrey``, ``ssi``, ``cbba``, ``neighbour`` or an object.
    seed : seeds every random draw of the run.
    kswap : apply k-swaps with this K to the final allocation (live agents only);
        the result then has a ``kswap`` entry with D before and after.
    protocol_options : keyword options for the protocol's constructor.
    pricing : None (the protocol's payments) or ``"bargain"``: after the run (and the
        k-swaps), every awarded subtask's payment is bargained by alternating offers
        over the channel (:func:`protocols.bargaining.settle`); the result then has a
        ``pricing`` entry, and its messages, communication cost and ticks include the bargaining.
    pricing_options : keyword options of :func:`protocols.bargaining.settle`
        (``buyer``, ``seller``, ``deadline``, ``budget``, ``markup``).
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
    result = model.run()
    if kswap:
        ks = improve(model.costs, result.allocation, kswap, allowed=model.live)
        moved = [i for i, (x, y) in enumerate(zip(result.allocation, ks.allocation)) if x != y]
        for i in moved:  # a moved subtask is paid what its new holder's execution costs
            result.payments[i] = float(model.C[i, ks.allocation[i]])
            model.allocation[i] = ks.allocation[i]
        score = model.costs.score(ks.allocation)
        result.allocation = ks.allocation
        result.D, result.G, result.participants = score.D, score.G, score.working
        result.extra["kswap"] = {k: v for k, v in ks.to_dict().items() if k != "allocation"}
    if pricing is not None:  # -- pricing by bargaining (protocols/bargaining/topology.py) --
        if pricing != "bargain":
            raise InputError("pricing", pricing, "choose bargain (or None for the protocol's payments)")
        from protocols.bargaining import settle

        priced = settle(model, **(pricing_options or {}))
        for s, price in enumerate(priced["payments"]):
            if price is not None:
                result.payments[s] = price
        result.messages, result.communication_cost = model.channel.stats(), model.channel.communication_cost
        result.ticks = model.tick
        result.extra["pricing"] = priced
    elif pricing_options:
        raise InputError("pricing_options", pricing_options, "given without pricing")
    return result, model


def as_array(allocation) -> np.ndarray:
    """An allocation list (None = unallocated) as an int array with -1."""
    return np.array([-1 if a is None else a for a in allocation], dtype=np.intp)
