"""Argument types shared by the commands: ``type=`` functions for argparse, and checks of
options that another option makes meaningless.

A bad value becomes argparse's own one-line usage error (exit status 2) naming
the option, before any work starts::

    p.add_argument("--loss", type=probability, default=0.0)
    p.add_argument("--time-limit", type=positive_float)

Examples
--------
>>> probability("0.25"), positive_int("3"), nonnegative_float("0")
(0.25, 3, 0.0)
>>> probability("nan")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: 'nan' is not a probability (a number in [0, 1])
"""

from __future__ import annotations

import argparse
import math

from mas.errors import InputError

#: the largest count any option takes: beyond it a run could not finish (nor its arrays fit)
MAX_COUNT = 10**9


def _number(text: str, kind: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not {kind}")
    return value


def finite_float(text: str) -> float:
    """Any finite number (no nan, inf, or 1e400)."""
    return _number(text, "a finite number")


def nonnegative_float(text: str) -> float:
    """A finite number >= 0."""
    value = _number(text, "a finite number >= 0")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number >= 0")
    return value


def positive_float(text: str) -> float:
    """A finite number > 0 (rates, time limits)."""
    value = _number(text, "a finite number > 0")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number > 0")
    return value


def probability(text: str) -> float:
    """A number in [0, 1]."""
    value = _number(text, "a probability (a number in [0, 1])")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a probability (a number in [0, 1])")
    return value


def _integer(text: str, low: int, kind: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"{text!r} is not {kind}")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text!r} is too large (at most {MAX_COUNT:.0e}: more could not finish)")
    return value


def positive_int(text: str) -> int:
    """A whole number >= 1 (and at most MAX_COUNT)."""
    return _integer(text, 1, "a whole number >= 1")


def nonnegative_int(text: str) -> int:
    """A whole number >= 0 (and at most MAX_COUNT)."""
    return _integer(text, 0, "a whole number >= 0")


def seed(text: str) -> int:
    """A seed: a whole number >= 0 (numpy refuses negative seeds)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed (a whole number >= 0)") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed (a whole number >= 0)")
    return value


def nonempty_path(text: str) -> str:
    """A file name that is not empty (``--plot ""`` would write to the current folder's nameless file)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name")
    return text


def refuse_unless(args, option: str, condition: bool, why: str) -> None:
    """InputError naming ``option`` when it was given (not None/False) but ``condition`` is false.

    >>> import argparse
    >>> refuse_unless(argparse.Namespace(split=0.3), "--split", False, "only TGOA has phases")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: --split = 0.3: only TGOA has phases
    """
    value = getattr(args, option.lstrip("-").replace("-", "_"))
    if value is not None and value is not False and not condition:
        raise InputError(option, value, why)


def refuse_untaken(args, option: str, registry, name: str, why: str = "only {takers} take it") -> None:
    """InputError naming ``option`` when it was given but ``registry``'s entry ``name`` does not take it.

    ``option`` is the command-line form of the entry's keyword option (``--time-limit`` for
    ``time_limit``); ``why`` may say ``{name}`` and ``{takers}``, the entries that do take it.

    >>> import argparse
    >>> from mas.registry import Registry
    >>> shapes = Registry("shape")
    >>> _ = shapes.register("disc")(lambda *, radius=1.0: radius)
    >>> _ = shapes.register("dot")(lambda: 0.0)
    >>> refuse_untaken(argparse.Namespace(radius=2.0), "--radius", shapes, "disc")
    >>> refuse_untaken(argparse.Namespace(radius=2.0), "--radius", shapes, "dot", "only {takers} have one")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: --radius = 2.0: only disc have one
    """
    key = option.lstrip("-").replace("-", "_")
    takes = registry.options(name)
    if takes is None or key in takes:
        return
    takers = [n for n in registry.names() if key in (registry.options(n) or ())]
    listed = " and ".join(filter(None, [", ".join(takers[:-1]), takers[-1] if takers else "none"]))
    refuse_unless(args, option, False, why.format(name=name, takers=listed))
