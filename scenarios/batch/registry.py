"""Batch scenarios by name: a function ``(params, seed) -> metrics`` with a parameter schema.

``SCENARIOS`` is a :class:`mas.registry.Registry` like every other: each built-in
scenario is declared below with its module ``scenarios/batch/scenarios_<topic>.py``,
which is imported the first time the scenario is looked up and registers it
with :func:`register` (a test checks that every ``scenarios_*.py`` module is
declared and registers what is declared for it). Code outside the package
registers the same way from any importable module named in a config's
``plugins = [...]`` (:func:`mas.registry.load_plugins`).

The schema is what lets a config be checked before any run starts: every
parameter has a name, a type, a default and optional limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mas.errors import InputError
from mas.registry import Registry, load_plugins

_TYPES = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}


@dataclass(frozen=True)
class Param:
    """One parameter of a scenario.

    Parameters
    ----------
    name : the key in configs and in result rows.
    type : int, float, str or bool. An int is accepted where a float is asked
        for (and stored as a float, so ``2`` and ``2.0`` are the same run).
    default : used when a config does not set the parameter; None means "the
        underlying function's own default" (TOML cannot write None, so such a
        parameter is either set to a value or left out).
    choices, min, max : allowed values, checked before any run.
    """

    name: str
    type: type
    default: Any
    help: str = ""
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise TypeError(f"Param {self.name!r}: type must be one of int, float, str, bool")

    def check(self, value: Any, where: str) -> Any:
        """``value`` converted to this parameter's type; InputError naming ``where`` otherwise."""
        t = self.type
        if t is float and isinstance(value, int) and not isinstance(value, bool):
            try:
                value = float(value)
            except OverflowError:
                raise InputError(where, value, "too large for a float (at most 1.8e308)") from None
        if not isinstance(value, t) or (t is int and isinstance(value, bool)):
            raise InputError(where, value, f"must be {_TYPES[t]} (parameter {self.name!r} is {t.__name__})")
        if t is float and not math.isfinite(value):
            raise InputError(where, value, "must be a finite number")
        if self.choices is not None and value not in self.choices:
            raise InputError(where, value, f"choose one of {', '.join(map(str, self.choices))}")
        if self.min is not None and value < self.min:
            raise InputError(where, value, f"must be >= {self.min:g}")
        if self.max is not None and value > self.max:
            raise InputError(where, value, f"must be <= {self.max:g}")
        return value

    def parse(self, text: str, where: str) -> Any:
        """A value from text (a CSV cell of an explicit design), then :meth:`check`."""
        text = text.strip()
        try:
            if self.type is bool:
                lowered = text.lower()
                if lowered not in ("true", "false", "1", "0"):
                    raise ValueError(text)
                value: Any = lowered in ("true", "1")
            elif self.type is int:
                as_float = float(text)
                if not as_float.is_integer():
                    raise ValueError(text)
                value = int(as_float)
            else:
                value = self.type(text)
        except ValueError:
            raise InputError(where, text, f"must be {_TYPES[self.type]}") from None
        return self.check(value, where)


@dataclass(frozen=True)
class PlotDefaults:
    """What ``mas plot`` draws for a scenario when the user names nothing.

    ``x`` is a parameter, or the axis metric of curve metrics (``curves``);
    ``minimize`` lists metrics whose best (smallest mean) x is marked; ``log_y``
    metrics spanning orders of magnitude.
    """

    x: str | None = None
    y: tuple[str, ...] = ()
    hue: str | None = None
    minimize: tuple[str, ...] = ()
    log_y: tuple[str, ...] = ()  # metrics drawn on a logarithmic y axis


