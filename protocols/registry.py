"""Protocols by name, so the CLI and user code look them up the same way.

Each built-in protocol is declared here with its module, which registers it
with ``@register(name)`` when the name is first looked up (mas/registry.py):
naming the protocols (``mas --help``) imports none of them.
"""

from __future__ import annotations

from mas.registry import Registry

PROTOCOLS = Registry("protocol", tag="name")
for _name, _module in (("cnp", "contract_net"), ("first-price", "auctions"), ("vickrey", "auctions"),
                       ("ssi", "ssi"), ("cbba", "cbba"), ("neighbour", "neighbour"), ("join", "join"),
                       ("icnp", "icnp")):
    PROTOCOLS.declare(_name, f"protocols.{_module}")
register = PROTOCOLS.register
get = PROTOCOLS.get
names = PROTOCOLS.names
options = PROTOCOLS.options


def create(name: str, **options):
    """A new protocol object of kind ``name`` with ``options``.

    Parameters
    ----------
    name : a registered protocol (``names()``).
    options : keyword options of that protocol (``options(name)``).

    Returns
    -------
    The protocol object.

    Raises
    ------
    InputError
        for an unknown name, or an option the protocol does not take.

    Examples
    --------
    >>> @register("doc-example")
    ... class Nothing:
    ...     def __init__(self, **options):
    ...         self.options = options
    >>> create("doc-example", rounds=2).options
    {'rounds': 2}
    >>> create("cnp", rounds=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mas.errors.InputError: rounds = 2: not an option of protocol 'cnp'; its options: bids, hops, max_rounds, ...
    """
    return PROTOCOLS.make(name, **options)
