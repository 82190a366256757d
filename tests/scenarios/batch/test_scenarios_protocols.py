"""scenarios.batch.scenarios_protocols: protocol-compare is `mas negotiate` over seeds, run for run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.errors import InputError
from mas.instance import generate_instance
from protocols import names
from scenarios.batch import parse_config, registry
from scenarios.negotiation import negotiation_report

SC = registry.get("protocol-compare")


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(names()), st.sampled_from(["complete", "random", "small-world"]), st.integers(3, 7),
       st.integers(1, 4), st.integers(0, 2**40), st.sampled_from([0.0, 0.2]), st.sampled_from([0, 2]))
def test_matches_negotiation_report(protocol, kind, n, m, seed, loss, kswap):
    params = SC.defaults() | {"protocol": protocol, "topology": kind, "agents": n, "subtasks": m,
                              "loss": loss, "kswap": kswap}
    metrics = SC.run(params, seed)
    inst = generate_instance(kind, n, m, seed=seed)
    report = negotiation_report(inst, protocol, seed=seed, kswap=kswap or None, loss=loss)
    assert metrics["D"] == report["D"] and metrics["G"] == report["G"]
    assert metrics["optimal_D"] == report["optimal_D"] and metrics["gap"] == report["gap"]
    assert metrics["messages_sent"] == report["messages"]["sent"]
    assert metrics["messages_lost"] == report["messages"]["lost"]
    assert metrics["communication_cost"] == report["communication_cost"]
    assert metrics["ticks"] == report["ticks"] and metrics["unallocated"] == len(report["unallocated"])
    assert ("D_before_kswap" in metrics) == bool(kswap)
    assert SC.run(params, seed) == metrics  # same seed, same result


def test_faults_reach_the_model():
    base = SC.defaults() | {"protocol": "cnp", "agents": 8, "subtasks": 4}
    clean = SC.run(base, 11)
    assert clean["messages_lost"] == 0 and clean["crashed"] == 0
    lossy = SC.run(base | {"loss": 0.5}, 11)
    assert lossy["messages_lost"] > 0
    crashing = [SC.run(base | {"crash_prob": 0.9}, s)["crashed"] for s in range(3)]
    assert max(crashing) > 0
    # k-swaps only ever lower D, and the gap is measured after them
    ks = SC.run(base | {"kswap": 2}, 11)
    assert ks["D"] <= ks["D_before_kswap"] and ks["D"] <= clean["D"]


def test_bad_parameters_name_the_key():
    with pytest.raises(InputError, match=r"grid\.protocol\[1\]"):
        parse_config({"scenario": "protocol-compare", "grid": {"protocol": ["cnp", "dutch"]}})
    with pytest.raises(InputError, match=r"params\.loss"):
        parse_config({"scenario": "protocol-compare", "params": {"loss": 1.5}, "grid": {"agents": [4]}})
    with pytest.raises(InputError, match=r"grid\.hops"):
        parse_config({"scenario": "protocol-compare", "grid": {"hops": [1]}})
    with pytest.raises(InputError, match=r"cost_high"):
        parse_config({"scenario": "protocol-compare", "params": {"cost_low": 5, "cost_high": 2},
                      "grid": {"agents": [4]}})


def test_example_config_is_valid():
    cfg = parse_config(__import__("tomllib").loads((ROOT / "scenarios/configs/protocol_faults.toml").read_text()))
    assert cfg.scenario == "protocol-compare" and set(cfg.varying) == {"protocol", "loss"}


def test_batch_and_plot_in_a_subprocess(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('scenario = "protocol-compare"\nseeds = 2\n[params]\nagents = 5\nsubtasks = 3\n'
                   '[grid]\nprotocol = ["cnp", "ssi"]\nloss = [0.0, 0.2]\n')
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "scenarios.cli"]
    done = subprocess.run(cli + ["batch", str(cfg), "--out", str(tmp_path / "runs"), "--workers", "1", "--json"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ran"] == 8
    rows = [json.loads(line) for line in (tmp_path / "runs" / "results.jsonl").read_text().splitlines()]
    first = next(r for r in rows if r["params"]["protocol"] == "ssi" and r["params"]["loss"] == 0.2)
    assert first["metrics"]["D"] == SC.run(first["params"], first["seed"])["D"]
    done = subprocess.run(cli + ["plot", str(tmp_path / "runs"), "--json"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    files = sorted(Path(f).name for f in json.loads(done.stdout)["files"])
    assert files == ["D_by_loss.png", "gap_by_loss.png", "messages_sent_by_loss.png", "ticks_by_loss.png"]
