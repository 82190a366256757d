"""scenarios.batch.store: one durable JSON line per run, repair after a kill, the CSV table."""

import csv
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.errors import InputError
from scenarios.batch.store import ResultStore, decode, encode, flatten


def _row(key, **metrics):
    return {"key": key, "point": 0, "replicate": 0, "seed": 1, "params": {"a": 1}, "status": "ok",
            "metrics": metrics, "seconds": 0.1, "error": None}


def test_round_trip_with_infinity_and_numpy(tmp_path):
    store = ResultStore(tmp_path / "out")
    with store:
        store.append(_row("a", G=[np.float64(1.5), math.inf], best=np.int64(3)))
        store.append(_row("b", G=[2.0, -math.inf]))
    rows = store.load()
    assert rows["a"]["metrics"] == {"G": [1.5, math.inf], "best": 3}
    assert rows["b"]["metrics"]["G"] == [2.0, -math.inf]
    text = store.path.read_text()
    assert "Infinity" not in text and text.count("\n") == 2  # strict JSON, one line per run


def test_encode_decode_inverse():
    value = {"x": [1.0, math.inf, -math.inf], "y": "s", "z": None}
    assert decode(encode(value)) == value
    assert encode(float("nan")) is None


def test_partial_last_line_is_ignored_then_cut(tmp_path):
    store = ResultStore(tmp_path)
    with store:
        store.append(_row("a", x=1))
    with open(store.path, "a") as f:
        f.write('{"key": "b", "metr')  # a kill in the middle of a write
    assert set(store.load()) == {"a"}
    with store:  # reopening cuts the fragment before appending
        store.append(_row("c", x=3))
    assert set(store.load()) == {"a", "c"}
    assert store.path.read_text().count("\n") == 2


def test_damaged_line_in_the_middle_is_an_error(tmp_path):
    store = ResultStore(tmp_path)
    store.path.write_text('{"key": "a"}\nnot json\n{"key": "b"}\n')
    with pytest.raises(InputError):
        store.load()


def test_append_outside_with_is_refused(tmp_path):
    with pytest.raises(RuntimeError):
        ResultStore(tmp_path).append(_row("a"))


def test_flatten_curves_by_axis_values():
    row = _row("a", k=[1, 2, 3], G=[5.0, 2.0, math.inf], best_k=2)
    flat = flatten(row, {"G": "k"})
    assert flat["G[1]"] == 5.0 and flat["G[3]"] == "inf" and flat["best_k"] == 2
    assert "k[1]" not in flat and flat["a"] == 1 and flat["seed"] == 1


def test_table_has_union_of_columns_in_given_order(tmp_path):
    store = ResultStore(tmp_path)
    rows = [_row("a", k=[1], G=[1.0]), _row("b", k=[1, 2], G=[1.0, 0.5])]
    path = store.write_table(rows, {"G": "k"})
    with open(path) as f:
        table = list(csv.DictReader(f))
    assert [r["key"] for r in table] == ["a", "b"]
    assert table[0]["G[2]"] == "" and table[1]["G[2]"] == "0.5"
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file


def test_plan_round_trip(tmp_path):
    store = ResultStore(tmp_path / "new")
    assert store.read_plan() is None
    store.write_plan({"scenario": "x", "seeds": [1, 2]})
    assert store.read_plan() == {"scenario": "x", "seeds": [1, 2]}


@settings(max_examples=30)
@given(st.integers(1, 8), st.data())
def test_a_kill_at_any_byte_loses_only_the_unfinished_line(n, data):
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        store = ResultStore(d)
        with store:
            for i in range(n):
                store.append(_row(f"r{i}", x=[i, math.inf]))
        raw = store.path.read_bytes()
        cut = data.draw(st.integers(0, len(raw)))
        store.path.write_bytes(raw[:cut])  # the file as a kill at byte `cut` would leave it
        complete = raw[:cut].count(b"\n")
        assert list(store.load()) == [f"r{i}" for i in range(complete)]
        with store:
            store.append(_row("next"))
        assert list(store.load()) == [f"r{i}" for i in range(complete)] + ["next"]
