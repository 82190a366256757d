"""The sizes refused up front (mas/limits.py) against the peak RSS measured per size (issue 12:
benchmarks/RESULTS.md, "Memory per size", `benchmarks/bench_scale.py --only memory`)."""

from __future__ import annotations

import pytest

from mas import limits
from mas.errors import InputError

MB = 2**20
#: (command, topology, agents, subtasks, peak RSS in MB) as measured from the command line; the sweeps and the
#: 1,000/5,000-agent negotiations after the big phases went to blocks (issue 12, third pass), the other
#: negotiations before (what that pass changed there, one dense n x n copy of P, is below 3% of them)
MEASURED = [
    ("sweep", "small-world", 1000, 1000, 119), ("sweep", "small-world", 1000, 50, 107),
    ("sweep", "complete", 1000, 1000, 218), ("sweep", "complete", 1000, 50, 218),
    ("sweep", "small-world", 5000, 5000, 959), ("sweep", "small-world", 5000, 50, 770),
    ("sweep", "complete", 5000, 5000, 1238), ("sweep", "complete", 5000, 50, 973),
    ("sweep", "small-world", 20000, 20000, 7023), ("sweep", "small-world", 20000, 50, 3826),
    ("sweep", "complete", 20000, 50, 11046),
    ("negotiate", "small-world", 1000, 50, 172), ("negotiate", "small-world", 5000, 50, 769),
    ("negotiate", "small-world", 20000, 50, 376), ("negotiate", "small-world", 20000, 200, 457),
    ("negotiate", "small-world", 20000, 1000, 1094),
    ("negotiate", "complete", 1000, 50, 526), ("negotiate", "complete", 2000, 50, 1747),
]


@pytest.mark.parametrize("command, topology, n, m, peak", MEASURED)
def test_estimate_is_within_30_percent_of_the_measured_peak(command, topology, n, m, peak):
    e = limits.command_estimate(command, topology, n, m, "greedy" if command == "sweep" else "auto")
    assert abs(e.bytes / MB / peak - 1) <= 0.30, (e.bytes / MB, e.terms)


def test_the_old_estimate_was_25_times_the_20000_agent_negotiation():
    # the reason for command_estimate: above 6,000 agents P and W are lazy, the sweep estimate assumed them dense
    assert limits.sweep_estimate(20000, 50).bytes / MB > 25 * 376
    assert limits.command_estimate("negotiate", "small-world", 20000, 50).bytes / MB < 1.3 * 376


def test_a_20000_agent_complete_sweep_is_refused_below_its_estimate():
    # P of a complete topology is dense at every size: 3 n^2 floats, the weights and the rows, about 13.6 GB
    with pytest.raises(InputError, match=r"size = '20000 agents x 50 subtasks': needs about 13\.6 GB"):
        limits.require(limits.command_estimate("sweep", "complete", 20000, 50, "greedy"), available=12 * 2**30)
    limits.require(limits.command_estimate("negotiate", "small-world", 20000, 50), available=12 * 2**30)
    # a lazy sweep reads W in row blocks now: C, the rows' participant lists and the row caches
    assert limits.command_estimate("sweep", "small-world", 20000, 50, "greedy").bytes < 4 * 2**30


def test_cli_refuses_before_building(monkeypatch, capsys):
    from scenarios.cli import main

    monkeypatch.setenv(limits.ENV, "300M")
    code = main(["negotiate", "--protocol", "cnp", "--topology", "small-world", "--agents", "20000",
                 "--subtasks", "50"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("mas negotiate: error: size = '20000 agents x 50 subtasks': needs about 0.3 GB")
    assert err.rstrip().endswith("this machine has 0.3 GB MAS_MEMORY_LIMIT")
