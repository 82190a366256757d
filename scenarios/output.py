"""How commands print: JSON for programs, aligned tables for people."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any


def to_jsonable(value: Any) -> Any:
    """JSON-safe: numpy scalars and arrays to plain values, infinity to "inf", NaN to None.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"D": np.float64(2.5), "G": float("inf"), "S": np.arange(2)})
    {'D': 2.5, 'G': 'inf', 'S': [0, 1]}
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_jsonable(value.tolist())
    return value


def print_json(obj: Any, stream=None) -> None:
    """Print ``obj`` as JSON; numpy values become plain numbers, infinity the string "inf".

    The text is exactly ``json.dump(to_jsonable(obj), indent=2)``'s, but written
    list by list: a k-sweep of 5,000 agents holds 12.5 million agent numbers, which
    json's pure-Python indenting encoder takes about a minute to print.

    Examples
    --------
    >>> import io, numpy as np
    >>> out = io.StringIO(); print_json({"S": np.arange(2), "G": float("inf")}, out)
    >>> out.getvalue() == json.dumps({"S": [0, 1], "G": "inf"}, indent=2) + chr(10)
    True
    """
    stream = stream or sys.stdout
    stream.writelines(_chunks(obj, 0))
    stream.write("\n")


_SCALARS = (str, int, float, bool, type(None))


def _chunks(value: Any, level: int):
    """``json.dumps(to_jsonable(value), indent=2)`` in pieces (one per list or dict item)."""
    if hasattr(value, "tolist") and not isinstance(value, _SCALARS):
        value = value.tolist()
    if isinstance(value, Mapping):
        if not value:
            yield "{}"
            return
        inner = "\n" + "  " * (level + 1)
        first = True
        for k, v in value.items():
            yield ("{" if first else ",") + inner + json.dumps(str(k)) + ": "
            first = False
            yield from _chunks(v, level + 1)
        yield "\n" + "  " * level + "}"
    elif isinstance(value, (list, tuple)):
        if not value:
            yield "[]"
            return
        inner = "\n" + "  " * (level + 1)
        if all(type(v) is int for v in value):  # the bulk of big outputs: agent numbers
            yield "[" + inner + ("," + inner).join(map(str, value)) + "\n" + "  " * level + "]"
            return
        first = True
        for v in value:
            yield "[" + inner if first else "," + inner
            first = False
            yield from _chunks(v, level + 1)
        yield "\n" + "  " * level + "]"
    else:
        yield json.dumps(to_jsonable(value))


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Right-aligned columns; floats with two decimals."""

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "inf" if math.isinf(v) else f"{v:.2f}"
        if v is None:
            return "-"
        return str(v)

    text = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) if text else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in text]
    return "\n".join(lines)


def percent(fraction: float | None) -> str:
    """A fraction (e.g. a gap) as a percentage with one decimal; ``-`` for None.

    >>> percent(0.0625), percent(None)
    ('6.2%', '-')
    """
    return "-" if fraction is None else f"{100 * fraction:.1f}%"
