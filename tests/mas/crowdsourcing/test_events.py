"""Arrival streams: seeded generation in the seed's ranges, and event files with line-numbered errors."""

import json

import pytest

from mas.crowdsourcing import StreamSettings, Task, Worker, generate_stream, load_events, save_events
from mas.crowdsourcing.events import arrival_from_dict
from mas.errors import InputError


def test_generation_is_seeded_and_in_the_seed_ranges():
    a, b = generate_stream(300, 100, seed=9), generate_stream(300, 100, seed=9)
    assert a == b and a != generate_stream(300, 100, seed=10)
    assert [x.time for x in a] == sorted(x.time for x in a)
    tasks = [x for x in a if x.kind == "task"]
    workers = [x for x in a if x.kind == "worker"]
    assert len(tasks) == 300 and len(workers) == 100
    for t in tasks:
        assert 1 <= t.w <= 50 and 1 <= t.h <= 50 and t.x >= 0 and t.x + t.w <= 300 and t.y >= 0 and t.y + t.h <= 300
        assert 50 <= t.deadline - t.time <= 100 and 0 <= t.time <= 100
    for w in workers:
        assert 1 <= w.w <= 100 and 1 <= w.h <= 100 and 1 <= w.bid <= 10 and w.x + w.w <= 300
    short = generate_stream(10, 5, seed=1, task_stay=(1, 2), plane=50)
    assert all(1 <= t.deadline - t.time <= 2 and t.x + t.w <= 50 for t in short if t.kind == "task")


def test_bad_generation_settings():
    with pytest.raises(InputError, match="tasks = -1"):
        generate_stream(-1, 5)
    with pytest.raises(InputError, match="task_stay"):
        generate_stream(5, 5, task_stay=(3, 1))
    with pytest.raises(InputError, match="worker_size"):
        StreamSettings(plane=50, worker_size=(60, 100)).validate()


def test_event_file_round_trip(tmp_path):
    s = generate_stream(20, 10, seed=2)
    save_events(tmp_path / "e.jsonl", s)
    assert load_events(tmp_path / "e.jsonl") == s
    first = json.loads((tmp_path / "e.jsonl").read_text().splitlines()[0])
    assert set(first) == {"kind", "id", "time", "x", "y", "w", "h", "deadline", "price" if first["kind"] == "task"
                          else "bid"}


GOOD = {"kind": "task", "id": 1, "time": 0, "x": 0, "y": 0, "w": 1, "h": 1, "deadline": 3, "price": 2}


@pytest.mark.parametrize("line, message", [
    ("{not json", "line 3 = '{not json': not JSON"),
    (json.dumps([1, 2]), "line 3 = [1, 2]: must be a JSON object"),
    (json.dumps({**GOOD, "kind": "robot"}), "line 3: kind = 'robot'"),
    (json.dumps({k: v for k, v in GOOD.items() if k != "x"}), "missing field 'x' of a task"),
    (json.dumps({**GOOD, "h": "tall"}), "line 3: h = 'tall': must be a number"),
    (json.dumps({**GOOD, "deadline": -1}), "line 3: deadline = -1: is before its time 0"),
    (json.dumps({**GOOD, "colour": "red"}), "line 3: colour = 'red': unknown field"),
    (json.dumps({**GOOD, "id": 7.5}), "line 3: id = 7.5"),
    (json.dumps({**GOOD, "kind": "worker", "bid": -2, "price": None} | {"price": None}), "line 3"),
])
def test_malformed_line_names_its_number(tmp_path, line, message):
    rows = [json.dumps({**GOOD, "id": "a"}), "", line]  # the blank line still counts
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError) as err:
        load_events(path)
    assert message in str(err.value)


def test_task_without_price_and_ids_per_kind(tmp_path):
    path = tmp_path / "e.jsonl"
    rows = [{k: v for k, v in GOOD.items() if k != "price"},
            {"kind": "worker", "id": 1, "time": 1, "x": 0, "y": 0, "w": 2, "h": 2, "deadline": 4, "bid": 1}]
    path.write_text("\n".join(map(json.dumps, rows)))
    s = load_events(path)
    assert s == [Task(1, 0, 0, 0, 1, 1, 3), Worker(1, 1, 0, 0, 2, 2, 4, 1.0)]


WORKER = {"kind": "worker", "id": "w", "time": 0, "x": 0, "y": 0, "w": 2, "h": 2, "deadline": 5, "bid": 1}


@pytest.mark.parametrize("d, message", [
    ({k: v for k, v in WORKER.items() if k not in ("w", "h")}, "missing field 'w' of a worker (or a radius)"),
    ({**WORKER, "w": 0}, "ev: w = 0: must be > 0"),
    ({**GOOD, "h": -1}, "ev: h = -1: must be > 0"),
    ({**GOOD, "x": 1.7e308, "w": 1e308}, "ev: x + w = 1.7e+308: the range's far edge overflows a float"),
    ({**GOOD, "price": -1}, "ev: price = -1: must be >= 0"),
    ({**WORKER, "capacity": True}, "ev: capacity = True: must be a number"),
])
def test_each_field_rule_of_an_arrival(d, message):
    with pytest.raises(InputError) as err:
        arrival_from_dict(d, "ev")
    assert message in str(err.value)


def test_arrival_defaults_and_a_whole_float_capacity():
    assert arrival_from_dict({**WORKER, "capacity": 2.0}) == Worker("w", 0, 0, 0, 2, 2, 5, 1.0, capacity=2)
    point = arrival_from_dict({k: v for k, v in GOOD.items() if k not in ("w", "h")})
    assert point == Task.point(1, 0, 0, 0, 3, 2) and point.shape == "point"
    disc = arrival_from_dict({**{k: v for k, v in WORKER.items() if k not in ("w", "h")}, "radius": 3})
    assert disc == Worker.disc("w", 0, 0, 0, 3, 5, 1.0) and disc.rect == (-3, -3, 3, 3)
