"""Batches that cannot double-run: the lock on --out, workers that die with ``mas batch``, and
no temporary file left behind by a SIGTERM (subprocesses, as a user would run them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from helpers import ROOT

PLUGIN = '''
import os, time
from scenarios.batch.registry import Param, register

@register("test-nap", [Param("x", int, 0), Param("pause", float, 30.0), Param("gate", str, "")])
def nap(params, seed):
    end = time.monotonic() + params["pause"]
    while time.monotonic() < end and not (params["gate"] and os.path.exists(params["gate"])):
        time.sleep(0.05)
    return {"y": params["x"]}
'''


def _setup(tmp_path, pause: float, points: int = 2, seeds: int = 2, gate: str = ""):
    (tmp_path / "nap_plugin.py").write_text(PLUGIN)
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'scenario = "test-nap"\nplugins = ["nap_plugin"]\nseeds = {seeds}\n'
                   f'[params]\npause = {pause}\ngate = "{gate}"\n[grid]\nx = {list(range(points))}\n')
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    return cfg, env


def _mas(*args, env, **kw):
    return subprocess.Popen([sys.executable, "-m", "scenarios.cli", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _wait_for(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_second_batch_on_the_same_out_is_refused_then_waits(tmp_path):
    gate = tmp_path / "release"  # the first batch's runs last until this file exists
    cfg, env = _setup(tmp_path, pause=300.0, points=1, seeds=2, gate=str(gate))
    out = tmp_path / "out"
    first = _mas("batch", cfg, "--out", out, "--workers", 0, "--quiet", env=env)
    try:
        assert _wait_for(lambda: (out / ".lock").exists() and f"pid {first.pid}" in (out / ".lock").read_text(),
                         timeout=120)
        second = _mas("batch", cfg, "--out", out, "--workers", 0, "--quiet", env=env)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2
        assert err.strip().splitlines() == [err.strip()]
        assert f"is in use by another mas batch (pid {first.pid}" in err and "--wait" in err
        waiting = _mas("batch", cfg, "--out", out, "--workers", 0, "--quiet", "--wait", env=env)
        line = waiting.stderr.readline()  # told once, before it blocks
        assert f"is in use (pid {first.pid}" in line and "waiting for it" in line
        gate.touch()
        stdout, err = waiting.communicate(timeout=120)
        assert first.wait(timeout=120) == 0
        assert waiting.returncode == 0, err
        assert "2 already finished, 0 ran now" in stdout  # nothing ran twice
    finally:
        first.kill()
        first.wait()
    rows = (out / "results.jsonl").read_text().splitlines()
    assert len(rows) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def _batch_with_workers(tmp_path, pause: float):
    """A two-worker batch whose runs sleep ``pause`` s: its process, and that as a psutil.Process."""
    cfg, env = _setup(tmp_path, pause=pause, points=2, seeds=2)
    main = _mas("batch", cfg, "--out", tmp_path / "out", "--workers", 2, "--quiet", env=env)
    return main, psutil.Process(main.pid)


def _family(proc) -> list:
    """The processes under ``proc`` once the resource tracker, the fork server and two workers are up."""
    assert _wait_for(lambda: len(proc.children(recursive=True)) >= 4, timeout=90)
    return proc.children(recursive=True)


def _all_gone(family) -> bool:
    return all(not p.is_running() or p.status() == psutil.STATUS_ZOMBIE for p in family)


def test_workers_die_with_a_killed_batch(tmp_path):
    main, proc = _batch_with_workers(tmp_path, pause=60.0)
    try:
        _family(proc)
        time.sleep(0.5)
        family = proc.children(recursive=True)
        main.send_signal(signal.SIGKILL)
        main.wait()
        assert _wait_for(lambda: _all_gone(family), timeout=20), \
            [p.cmdline()[:3] for p in family if p.is_running()]
    finally:
        for p in proc.children(recursive=True) if proc.is_running() else []:
            p.kill()


def test_sigterm_leaves_no_temporary_file(tmp_path):
    code = ("import sys, time; from mas.files import atomic_open\n"
            "from scenarios import cli\n"
            "import signal; signal.signal(signal.SIGTERM, cli._terminate)\n"
            "with atomic_open(sys.argv[1]) as fh:\n"
            "    fh.write('half'); fh.flush(); print('writing', flush=True); time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "out.txt")], cwd=ROOT,
                            env=os.environ | {"PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    assert len(list(tmp_path.iterdir())) == 1  # the temporary file
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_sigterm_stops_a_batch_and_its_workers_at_once(tmp_path):
    main, proc = _batch_with_workers(tmp_path, pause=300.0)
    try:
        family = _family(proc)
        main.send_signal(signal.SIGTERM)
        assert main.wait(timeout=60) == 128 + signal.SIGTERM  # not after the 300 s runs
        assert _wait_for(lambda: _all_gone(family), timeout=30)
        assert not (tmp_path / "out" / "results.jsonl").read_text()  # nothing recorded as finished
    finally:
        main.kill()