@dataclass(frozen=True)
class Scenario:
    """A registered scenario: the function, its schema and how to plot it."""

    name: str
    func: Callable[[dict, int], dict]
    params: tuple[Param, ...]
    description: str = ""
    curves: Mapping[str, str] = field(default_factory=dict)  # list metric -> metric holding its x values
    plot: PlotDefaults = field(default_factory=PlotDefaults)
    check: Callable[[dict], None] | None = None  # raises InputError for a bad combination of values
    estimate: Callable[[dict], Any] | None = None  # point -> mas.limits.Estimate of one run's memory

    def param(self, name: str, where: str | None = None) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params)
        raise InputError(where or name, name, f"unknown parameter of scenario {self.name!r}; known: {known}")

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

    def complete(self, values: Mapping[str, Any], where: str) -> dict:
        """Defaults overlaid with checked ``values``, in schema order."""
        checked = {name: self.param(name, f"{where}.{name}").check(v, f"{where}.{name}")
                   for name, v in values.items()}
        return {p.name: checked.get(p.name, p.default) for p in self.params}

    def check_point(self, point: dict, where: str) -> None:
        """The scenario's own check of a complete point (limits that involve several parameters)."""
        if self.check is None:
            return
        try:
            self.check(point)
        except InputError as exc:
            raise InputError(f"{where}.{exc.field}", exc.value, exc.problem) from None

    def check_size(self, point: dict, where: str) -> None:
        """Refuse a point whose run cannot fit this machine's memory (the scenario's ``estimate``)."""
        if self.estimate is None:
            return
        from mas import limits

        try:
            limits.require(self.estimate(point), f"scenario {self.name}")
        except InputError as exc:
            raise InputError(f"{where}.{exc.field}", exc.value, exc.problem) from None

    def run(self, params: dict, seed: int) -> dict:
        metrics = self.func(dict(params), int(seed))
        if not isinstance(metrics, dict):
            raise TypeError(f"scenario {self.name!r} returned {type(metrics).__name__}, not a dict of metrics")
        return metrics


SCENARIOS = Registry("scenario")
for _name, _topic in (("bargain-topology", "bargaining"), ("cost-sweep", "cost"), ("crowd", "crowd"),
                      ("protocol-compare", "protocols"), ("resources", "resources")):
    SCENARIOS.declare(_name, f"scenarios.batch.scenarios_{_topic}")


def register(
    name: str,
    params: Sequence[Param],
    *,
    description: str = "",
    curves: Mapping[str, str] | None = None,
    plot: PlotDefaults | None = None,
    check: Callable[[dict], None] | None = None,
    estimate: Callable[[dict], Any] | None = None,
):
    """Decorator: make ``func(params: dict, seed: int) -> dict`` runnable by ``mas batch`` as ``name``.

    ``check(point)`` raises InputError for a bad combination of values;
    ``estimate(point)`` returns the :class:`mas.limits.Estimate` of one run's
    memory, and points that cannot fit are refused before any run.

    Examples
    --------
    >>> @register("doc-square", [Param("x", float, 1.0)], description="x squared")
    ... def square(params, seed):
    ...     return {"y": params["x"] ** 2}
    >>> get("doc-square").run({"x": 3.0}, seed=0)
    {'y': 9.0}
    """
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario {name!r}: a parameter is declared twice in {names}")

    def deco(func: Callable) -> Callable:
        SCENARIOS.register(name)(Scenario(name, func, tuple(params), description or (func.__doc__ or "").strip(),
                                          dict(curves or {}), plot or PlotDefaults(), check, estimate))
        return func

    return deco


def builtin_modules() -> list[str]:
    """The modules of the built-in scenarios (``scenarios.batch.scenarios_*``)."""
    return SCENARIOS.modules()


def load_builtin() -> None:
    """Import every built-in scenario module (each registers its scenarios)."""
    SCENARIOS.load_all()


def get(name: str, plugins: Iterable[str] = (), where: str = "scenario") -> Scenario:
    """The scenario registered as ``name`` (its module, and ``plugins``, imported first).

    >>> get("cost-sweep").name
    'cost-sweep'
    >>> get("no-such-sweep")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mas.errors.InputError: scenario = 'no-such-sweep': unknown scenario; known: bargain-topology, cost-sweep, ...
    """
    load_plugins(plugins)
    if name not in SCENARIOS:
        known = ", ".join(sorted(SCENARIOS.names())) or "none"
        raise InputError(where, name, "unknown scenario; known: " + known)
    return SCENARIOS[name]


__all__ = ["SCENARIOS", "Param", "PlotDefaults", "Scenario", "builtin_modules", "get", "load_builtin",
           "load_plugins", "register"]
