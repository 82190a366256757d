"""Hostile input to every loader: a clean refusal (exit status 2, one line on stderr, no traceback).

One hypothesis fuzz test per loader (instances, events, tasks and nodes, GAP files, TOML
configs, results directories) runs the command line's ``main()`` in this process on a damaged
copy of a valid file; inputs stay small and ``MAS_MEMORY_LIMIT`` bounds what any command may
plan to allocate. The pinned cases below are the issue's examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.cli import main

PAPER = ROOT / "scenarios" / "data" / "paper_example.json"
TASKS = ROOT / "scenarios" / "data" / "resources" / "seed001_three_tasks.json"
NODES = ROOT / "scenarios" / "data" / "resources" / "seed001_two_models.json"
GAP = ROOT / "scenarios" / "data" / "gap" / "c0515_1"
FUZZ = settings(max_examples=25)


@pytest.fixture(autouse=True)
def _memory_limit(monkeypatch):
    monkeypatch.setenv("MAS_MEMORY_LIMIT", "4G")


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def assert_refused(code: int, err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert code == 2, (code, err)
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    for needle in needles:
        assert needle in err, (needle, err)


# -- hostile values ------------------------------------------------------------------------------
#: values that no numeric field accepts
NOT_A_NUMBER = st.one_of(
    st.text(max_size=8), st.booleans(), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.lists(st.integers(), min_size=1, max_size=3), st.integers(min_value=10**309, max_value=10**400),
    st.integers(max_value=-1), st.just(float("nan")), st.just(float("-inf")),
)
JSON_TEXT = st.one_of(st.text(max_size=60), st.just("[" * 50_000), st.just('{"a": ' * 50_000),
                      st.just("1" * 5000), st.binary(max_size=40).map(lambda b: b.decode("latin-1")))


def _write(folder: str, name: str, content) -> Path:
    path = Path(folder) / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


# -- instances -----------------------------------------------------------------------------------
@FUZZ
@given(field=st.sampled_from(["execution_cost", "transmission_cost", "kappa"]), i=st.integers(0, 5),
       j=st.integers(0, 5), value=NOT_A_NUMBER)
def test_fuzz_instance_fields(field, i, j, value):
    data = json.loads(PAPER.read_text())
    if field == "kappa":
        data["kappa"] = value
    else:
        data[field][i][j] = value
        if field == "transmission_cost" and i == j and value == 0:
            return
    with tempfile.TemporaryDirectory() as d:
        path = _write(d, "inst.json", data)
        code, _, err = run("sweep", "--instance", path)
    assert_refused(code, err, str(path))


@FUZZ
@given(text=JSON_TEXT)
def test_fuzz_instance_text(text):
    with tempfile.TemporaryDirectory() as d:
        path = _write(d, "inst.json", text)
        code, _, err = run("sweep", "--instance", path)
    assert_refused(code, err)


# -- events --------------------------------------------------------------------------------------
GOOD_TASK = {"kind": "task", "id": "t1", "time": 1, "x": 50, "y": 50, "w": 100, "h": 100, "deadline": 5, "price": 3}
GOOD_WORKER = {"kind": "worker", "id": "w1", "time": 2, "x": 60, "y": 60, "w": 50, "h": 50, "deadline": 9, "bid": 2}


@FUZZ
@given(field=st.sampled_from(["time", "x", "y", "w", "h", "deadline", "bid"]), value=NOT_A_NUMBER,
       raw=st.one_of(st.none(), JSON_TEXT.filter(lambda t: t.strip() != "")))
def test_fuzz_events(field, value, raw):
    bad = json.dumps({**GOOD_WORKER, field: value}) if raw is None else raw.replace("\n", " ")
    if raw is not None and raw.strip().startswith("{") is False and raw.strip() == "":
        return
    with tempfile.TemporaryDirectory() as d:
        path = _write(d, "ev.jsonl", json.dumps(GOOD_TASK) + "\n" + bad + "\n")
        code, _, err = run("crowd", "--events", path)
    assert_refused(code, err, "line 2")


# -- tasks and nodes -----------------------------------------------------------------------------
@FUZZ
@given(which=st.sampled_from(["tasks", "nodes"]), field=st.sampled_from(["resources.cpu", "priority", "value",
                                                                        "duration", "cost", "speed", "name"]),
       value=NOT_A_NUMBER)
def test_fuzz_tasks_and_nodes(which, field, value):
    data = json.loads((TASKS if which == "tasks" else NODES).read_text())
    if field == "name":
        if isinstance(value, str):
            return  # any string is a name
        data[0]["name"] = value
    elif field in ("priority", "value", "cost") and isinstance(value, int) and not isinstance(value, bool) \
            and value < 0:
        return  # negative priorities, values and costs are allowed
    elif field == "cost" and value == {}:
        return  # a cost per task, none given: valid
    elif field.startswith("resources."):
        data[0]["resources"]["cpu"] = value
    else:
        data[0][field] = value
    with tempfile.TemporaryDirectory() as d:
        path = _write(d, f"{which}.json", data)
        args = {"tasks": TASKS, "nodes": NODES} | {which: path}
        code, _, err = run("place", "--tasks", args["tasks"], "--nodes", args["nodes"])
    assert_refused(code, err)


# -- GAP files -----------------------------------------------------------------------------------
@FUZZ
@given(position=st.integers(0, 200), token=st.one_of(
    st.text(alphabet="abcxyz.-+e", min_size=1, max_size=5).filter(lambda t: not t.lstrip("+-").isdigit()),
    st.integers(min_value=10**10, max_value=10**400).map(str), st.just("1" * 5000), st.just("1.5"),
    st.just("nan"), st.just("inf")))
def test_fuzz_gap(position, token):
    tokens = GAP.read_text().split()
    tokens.insert(min(position, len(tokens) - 1), token)
    with tempfile.TemporaryDirectory() as d:
        path = _write(d, "g.txt", " ".join(tokens))
        code, _, err = run("gap", path, "--algorithm", "greedy")
    assert_refused(code, err)


# -- TOML configs --------------------------------------------------------------------------------
TOML_VALUES = st.one_of(st.just('"five"'), st.just("true"), st.just("1e400"), st.just("nan"),
                        st.just("-3"), st.just("[]"), st.just("{}"), st.just("[1, 1]"),
                        st.just("9" * 400), st.just("[" * 5000 + "]" * 5000), st.just("1e12"))


@FUZZ
@given(key=st.sampled_from(["seeds", "grid.agents", "params.subtasks", "plugins", "scenario", "points_file"]),
       value=TOML_VALUES)
def test_fuzz_toml_config(key, value):
    if key == "plugins" and value == "[]":
        return  # no plugins: valid
    table, _, name = key.rpartition(".")
    body = {"": {"scenario": '"cost-sweep"', "seeds": "3"}, "grid": {"agents": "[3, 4]"}, "params": {}}
    body.setdefault(table, {})[name] = value
    text = "".join(f"{k} = {v}\n" for k, v in body[""].items())
    for t in ("grid", "params"):
        text += f"[{t}]\n" + "".join(f"{k} = {v}\n" for k, v in body[t].items())
    with tempfile.TemporaryDirectory() as d:
        path = _write(d, "c.toml", text)
        code, _, err = run("batch", path, "--check")
    assert_refused(code, err)


@FUZZ
@given(text=JSON_TEXT)
def test_fuzz_toml_text(text):
    with tempfile.TemporaryDirectory() as d:
        path = _write(d, "c.toml", text)
        code, _, err = run("batch", path, "--check")
    assert_refused(code, err)


# -- results directories -------------------------------------------------------------------------
ROW = {"key": "k1", "scenario": "cost-sweep", "point": 0, "replicate": 0, "seed": 1, "params": {},
       "status": "ok", "metrics": {"best_k": 2}, "seconds": 0.1}


@FUZZ
@given(part=st.sampled_from(["line", "plan"]), damage=st.one_of(
    st.just("[1, 2]"), st.just('"text"'), st.just("42"), st.just("null"), st.just('{"no": "key"}'),
    st.just('{"key": 7}'), st.just('{"key": "k", "params": [1]}'), st.just("[" * 50_000), st.just("{not json"),
    st.just('{"scenario": 3}'), st.just('{"scenario": "cost-sweep", "points": [1]}'),
    st.just('{"scenario": "cost-sweep", "seeds": ["a"]}')))
def test_fuzz_results_directory(part, damage):
    with tempfile.TemporaryDirectory() as d:
        plan = {"scenario": "cost-sweep", "params": [], "seeds": [1], "points": [{}]}
        lines = [json.dumps(ROW), json.dumps(ROW | {"key": "k2"})]
        if part == "line":
            lines.insert(1, damage)
            if damage.startswith("{\"scenario\""):
                return  # an object without a key: covered by '{"no": "key"}'
        else:
            plan = None
        Path(d, "results.jsonl").write_text("\n".join(lines) + "\n")
        Path(d, "batch.json").write_text(json.dumps(plan) if plan is not None else damage)
        code, _, err = run("plot", d)
    if part == "plan" and damage == "null":
        pass  # a JSON null plan is "not an object" too
    assert_refused(code, err, str(Path(d, "results.jsonl" if part == "line" else "batch.json")))


def test_points_file_with_extra_cells_names_file_and_line(tmp_path):
    (tmp_path / "design.csv").write_text("agents,subtasks\n3,2\n4,2,9\n")
    cfg = _write(str(tmp_path), "c.toml", 'scenario = "cost-sweep"\nseeds = 1\npoints_file = "design.csv"\n')
    code, _, err = run("batch", cfg, "--check")
    assert_refused(code, err, f"{tmp_path / 'design.csv'} line 3", "has 3 cells; the header names 2")


# -- the pinned cases --------------------------------------------------------------------
def test_parsing_cases(tmp_path):
    deep = _write(str(tmp_path), "deep.json", "[" * 100_000 + "]" * 100_000)
    assert_refused(*run("sweep", "--instance", deep)[::2], "deep.json", "nested too deeply")
    big = _write(str(tmp_path), "big.json", '{"execution_cost": [[1%s]], "transmission_cost": [[0]]}' % ("0" * 400))
    assert_refused(*run("sweep", "--instance", big)[::2], "execution_cost[0][0]", "too large for a float")
    text = _write(str(tmp_path), "s.json", {"execution_cost": [["3", 1]], "transmission_cost": [[0, 1], [1, 0]]})
    assert_refused(*run("sweep", "--instance", text)[::2], "execution_cost[0][0] = '3'", "must be a number")
    boolean = _write(str(tmp_path), "b.json", {"execution_cost": [[True, 1]], "transmission_cost": [[0, 1], [1, 0]]})
    assert_refused(*run("sweep", "--instance", boolean)[::2], "execution_cost[0][0] = True")
    huge = _write(str(tmp_path), "o.json", {"execution_cost": [[1e308], [1e308]], "transmission_cost": [[0]]})
    assert_refused(*run("sweep", "--instance", huge)[::2], "o.json", "overflows a float")
    toml = _write(str(tmp_path), "deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert_refused(*run("batch", toml, "--check")[::2], "deep.toml", "nested too deeply")


def test_size_cases(monkeypatch):
    monkeypatch.setenv("MAS_MEMORY_LIMIT", "2G")
    code, _, err = run("sweep", "--topology", "random", "--agents", 100_000, "--subtasks", 100_000)
    assert_refused(code, err, "100000 agents x 100000 subtasks", "needs about", "2.0 GB MAS_MEMORY_LIMIT")
    code, _, err = run("crowd", "--algorithm", "tgoa", "--tasks", 200_000, "--workers", 100_000)
    assert_refused(code, err, "200000 tasks, 100000 workers", "needs about")
    code, _, err = run("queue", "--arrival-rate", 1, "--service-rate", 2, "--simulate", "--horizon", "1e12")
    assert_refused(code, err, "--horizon", "would not finish")
    code, _, err = run("place", "--tasks", TASKS, "--nodes", NODES, "--algorithm", "anneal", "--iterations",
                       "1000000000")
    assert_refused(code, err, "--iterations", "give --time-limit")
    code, _, err = run("crowd", "--tasks", "1e12", "--workers", 5)
    assert_refused(code, err, "--tasks")


def test_batch_check_counts_without_enumerating(tmp_path):
    grid = "\n".join(f"{name} = [{', '.join(str(v) for v in range(1, 41))}]"
                     for name in ("agents", "subtasks", "cost_high", "neighbours", "attach"))
    cfg = _write(str(tmp_path), "c.toml", f'scenario = "cost-sweep"\nseeds = 5\n[grid]\n{grid}\n')
    code, _, err = run("batch", cfg, "--check")
    assert_refused(code, err, "grid = 102400000", "parameter points would not finish")
    cfg = _write(str(tmp_path), "s.toml", 'scenario = "cost-sweep"\nseeds = 1000000000\n[grid]\nagents = [3]\n')
    assert_refused(*run("batch", cfg, "--check")[::2], "seeds = 1000000000")


@pytest.mark.parametrize("argv, needle", [
    (["gap", GAP, "--time-limit", "-1"], "argument --time-limit: '-1' is not a finite number > 0"),
    (["gap", GAP, "--time-limit", "nan"], "argument --time-limit: 'nan'"),
    (["place", "--tasks", TASKS, "--nodes", NODES, "--time-limit", "nan"], "argument --time-limit"),
    (["paper", "--plot", ""], "argument --plot: an empty file name"),
    (["sweep", "--instance", PAPER, "--agents", "5"], "--agents = 5: only with --topology"),
    (["crowd", "--algorithm", "greedy", "--tasks", 5, "--workers", 2, "--split", "0.3"], "--split = 0.3"),
    (["batch", "--list", "--check"], "--check = True: --list lists the scenarios"),
    (["gap", GAP, "--algorithm", "greedy", "--time-limit", "3"], "only the exact solver"),
    (["place", "--tasks", TASKS, "--nodes", NODES, "--seed", "3"], "--seed = 3: only anneal and genetic"),
    (["crowd", "--events", PAPER, "--seed", "3"], "--seed = 3: only with --tasks"),
    (["negotiate", "--protocol", "cnp", "--instance", PAPER, "--loss", "nan"], "argument --loss"),
    (["queue", "--arrival-rate", "inf", "--service-rate", "2"], "argument --arrival-rate"),
    (["sweep", "--instance", "/dev/zero"], "is not a regular file"),
])
def test_option_cases(argv, needle):
    code, _, err = run(*argv)
    assert_refused(code, err, needle)


def test_plugins_are_checked_before_import(tmp_path, monkeypatch):
    cfg = _write(str(tmp_path), "c.toml", 'scenario = "x"\nseeds = 1\nplugins = ["os; rm -rf /"]\n')
    assert_refused(*run("batch", cfg, "--check")[::2], "plugins[0]", "is not a module name")
    (tmp_path / "broken_plugin.py").write_text("raise RuntimeError('half-written plugin')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = _write(str(tmp_path), "c.toml", 'scenario = "x"\nseeds = 1\nplugins = ["broken_plugin"]\n')
    assert_refused(*run("batch", cfg, "--check")[::2], "broken_plugin", "RuntimeError: half-written plugin")


def test_internal_error_is_one_line_with_a_report(monkeypatch):
    import scenarios.paper as paper  # the command imports it when it runs

    def boom(*a, **k):
        raise TypeError("a bug of ours")

    monkeypatch.setattr(paper, "paper_table", boom)
    code, _, err = run("paper")
    assert code == 3 and len(err.strip().splitlines()) == 1
    assert "internal error: TypeError: a bug of ours; full report in " in err
    report = Path(err.strip().rsplit(" ", 1)[1])
    assert "Traceback" in report.read_text() and "a bug of ours" in report.read_text()
    report.unlink()


# -- output files --------------------------------------------------------------------------------
def test_outputs_never_replace_devices_and_keep_the_umask(tmp_path):
    code, _, err = run("paper", "--plot", "/dev/null")
    assert_refused(code, err, "/dev/null", "not a regular file")
    assert Path("/dev/null").is_char_device()
    old = os.umask(0o022)
    try:
        assert run("paper", "--plot", tmp_path / "t.png")[0] == 0
    finally:
        os.umask(old)
    assert (tmp_path / "t.png").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.png"]  # no temporary file left


def test_a_huge_server_count_costs_no_more_than_a_small_one():
    from mas.resources.queueing import mmc

    big, small = mmc(1, 2, 10**9), mmc(1, 2, 1000)  # the sum over k < c is cut where its terms vanish
    assert (big.P0, big.Wq) == (small.P0, small.Wq)
    assert abs(big.P0 - 0.6065306597126334) < 1e-15  # e^-a for c >> a: the queue is M/M/infinity


def test_viz_with_its_port_taken_is_one_line():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, out, err = run("viz", "--port", port)
    assert out == ""  # no address printed as if it worked
    assert_refused(code, err, f"--port = {port}: is already in use on 127.0.0.1")


def test_crowd_experiment_keeps_a_full_folder_and_logs_progress(tmp_path):
    out = tmp_path / "exp"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    args = ["crowd-experiment", "--out", out, "--task-counts", "6,8", "--workers", 3, "--seeds", 1]
    assert_refused(*run(*args)[::2], "is not empty; pass --force")
    code, _, err = run(*args, "--force")
    assert code == 0, err
    assert (out / "notes.txt").read_text() == "mine" and (out / "runs.csv").exists()
    lines = err.strip().splitlines()  # stderr is not a terminal here: plain progress lines
    assert lines[0].startswith("crowd-experiment: 1/8 (12%)") and lines[-1].startswith("crowd-experiment: 8/8 (100%)")
