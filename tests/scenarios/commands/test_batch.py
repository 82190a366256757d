"""``mas batch`` and ``mas plot`` from the command line: kill -9 and resume, exit 2 on bad configs."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT

from scenarios.cli import main

SLOW_PLUGIN = '''
import time
from scenarios.batch.registry import Param, register

@register("test-slow", [Param("x", int, 0), Param("pause", float, 0.04)])
def slow(params, seed):
    time.sleep(params["pause"])
    return {"y": params["x"] * 1000 + seed % 1000}
'''


def _write_config(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


def _env(tmp_path):
    return os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}


def _lines(path):
    return path.read_text().splitlines() if path.exists() else []


def test_kill_9_then_resume_runs_every_run_exactly_once(tmp_path):
    (tmp_path / "slow_plugin.py").write_text(SLOW_PLUGIN)
    cfg = _write_config(tmp_path, 'scenario = "test-slow"\nplugins = ["slow_plugin"]\nseeds = 8\n'
                                  '[grid]\nx = [0, 1, 2, 3, 4]\n')
    out = tmp_path / "out"
    results = out / "results.jsonl"
    cmd = [sys.executable, "-m", "scenarios.cli", "batch", str(cfg), "--out", str(out), "--workers", "2", "--quiet"]
    for kill_after in (4, 17):  # two kills at different moments of the sweep
        proc = subprocess.Popen(cmd, env=_env(tmp_path), cwd=tmp_path, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while len(_lines(results)) < kill_after and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert proc.poll() is None, f"the batch ended before it could be killed: {proc.stderr.read()}"
        os.killpg(proc.pid, signal.SIGKILL)  # the whole job: main process and pool workers
        proc.wait()
        proc.stderr.close()
        assert kill_after <= len(_lines(results)) < 40
        assert not (out / "results.csv").exists()
    done = subprocess.run(cmd, env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "40 runs" in done.stdout
    rows = [json.loads(line) for line in _lines(results)]
    keys = [r["key"] for r in rows]
    assert len(keys) == 40 and len(set(keys)) == 40  # nothing lost, nothing twice
    assert sorted((r["params"]["x"], r["replicate"]) for r in rows) == [(x, r) for x in range(5) for r in range(8)]
    assert all(r["metrics"]["y"] == r["params"]["x"] * 1000 + r["seed"] % 1000 for r in rows)
    assert len((out / "results.csv").read_text().splitlines()) == 41


def test_bad_config_exits_2_with_one_line_naming_the_key(tmp_path, capsys):
    cfg = _write_config(tmp_path, 'scenario = "cost-sweep"\nseeds = 2\n[grid]\nagents = [4, "five"]\n')
    assert main(["batch", str(cfg), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "grid.agents[1]" in err
    assert not (tmp_path / "o").exists()  # failed before anything started


@pytest.mark.parametrize("argv, needle", [
    (["batch"], "CONFIG.toml"),
    (["batch", "CFG"], "--out"),
    (["batch", "CFG", "--out", "O", "--workers", "-3"], "--workers"),
    (["plot", "NOWHERE"], "DIR"),
])
def test_usage_errors_exit_2(tmp_path, capsys, argv, needle):
    cfg = _write_config(tmp_path, 'scenario = "cost-sweep"\nseeds = 1\n[grid]\nagents = [3]\n')
    argv = [str(cfg) if a == "CFG" else str(tmp_path / a) if a in ("O", "NOWHERE") else a for a in argv]
    assert main(argv) == 2
    assert needle in capsys.readouterr().err


def test_check_and_list(tmp_path, capsys):
    cfg = _write_config(tmp_path, 'scenario = "cost-sweep"\nseeds = 3\n[grid]\nagents = [3, 4]\n'
                                  'topology = ["grid", "random"]\n')
    assert main(["batch", str(cfg), "--check"]) == 0
    assert "4 points x 3 seeds = 12 runs" in capsys.readouterr().out
    assert main(["batch", "--list"]) == 0
    out = capsys.readouterr().out
    assert "cost-sweep" in out and "infeasible_prob" in out


def test_batch_then_plot_end_to_end(tmp_path, capsys):
    cfg = _write_config(tmp_path, 'scenario = "cost-sweep"\nseeds = 3\n[params]\nsubtasks = 3\n'
                                  '[grid]\ntopology = ["random", "scale-free"]\nagents = [4]\n')
    out = tmp_path / "runs"
    assert main(["batch", str(cfg), "--out", str(out), "--workers", "0", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ran"] == 6 and summary["complete"]
    assert main(["plot", str(out), "--json"]) == 0
    plotted = json.loads(capsys.readouterr().out)
    assert sorted(Path(f).name for f in plotted["files"]) == ["D_by_k.png", "G_by_k.png"]
    assert {s["hue"] for s in plotted["summaries"] if s["metric"] == "G"} == {"random", "scale-free"}
    assert main(["plot", str(out), "--y", "best_G", "--x", "topology"]) == 0
    assert (out / "plots" / "best_G_by_topology.png").stat().st_size > 1000


def test_dask_scheduler_local_from_the_cli(tmp_path, capsys):
    pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed")
    cfg = _write_config(tmp_path, 'scenario = "cost-sweep"\nseeds = 2\n[grid]\nagents = [3, 4]\n')
    assert main(["batch", str(cfg), "--out", str(tmp_path / "d"), "--scheduler", "local", "--workers", "1"]) == 0
    assert "4 runs: 0 already finished, 4 ran now" in capsys.readouterr().out


def test_report_lists_five_failures_then_counts_the_rest(capsys):
    from types import SimpleNamespace

    from scenarios.commands.batch import _report

    result = SimpleNamespace(total=9, skipped=1, ran=8, seconds=2.04, failed=7, csv_path="d/results.csv",
                             errors=[f"run {i}: boom" for i in range(7)])
    _report(SimpleNamespace(json=False), result)
    out, err = capsys.readouterr()
    assert out == "9 runs: 1 already finished, 8 ran now in 2.0 s, 7 failed\nresults: d/results.csv\n"
    assert err.splitlines() == [f"mas batch: run {i}: boom" for i in range(5)] + [
        "mas batch: ... and 2 more failed runs (see results.jsonl)"]
