"""``mas crowd`` and ``mas crowd-experiment`` end to end, in a subprocess as a user runs them."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from crowd_streams import SCENARIO_1
from helpers import ROOT, run_main

from scenarios.crowd_experiment import averages, run_experiment, write_outputs


def mas(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def write_events(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_crowd_on_the_seed_scenario_file(tmp_path):
    events = write_events(tmp_path / "s1.jsonl", SCENARIO_1)
    got = {}
    for alg in ("ossa", "ossa-indexed", "greedy", "tgoa"):
        p = mas("crowd", "--algorithm", alg, "--events", events, "--json")
        assert p.returncode == 0, p.stderr
        d = json.loads(p.stdout)
        assert list(d) == ["algorithm", "tasks", "workers", "completed", "utility", "workers_used", "total_paid",
                           "average_cost", "seconds"]
        got[alg] = (d["tasks"], d["workers"], d["completed"], d["workers_used"], d["average_cost"])
    assert got["ossa"] == got["ossa-indexed"] == (2, 2, 2, 1, 0.5)
    assert got["greedy"] == got["tgoa"] == (2, 2, 2, 2, 3.0)


def test_crowd_generated_stream_table_and_json():
    p = mas("crowd", "--algorithm", "greedy", "--tasks", "300", "--workers", "100", "--seed", "4", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["tasks"] == 300 and d["workers"] == 100 and 0 < d["completed"] <= 100
    again = json.loads(mas("crowd", "--algorithm", "greedy", "--tasks", "300", "--workers", "100", "--seed", "4",
                           "--json").stdout)
    assert {k: v for k, v in again.items() if k != "seconds"} == {k: v for k, v in d.items() if k != "seconds"}
    p = mas("crowd", "--algorithm", "ossa", "--tasks", "50", "--workers", "20", "--plane", "100",
            "--task-stay", "5,10")
    assert p.returncode == 0, p.stderr
    assert "average_cost" in p.stdout.splitlines()[0]


def test_malformed_event_line_is_exit_2_naming_the_line(tmp_path):
    rows = SCENARIO_1[:2] + ['{"kind": "worker", "id": "w1", "time": 2,'] + SCENARIO_1[3:]
    p = mas("crowd", "--algorithm", "ossa", "--events", write_events(tmp_path / "bad.jsonl", rows))
    assert p.returncode == 2
    assert "line 3" in p.stderr and len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr
    bad_field = dict(SCENARIO_1[2], w=-3)
    p = mas("crowd", "--algorithm", "ossa", "--events",
            write_events(tmp_path / "bad2.jsonl", [SCENARIO_1[0], bad_field]))
    assert p.returncode == 2 and "line 2: w = -3" in p.stderr
    back = dict(SCENARIO_1[2], time=0, deadline=9)
    p = mas("crowd", "--algorithm", "greedy", "--events", write_events(tmp_path / "b3.jsonl", [SCENARIO_1[0], back]))
    assert p.returncode == 2 and "line 2: time = 0.0" in p.stderr


def test_bad_options_are_exit_2(capsys):
    for args in (["--tasks", "10"], ["--tasks", "-1", "--workers", "3"],
                 ["--tasks", "5", "--workers", "2", "--task-stay", "9,x"],
                 ["--tasks", "5", "--workers", "2", "--task-stay", "9,1"],
                 ["--tasks", "5", "--workers", "2", "--split", "2", "--algorithm", "tgoa"],
                 ["--algorithm", "best", "--tasks", "5", "--workers", "2"]):
        code, err = run_main(capsys, "crowd", *args)
        assert code == 2, args
        assert len(err.strip().splitlines()) == 1, err
    code, err = run_main(capsys, "crowd-experiment", "--seeds", "0")
    assert code == 2 and "argument --seeds: '0' is not a whole number >= 1" in err
    code, err = run_main(capsys, "crowd-experiment", "--task-counts", "10,x")
    assert code == 2 and "--task-counts" in err and "10,x" in err


def test_crowd_experiment_command(tmp_path):
    out = tmp_path / "exp"
    p = mas("crowd-experiment", "--out", str(out), "--seeds", "2", "--task-counts", "60,120", "--workers", "30",
            "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert len(d["averages"]) == 2 * 4 and all(m["runs"] == 2 for m in d["averages"])
    with open(out / "runs.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 * 2 * 4 and {r["tasks"] for r in rows} == {"60", "120"}
    assert sorted(x.name for x in out.iterdir()) == ["average_cost.png", "completed.png", "running_time.png",
                                                    "runs.csv"]


def test_experiment_module_writes_csv_and_plots(tmp_path):
    runs = run_experiment([100, 200], workers=40, seeds=2)
    assert len(runs) == 2 * 2 * 4
    paths = write_outputs(tmp_path / "out", runs)
    with open(paths["csv"]) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 16 and set(rows[0]) >= {"algorithm", "tasks", "seed", "completed", "average_cost"}
    for key in ("completed", "average_cost", "running_time"):
        assert Path(paths[key]).read_bytes()[:4] == b"\x89PNG"
    means = {(m["algorithm"], m["tasks"]): m for m in averages(runs)}
    assert means[("ossa", 100)]["completed"] == means[("ossa-indexed", 100)]["completed"]
