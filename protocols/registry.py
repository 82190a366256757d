"""Protocols register by name, so the CLI and user code look them up the same way."""

from __future__ import annotations

from mas.registry import Registry

PROTOCOLS = Registry("protocol", tag="name")
register = PROTOCOLS.register
get = PROTOCOLS.get
names = PROTOCOLS.names


def create(name: str, **options):
    """A new protocol object of kind ``name`` with ``options``.

    Examples
    --------
    >>> @register("doc-example")
    ... class Nothing:
    ...     def __init__(self, **options):
    ...         self.options = options
    >>> create("doc-example", rounds=2).options
    {'rounds': 2}
    """
    return get(name)(**options)
