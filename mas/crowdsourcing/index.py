"""Stores of rectangles that answer the three range queries of the online algorithms.

``containing(q)``: keys whose rectangle contains ``q``; ``overlapping(q)``:
keys whose rectangle shares area with ``q``; ``inside(q)``: keys whose
rectangle lies inside ``q``. Results are sets: callers that decide anything
from them pick by an explicit key, so every store gives the same decisions.
``near(q)``: a ``{key: rect}`` superset of the rectangles ``q`` overlaps, for
callers that filter several ways at once (indexed OSSA's worker arrivals);
read-only.

- :class:`ScanStore` compares ``q`` with every stored rectangle (the seed's
  OSSA: O(n) per query).
- :class:`GridStore` buckets rectangles in a uniform grid of square cells (a
  rectangle is listed in every cell it touches) and looks only at the cells
  the query touches: insert and delete cost O(cells covered), a query
  O(cells + candidates in them). With cells about the size of the ranges and
  ranges spread over the plane (the seed's setting), candidates are
  O(1 + answers) expected -- measured against the alternatives in
  ``benchmarks/bench_crowd.py``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

from mas.crowdsourcing.geometry import Rect
from mas.errors import InputError
from mas.registry import Registry

STORES = Registry("index", tag="name")
#: class decorator: make a store available by name
register_store = STORES.register


@register_store("scan")
class ScanStore:
    """Rectangles in a dict, every query a full scan (the baseline)."""

    def __init__(self) -> None:
        self.rects: dict[Hashable, Rect] = {}

    def __len__(self) -> int:
        return len(self.rects)

    def add(self, key: Hashable, r: Rect) -> None:
        self.rects[key] = r

    def remove(self, key: Hashable) -> None:
        del self.rects[key]

    def near(self, q: Rect) -> dict:
        """All stored rectangles (a scan has no narrower superset of those ``q`` overlaps)."""
        return self.rects

    def containing(self, q: Rect) -> set:
        x1, y1, x2, y2 = q
        return {k for k, r in self.rects.items() if r[0] <= x1 and r[1] <= y1 and x2 <= r[2] and y2 <= r[3]}

    def overlapping(self, q: Rect) -> set:
        x1, y1, x2, y2 = q
        return {k for k, r in self.rects.items() if r[0] < x2 and x1 < r[2] and r[1] < y2 and y1 < r[3]}

    def inside(self, q: Rect) -> set:
        x1, y1, x2, y2 = q
        return {k for k, r in self.rects.items() if x1 <= r[0] and y1 <= r[1] and r[2] <= x2 and r[3] <= y2}


@register_store("grid")
class GridStore:
    """Uniform grid index: a rectangle is listed in each cell of side ``cell`` it touches.

    Parameters
    ----------
    cell : float
        Cell side; about the typical range side is best (default 25, the mean
        task side of the seed's setting).

    Examples
    --------
    >>> g = GridStore(10)
    >>> g.add("a", (0, 0, 30, 30)); g.add("b", (5, 5, 6, 6))
    >>> sorted(g.containing((4, 4, 7, 7))), sorted(g.inside((4, 4, 7, 7)))
    (['a'], ['b'])
    """

    def __init__(self, cell: float = 25.0) -> None:
        if not (isinstance(cell, (int, float)) and math.isfinite(cell) and cell > 0):
            raise InputError("cell", cell, "must be a finite number > 0")
        self.cell = float(cell)
        self.rects: dict[Hashable, Rect] = {}
        self.spans: dict[Hashable, tuple[int, int, int, int]] = {}  # cells of each rectangle, for remove
        self.cells: dict[tuple[int, int], dict[Hashable, Rect]] = {}

    def __len__(self) -> int:
        return len(self.rects)

    def _span(self, r: Rect) -> tuple[int, int, int, int]:
        c = self.cell
        fl = math.floor
        return fl(r[0] / c), fl(r[1] / c), fl(r[2] / c), fl(r[3] / c)

    def add(self, key: Hashable, r: Rect) -> None:
        self.rects[key] = r
        i1, j1, i2, j2 = self.spans[key] = self._span(r)
        cells = self.cells
        for i in range(i1, i2 + 1):
            for j in range(j1, j2 + 1):
                bucket = cells.get((i, j))
                if bucket is None:
                    cells[(i, j)] = {key: r}
                else:
                    bucket[key] = r

    def remove(self, key: Hashable) -> None:
        del self.rects[key]
        i1, j1, i2, j2 = self.spans.pop(key)
        cells = self.cells
        for i in range(i1, i2 + 1):
            for j in range(j1, j2 + 1):
                bucket = cells[(i, j)]
                del bucket[key]
                if not bucket:
                    del cells[(i, j)]

    def containing(self, q: Rect) -> set:
        # every rectangle that contains q contains both of q's corners, so it is listed in both
        # corners' cells: look through the smaller of the two
        c = self.cell
        x1, y1, x2, y2 = q
        fl = math.floor
        cells = self.cells
        bucket = cells.get((fl(x1 / c), fl(y1 / c)))
        if not bucket:
            return set()
        other = cells.get((fl(x2 / c), fl(y2 / c)))
        if not other:
            return set()
        if len(other) < len(bucket):
            bucket = other
        return {k for k, r in bucket.items() if r[0] <= x1 and r[1] <= y1 and x2 <= r[2] and y2 <= r[3]}

    def near(self, q: Rect) -> dict:
        """Every stored rectangle listed in a cell ``q`` touches (a superset of those ``q`` overlaps),
        as ``{key: rect}``; callers filter it themselves."""
        i1, j1, i2, j2 = self._span(q)
        cells = self.cells
        if i1 == i2 and j1 == j2:
            return cells.get((i1, j1)) or {}
        out: dict = {}
        for i in range(i1, i2 + 1):
            for j in range(j1, j2 + 1):
                bucket = cells.get((i, j))
                if bucket:
                    out.update(bucket)  # merges a rectangle listed in several cells at C speed
        return out

    def overlapping(self, q: Rect) -> set:
        x1, y1, x2, y2 = q
        return {k for k, r in self.near(q).items() if r[0] < x2 and x1 < r[2] and r[1] < y2 and y1 < r[3]}

    def inside(self, q: Rect) -> set:
        x1, y1, x2, y2 = q
        return {k for k, r in self.near(q).items() if x1 <= r[0] and y1 <= r[1] and r[2] <= x2 and r[3] <= y2}


def make_store(name: str = "grid", **options):
    """A store by registered name (``scan`` or ``grid``)."""
    return STORES.get(name)(**options)
