"""Exact rectangle geometry of range tasks: relations and decomposition.

A rectangle is the tuple ``(x1, y1, x2, y2)`` with ``x1 < x2`` and ``y1 < y2``
(corner (x, y), end corner (x + w, y + h)). Tuples, not objects, because the
online algorithms test millions of pairs and tuple indexing is the cheapest
thing Python offers. Decomposition only reuses existing coordinates, so it is
exact in floating point.
"""

from __future__ import annotations

from enum import Enum

Rect = tuple[float, float, float, float]


class Relation(str, Enum):  # noqa: UP042 -- StrEnum would change str() of a member, which users print
    """How range S1 relates to range S2 (seen from S1)."""

    INDEPENDENT = "independent"  # no overlap of positive area (touching edges included)
    INTERSECT = "intersect"  # overlap, neither contains the other
    INCLUDE = "include"  # S1 contains S2
    INCLUDED = "included"  # S1 lies inside S2 (also when S1 == S2)


def rect(x: float, y: float, w: float, h: float) -> Rect:
    """The rectangle with corner (x, y), width w and height h.

    >>> rect(1, 2, 3, 4)
    (1, 2, 4, 6)
    """
    return (x, y, x + w, y + h)


def area(r: Rect) -> float:
    """Area of ``r``."""
    return (r[2] - r[0]) * (r[3] - r[1])


def contains(a: Rect, b: Rect) -> bool:
    """True when ``b`` lies inside ``a`` (boundaries may touch)."""
    return a[0] <= b[0] and a[1] <= b[1] and b[2] <= a[2] and b[3] <= a[3]


def overlaps(a: Rect, b: Rect) -> bool:
    """True when ``a`` and ``b`` share an area > 0 (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def intersection(a: Rect, b: Rect) -> Rect | None:
    """The common rectangle of ``a`` and ``b``, or None when they do not overlap."""
    if not overlaps(a, b):
        return None
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def relation(s1: Rect, s2: Rect) -> Relation:
    """The relation of range ``s1`` to range ``s2``.

    Equal ranges count as INCLUDED (each lies inside the other; the later
    arrival is the one that rides along).

    >>> relation(rect(50, 50, 100, 100), rect(100, 100, 50, 50)).value
    'include'
    >>> relation(rect(0, 0, 1, 1), rect(1, 0, 1, 1)).value
    'independent'
    """
    if not overlaps(s1, s2):
        return Relation.INDEPENDENT
    if contains(s2, s1):
        return Relation.INCLUDED
    if contains(s1, s2):
        return Relation.INCLUDE
    return Relation.INTERSECT


def subtract(task: Rect, cover: Rect) -> list[Rect]:
    """``task`` minus ``cover`` as at most four disjoint rectangles.

    Full-height strips left and right of ``cover``, then the parts below and
    above it between them; parts of zero area are left out.

    >>> subtract(rect(0, 0, 4, 4), rect(1, 1, 2, 2))
    [(0, 0, 1, 4), (3, 0, 4, 4), (1, 0, 3, 1), (1, 3, 3, 4)]
    >>> subtract(rect(0, 0, 1, 1), rect(0, 0, 2, 2))
    []
    """
    if not overlaps(task, cover):
        return [task]
    x1, y1, x2, y2 = task
    cx1, cy1, cx2, cy2 = max(x1, cover[0]), max(y1, cover[1]), min(x2, cover[2]), min(y2, cover[3])
    parts = []
    if x1 < cx1:
        parts.append((x1, y1, cx1, y2))
    if cx2 < x2:
        parts.append((cx2, y1, x2, y2))
    if y1 < cy1:
        parts.append((cx1, y1, cx2, cy1))
    if cy2 < y2:
        parts.append((cx1, cy2, cx2, y2))
    return parts


def disc_contains(cx: float, cy: float, radius: float, r: Rect) -> bool:
    """True when rectangle (or point) ``r`` lies in the disc of centre (cx, cy) and ``radius``.

    Exact, boundary included: the farthest corner's squared distance is
    compared in floating point and, when that is too close to call, again in
    exact rational arithmetic (every float is a fraction).

    >>> disc_contains(0, 0, 5, (3, 4, 3, 4)), disc_contains(0, 0, 5, (3, 4, 3.000001, 4))
    (True, False)
    >>> disc_contains(0.1, 0.2, 0.3, (0.4, 0.2, 0.4, 0.2))  # the float 0.4 - the float 0.1 > the float 0.3
    False
    """
    dx = max(abs(r[0] - cx), abs(r[2] - cx))
    dy = max(abs(r[1] - cy), abs(r[3] - cy))
    d2, r2 = dx * dx + dy * dy, radius * radius
    if d2 < r2 * (1 - 1e-9):
        return True
    if d2 > r2 * (1 + 1e-9):
        return False
    return exact_disc_contains(cx, cy, radius, r)


def exact_disc_contains(cx: float, cy: float, radius: float, r: Rect) -> bool:
    """:func:`disc_contains` in exact rational arithmetic only (the slow, certain path)."""
    from fractions import Fraction as F

    cxf, cyf = F(cx), F(cy)
    dx = max(abs(F(r[0]) - cxf), abs(F(r[2]) - cxf))
    dy = max(abs(F(r[1]) - cyf), abs(F(r[3]) - cyf))
    return dx * dx + dy * dy <= F(radius) ** 2


def discs_contain(cx, cy, radius, x1, y1, x2, y2):
    """:func:`disc_contains` over numpy arrays (broadcast): discs (cx, cy, radius) contain (x1, y1, x2, y2).

    Pairs too close to call in floating point are decided exactly, one by one.

    >>> import numpy as np
    >>> discs_contain(np.array([0.0, 0.0]), 0.0, np.array([5.0, 4.9]), 3.0, 4.0, 3.0, 4.0).tolist()
    [True, False]
    """
    import numpy as np

    dx = np.maximum(np.abs(x1 - cx), np.abs(x2 - cx))
    dy = np.maximum(np.abs(y1 - cy), np.abs(y2 - cy))
    d2, r2 = dx * dx + dy * dy, radius * radius
    out = d2 < r2 * (1 - 1e-9)
    close = np.flatnonzero(np.broadcast_to(~out & (d2 <= r2 * (1 + 1e-9)), out.shape))
    if len(close):
        args = [
            np.broadcast_to(np.asarray(v, dtype=float), out.shape).ravel() for v in (cx, cy, radius, x1, y1, x2, y2)
        ]
        flat = out.ravel()
        for i in close:
            c, d, r, a, b, e, f = (float(v[i]) for v in args)
            flat[i] = exact_disc_contains(c, d, r, (a, b, e, f))
        out = flat.reshape(out.shape)
    return out
