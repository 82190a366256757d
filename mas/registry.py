"""Implementations found by name: strategies, protocols, batch scenarios register alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mas.errors import InputError


class Registry(dict):
    """A name -> implementation mapping filled by a decorator.

    Parameters
    ----------
    kind : what the names choose (``"strategy"``, ``"protocol"``); a miss raises
        an :class:`InputError` for that field, listing the choices.
    also : names accepted elsewhere that a miss's message should list too.
    tag : set this attribute of a registered object to its name.

    Examples
    --------
    >>> shapes = Registry("shape")
    >>> @shapes.register("square")
    ... def square(x):
    ...     return x * x
    >>> shapes.get("square")(3)
    9
    >>> shapes.get("circle")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: shape = 'circle': unknown; choose one of square
    """

    def __init__(self, kind: str, *, also: Iterable[str] = (), tag: str | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.also = tuple(also)
        self.tag = tag

    def register(self, name: str) -> Callable:
        def deco(obj):
            self[name] = obj
            if self.tag:
                setattr(obj, self.tag, name)
            return obj

        return deco

    def get(self, name: str):  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            choices = ", ".join(self.names() + list(self.also))
            raise InputError(self.kind, name, f"unknown; choose one of {choices}") from None

    def names(self) -> list[str]:
        """The registered names (examples in docstrings, ``doc-*``, left out)."""
        return [k for k in self if not k.startswith("doc-")]
