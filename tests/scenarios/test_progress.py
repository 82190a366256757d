"""Progress bars: where they show (a terminal), where they do not (a pipe, --quiet), and the
``progress(label, done, total)`` callbacks of topologies/, mas/ and protocols/ that drive them."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import numpy as np
import pytest
from helpers import ROOT, run_cli

import topologies
from mas.instance import generate_instance
from protocols import negotiate
from scenarios.progress import Progress
from topologies import matrices


class Calls(list):
    def __call__(self, label, done, total):
        assert 0 <= done <= total, (label, done, total)
        self.append((label, done, total))

    def of(self, label):
        return [(d, t) for lab, d, t in self if lab == label]


def run_on_tty(*args: str) -> tuple[int, str]:
    """``mas ARGS`` with stderr on a pseudo-terminal (stdout to /dev/null); exit code and what the terminal got."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scenarios.cli", *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    got = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    return proc.wait(timeout=120), got.decode(errors="replace")


NEGOTIATE = ["negotiate", "--protocol", "cnp", "--topology", "small-world", "--agents", "12", "--subtasks", "4"]


def test_negotiate_draws_ticks_on_a_terminal():
    code, screen = run_on_tty(*NEGOTIATE)
    assert code == 0
    assert "negotiate: cnp on 12 agents (2/2): tick 1 [" in screen
    assert "the centralized optimum" in screen
    assert "small-world: the graph" in screen and "shortest paths" in screen  # the topology's steps


def test_topology_building_draws_on_a_terminal():
    code, screen = run_on_tty("sweep", "--topology", "random", "--agents", "30", "--subtasks", "3")
    assert code == 0
    for step in ("random: drawing edges", "random: positions", "random: checks", "shortest paths",
                 "movement costs", "greedy: agents added", "local: swaps per k", "scoring every k", "sweep: writing"):
        assert f"{step} [" in screen, step


def test_quiet_and_a_pipe_get_no_bar():
    code, screen = run_on_tty(*NEGOTIATE, "--quiet")
    assert code == 0 and screen == ""
    piped = run_cli(*NEGOTIATE)
    assert piped.returncode == 0 and piped.stderr == ""


# -- Progress.report ----------------------------------------------------------------------------------
def test_report_draws_the_step_inside_the_command_bar():
    out = io.StringIO()
    with Progress(3, "sweep", enabled=True, stream=out) as bar:
        bar.report("shortest paths", 0, 4)
        bar.report("shortest paths", 4, 4)
        bar.advance()
        bar.report("movement costs", 1, 2)
    lines = out.getvalue().split("\r")
    empty = "[" + "-" * 30 + "]"
    assert any(s.startswith(f"sweep (1/3): shortest paths {empty} 0/4 ETA --:--") for s in lines)
    assert any(s.startswith("sweep (1/3): shortest paths [#####") and " 4/4 " in s for s in lines)
    assert any(s.startswith("sweep (2/3): movement costs [###############---------------] 1/2") for s in lines)


@pytest.mark.parametrize("kw", [{"enabled": False}, {"lines": True}])
def test_report_is_silent_without_a_bar(kw):
    out = io.StringIO()  # not a terminal: lines mode writes only advance()'s tenths
    with Progress(1, "x", stream=out, **kw) as bar:
        bar.report("step", 1, 2)
    assert out.getvalue() == ""


# -- the callbacks ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["random", "small-world", "scale-free", "grid", "complete"])
def test_build_reports_its_steps_and_the_graph_is_unchanged(kind):
    calls = Calls()
    G = topologies.build(kind, 25, seed=3, progress=calls)
    same = topologies.build(kind, 25, seed=3)
    assert sorted(G.edges(data="weight")) == sorted(same.edges(data="weight"))
    assert calls[0] == (f"{kind}: the graph", 0, 4) and calls[-1] == (f"{kind}: done", 4, 4)
    if kind == "random":
        rows = calls.of("random: drawing edges")
        assert rows and rows[-1] == (24, 24) and [d for d, _ in rows] == sorted(d for d, _ in rows)


def test_chunked_all_pairs_search_is_the_single_search(monkeypatch):
    G = topologies.build("scale-free", 40, seed=1)
    whole = topologies.negotiation_costs(G)
    monkeypatch.setattr(matrices, "SEARCH_CHUNK", 7)
    calls = Calls()
    P = topologies.transmission_matrix(G, progress=calls)
    np.testing.assert_array_equal(topologies.negotiation_costs(G), whole)
    np.testing.assert_array_equal(P, topologies.transmission_matrix(G))
    assert calls.of("shortest paths") == [(d, 40) for d in (7, 14, 21, 28, 35, 40)]


def test_complete_shortest_paths_report_every_middle_agent():
    calls = Calls()
    inst = generate_instance("complete", 30, 3, seed=2, progress=calls)
    plain = generate_instance("complete", 30, 3, seed=2)
    np.testing.assert_array_equal(inst.transmission_cost, plain.transmission_cost)
    two_hop = calls.of("shortest paths: two-hop paths")
    assert [d for d, _ in two_hop] == list(range(31)) and calls.of("movement costs")[-1] == (30, 30)


def test_negotiation_reports_allocated_subtasks_after_every_tick():
    inst = generate_instance("small-world", 15, 6, seed=4)
    calls = Calls()
    result, model = negotiate(inst, "cnp", seed=1, progress=calls)
    plain, _ = negotiate(inst, "cnp", seed=1)
    assert result.allocation == plain.allocation
    assert [lab for lab, _, _ in calls] == [f"tick {t}" for t in range(1, result.ticks + 1)]
    assert calls[-1][1:] == (sum(a is not None for a in result.allocation), 6)
    allocated = model.datacollector.get_model_vars_dataframe()["allocated"].tolist()
    assert allocated[1:] == [d for _, d, _ in calls]  # row 0 is before the first tick


@pytest.mark.parametrize("strategy", ["greedy", "local", "exhaustive"])
def test_sweep_reports_the_strategy_and_the_rows(strategy):
    model = generate_instance("scale-free", 12, 5, seed=6).cost_model()
    calls = Calls()
    swept = model.sweep(strategy, progress=calls)
    assert swept.to_dict() == model.sweep(strategy).to_dict()
    assert calls.of("scoring every k") == [(i, 12) for i in range(12)]
    added = calls.of("greedy: agents added")
    assert (added == [(k, 12) for k in range(1, 12)]) == (strategy != "exhaustive")
