"""Protocols register by name, so the CLI and user code look them up the same way."""

from __future__ import annotations

from collections.abc import Callable

from mas.errors import InputError

PROTOCOLS: dict[str, Callable] = {}


def register(name: str):
    """Decorator: make a protocol class (or factory) findable as ``name``.

    Examples
    --------
    >>> @register("doc-example")
    ... class Nothing:
    ...     pass
    >>> get("doc-example") is Nothing
    True
    """

    def deco(factory: Callable) -> Callable:
        PROTOCOLS[name] = factory
        factory.name = name
        return factory

    return deco


def get(name: str) -> Callable:
    """The protocol class registered as ``name``; an error naming the choices otherwise."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise InputError("protocol", name, f"unknown; choose one of {', '.join(names())}") from None


def create(name: str, **options):
    """A new protocol object of kind ``name`` with ``options``."""
    return get(name)(**options)


def names() -> list[str]:
    """The registered protocols (the ones `mas negotiate --protocol` accepts)."""
    return [k for k in PROTOCOLS if not k.startswith("doc-")]
