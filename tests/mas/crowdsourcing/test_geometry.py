"""Relations and decomposition against brute-force geometry (unit cells of integer rectangles)."""

from hypothesis import given
from hypothesis import strategies as st

from mas.crowdsourcing.geometry import Relation, area, contains, intersection, overlaps, rect, relation, subtract


@st.composite
def rects(draw, size=12):
    x1, x2 = sorted(draw(st.lists(st.integers(0, size), min_size=2, max_size=2, unique=True)))
    y1, y2 = sorted(draw(st.lists(st.integers(0, size), min_size=2, max_size=2, unique=True)))
    return (x1, y1, x2, y2)


def cells(r):
    return {(i, j) for i in range(r[0], r[2]) for j in range(r[1], r[3])}


def brute_relation(a, b):
    ca, cb = cells(a), cells(b)
    if not ca & cb:
        return Relation.INDEPENDENT
    if ca <= cb:
        return Relation.INCLUDED
    if cb <= ca:
        return Relation.INCLUDE
    return Relation.INTERSECT


@given(rects(), rects())
def test_relation_matches_brute_force(a, b):
    assert relation(a, b) == brute_relation(a, b)
    assert overlaps(a, b) == bool(cells(a) & cells(b))
    assert contains(a, b) == (cells(b) <= cells(a))
    inter = intersection(a, b)
    assert (cells(inter) if inter else set()) == cells(a) & cells(b)


@given(rects(), rects())
def test_relation_is_antisymmetric(a, b):
    mirror = {Relation.INCLUDE: Relation.INCLUDED, Relation.INCLUDED: Relation.INCLUDE}
    r, s = relation(a, b), relation(b, a)
    if a == b:
        assert r == s == Relation.INCLUDED
    else:
        assert s == mirror.get(r, r)


@given(rects(), rects())
def test_decomposition_parts_are_disjoint_inside_and_fill_the_uncovered_area(task, cover):
    parts = subtract(task, cover)
    assert len(parts) <= 4
    seen = set()
    for p in parts:
        assert p[0] < p[2] and p[1] < p[3]
        assert contains(task, p)
        assert not overlaps(p, cover)
        cp = cells(p)
        assert not cp & seen
        seen |= cp
    assert seen == cells(task) - cells(cover)
    assert sum(area(p) for p in parts) == area(task) - (area(intersection(task, cover)) if overlaps(task, cover) else 0)


def test_touching_edges_are_independent_and_golden_cases():
    assert relation(rect(0, 0, 1, 1), rect(1, 0, 1, 1)) == Relation.INDEPENDENT
    assert relation(rect(50, 50, 100, 100), rect(100, 100, 50, 50)) == Relation.INCLUDE
    assert relation(rect(100, 100, 50, 50), rect(50, 50, 100, 100)) == Relation.INCLUDED
    assert relation(rect(0, 0, 2, 2), rect(1, 1, 2, 2)) == Relation.INTERSECT
    # a cover through the middle leaves four parts, a corner cover two, a full cover none
    assert len(subtract(rect(0, 0, 9, 9), rect(3, 3, 3, 3))) == 4
    assert subtract(rect(0, 0, 4, 4), rect(2, 2, 5, 5)) == [(0, 0, 2, 4), (2, 0, 4, 2)]
    assert subtract(rect(1, 1, 2, 2), rect(0, 0, 5, 5)) == []
    assert subtract(rect(0, 0, 1, 1), rect(5, 5, 1, 1)) == [(0, 0, 1, 1)]
