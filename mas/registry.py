"""Implementations found by name: strategies, protocols, algorithms, batch scenarios alike.

One mechanism and one trigger. A registry's own module names every built-in
entry, either

- defined right there with the :meth:`Registry.register` decorator, or
- *declared*, ``REGISTRY.declare(name, "package.module")``: the name and the
  module that defines it. That module is imported the first time the name is
  looked up, and registers it with the same decorator.

Code outside the project registers with the decorator too, from a module that
is imported by name: :func:`load_plugins` (a batch config's ``plugins = [...]``).

Why declarations rather than importing every implementation: the names of
every registry are known without importing one (``mas --help`` lists every
command's choices without loading Mesa, SciPy or a solver), and a registry's
module never imports its implementations, so an implementation can import its
registry without an import cycle. A test checks that each declared module
registers exactly the names declared for it.

Options: :meth:`Registry.make` builds an entry with keyword options and refuses
one the entry does not take, naming it; an entry takes the options declared at
registration (``options=(...)``) or, if none are declared, the keyword
parameters of its signature.
"""

from __future__ import annotations

import importlib
import inspect
import keyword
import re
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from mas.errors import InputError

_MISSING = object()


@dataclass
class _Entry:
    module: str | None = None  # a declared entry: the module that registers it
    obj: Any = _MISSING
    options: tuple[str, ...] | None = None


class Registry(MutableMapping):
    """A name -> implementation mapping filled by a decorator or by declared modules.

    Parameters
    ----------
    kind : what the names choose (``"strategy"``, ``"protocol"``); a miss raises
        an :class:`InputError` for that field, listing the choices.
    also : names accepted elsewhere that a miss's message should list too.
    tag : set this attribute of a registered object to its name.

    Raises
    ------
    InputError
        from :meth:`get` and :meth:`make`, for an unknown name or option.

    Examples
    --------
    >>> shapes = Registry("shape")
    >>> @shapes.register("square")
    ... def square(x, *, scale=1):
    ...     return scale * x * x
    >>> shapes.get("square")(3)
    9
    >>> shapes.get("circle")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: shape = 'circle': unknown; choose one of square
    >>> shapes.options("square")
    ('x', 'scale')
    >>> shapes.make("square", x=2, scale=3)
    12
    >>> shapes.make("square", x=2, colour="red")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: colour = 'red': not an option of shape 'square'; its options: x, scale
    >>> shapes.declare("cube", "mas.no_such_module")
    >>> shapes.names()
    ['square', 'cube']
    """

    def __init__(self, kind: str, *, also: Iterable[str] = (), tag: str | None = None) -> None:
        self.kind = kind
        self.also = tuple(also)
        self.tag = tag
        self._entries: dict[str, _Entry] = {}

    # -- filling ----------------------------------------------------------------------------------
    def register(self, name: str, *, options: Iterable[str] | None = None) -> Callable:
        """Decorator: make ``obj`` findable as ``name`` (taking ``options``, default its signature's)."""

        def deco(obj):
            entry = self._entries.setdefault(name, _Entry())
            entry.obj = obj
            if options is not None:
                entry.options = tuple(options)
            if self.tag:
                setattr(obj, self.tag, name)
            return obj

        return deco

    def declare(self, name: str, module: str, *, options: Iterable[str] | None = None) -> None:
        """Name an entry that ``module`` registers; the module is imported on the first lookup."""
        entry = self._entries.setdefault(name, _Entry())
        entry.module = module
        if options is not None:
            entry.options = tuple(options)

    def modules(self) -> list[str]:
        """The declared modules, each once, in declaration order."""
        return list(dict.fromkeys(e.module for e in self._entries.values() if e.module))

    def load_all(self) -> None:
        """Import every declared module now (``values()`` would import them one by one as it reaches them)."""
        for name in list(self._entries):
            self[name]

    # -- lookup -----------------------------------------------------------------------------------
    def __getitem__(self, name: str):
        entry = self._entries[name]
        if entry.obj is _MISSING and entry.module is not None:
            importlib.import_module(entry.module)
            if entry.obj is _MISSING:
                raise LookupError(f"{entry.module} is declared to register {self.kind} {name!r} but does not")
        return entry.obj

    def __setitem__(self, name: str, obj) -> None:
        self._entries.setdefault(name, _Entry()).obj = obj

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._entries)})"

    def get(self, name: str):  # type: ignore[override]
        """The implementation registered as ``name``; InputError listing the choices otherwise."""
        if name not in self._entries:
            choices = ", ".join(self.names() + list(self.also))
            raise InputError(self.kind, name, f"unknown; choose one of {choices}")
        return self[name]

    def names(self) -> list[str]:
        """The registered and declared names, without importing anything (``doc-*`` examples left out)."""
        return [k for k in self._entries if not k.startswith("doc-")]

    # -- options ----------------------------------------------------------------------------------
    def options(self, name: str) -> tuple[str, ...] | None:
        """The keyword options ``name`` takes (None: any, its signature takes ``**options``)."""
        obj = self.get(name)
        declared = self._entries[name].options
        return declared if declared is not None else _signature_options(obj)

    def check_options(self, name: str, options: dict, where: str = "") -> None:
        """InputError naming the first of ``options`` that ``name`` does not take (``where`` + option)."""
        takes = self.options(name)
        if takes is None:
            return
        for key, value in options.items():
            if key not in takes:
                listed = ", ".join(takes) or "none"
                raise InputError(f"{where}{key}", value,
                                 f"not an option of {self.kind} {name!r}; its options: {listed}")

    def make(self, name: str, **options):
        """``get(name)(**options)``, after refusing any option that ``name`` does not take."""
        self.check_options(name, options)
        return self.get(name)(**options)


def _signature_options(obj) -> tuple[str, ...] | None:
    """The keyword parameters of ``obj``; a class's ``**options`` passed up adds its base's, and so on."""
    if inspect.isclass(obj):
        chain = [inspect.signature(c.__init__) for c in obj.__mro__ if "__init__" in c.__dict__ and c is not object]
    else:
        chain = [inspect.signature(obj)]
    names: list[str] = []
    for signature in chain:
        params = list(signature.parameters.values())
        names += [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return tuple(dict.fromkeys(names))
    return None


_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def load_plugins(modules: Iterable[str], where: str = "plugins") -> None:
    """Import user modules that register entries in any registry; InputError naming the one that fails.

    A name that is not a dotted module name (a path, a relative import, a
    keyword) is refused before anything is imported.

    Parameters
    ----------
    modules : importable module names.
    where : the field an error names (``plugins[i]``).

    Raises
    ------
    InputError
        for a bad name, a module that cannot be imported, or one that fails while importing.

    Examples
    --------
    >>> load_plugins(["../evil"])
    Traceback (most recent call last):
    ...
    mas.errors.InputError: plugins[0] = '../evil': is not a module name (like my_package.my_scenarios)
    """
    modules = list(modules)
    for i, module in enumerate(modules):
        if (not isinstance(module, str) or not _MODULE_NAME.fullmatch(module)
                or any(keyword.iskeyword(part) for part in module.split("."))):
            raise InputError(f"{where}[{i}]", module, "is not a module name (like my_package.my_scenarios)")
    for i, module in enumerate(modules):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise InputError(f"{where}[{i}]", module, f"cannot be imported ({exc})") from None
        except (Exception, SystemExit) as exc:  # noqa: BLE001  (the plugin's own bug, named in one line)
            text = str(exc).splitlines()[0] if str(exc).strip() else ""
            raise InputError(f"{where}[{i}]", module,
                             f"failed while importing: {type(exc).__name__}" + (f": {text}" if text else "")) from None
