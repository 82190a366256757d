"""The grid index answers every range query exactly as the full scan does, through adds and removals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mas.crowdsourcing.index import GridStore, ScanStore, make_store
from mas.errors import InputError

coord = st.floats(0, 60, allow_nan=False)


@st.composite
def boxes(draw):
    x, y = draw(coord), draw(coord)
    return (x, y, x + draw(st.floats(0.5, 30)), y + draw(st.floats(0.5, 30)))


@given(st.lists(st.tuples(st.booleans(), boxes()), max_size=40), st.lists(boxes(), min_size=1, max_size=8),
       st.sampled_from([1.0, 7.5, 25.0, 100.0]))
def test_grid_matches_scan(ops, queries, cell):
    grid, scan = GridStore(cell), ScanStore()
    for k, (remove, r) in enumerate(ops):
        grid.add(k, r)
        scan.add(k, r)
        if remove and k % 3 == 0:
            grid.remove(k)
            scan.remove(k)
    assert len(grid) == len(scan)
    for q in queries + [r for _, r in ops[:5]]:
        assert grid.containing(q) == scan.containing(q)
        assert grid.overlapping(q) == scan.overlapping(q)
        assert grid.inside(q) == scan.inside(q)
        near = grid.near(q)
        assert scan.overlapping(q) <= set(near) and all(near[k] == scan.rects[k] for k in near)
    for k in list(scan.rects):
        grid.remove(k)
    assert not grid.cells


def test_negative_coordinates_and_bad_options():
    g = GridStore(10)
    g.add("a", (-25.0, -25.0, -5.0, -5.0))
    assert g.containing((-20, -20, -10, -10)) == {"a"}
    assert g.inside((-30, -30, 0, 0)) == {"a"}
    with pytest.raises(InputError, match="cell"):
        GridStore(0)
    with pytest.raises(InputError, match="index = 'kd'"):
        make_store("kd")
