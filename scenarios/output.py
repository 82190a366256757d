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
    """Print ``obj`` as JSON; numpy values become plain numbers, infinity the string "inf"."""
    json.dump(to_jsonable(obj), stream or sys.stdout, indent=2)
    (stream or sys.stdout).write("\n")


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
