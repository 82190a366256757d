"""``mas place``, ``mas gap``, ``mas queue``, ``mas resources-demo`` end to end, in a subprocess."""

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

DATA = ROOT / "scenarios" / "data"


def mas(*args, check=True):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "scenarios.cli", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_place_json_fields_and_optimum():
    out = json.loads(
        mas(
            "place",
            "--tasks",
            DATA / "resources/seed001_three_tasks.json",
            "--nodes",
            DATA / "resources/seed001_two_models.json",
            "--algorithm",
            "exact",
            "--json",
        ).stdout
    )
    assert {"placement", "objective", "value", "bound", "gap", "seconds"} <= set(out)
    assert out["objective"] == "count" and out["value"] == 2 and out["gap"] == 0
    assert sum(v is not None for v in out["placement"].values()) == 2


def test_place_heuristic_table_and_objective(capsys):
    from scenarios.cli import main

    assert main(["place", "--tasks", str(DATA / "resources/seed001_five_tasks.json"),
                 "--nodes", str(DATA / "resources/seed001_three_models.json"), "--algorithm", "anneal",
               "--objective", "value", "--iterations", "500"]) == 0
    out = capsys.readouterr().out
    assert "anneal: value = 4" in out and "gap = 0.00%" in out


def test_gap_exact_json_min_and_max():
    out = json.loads(mas("gap", DATA / "gap/c0515_1", "--json").stdout)
    assert set(out) >= {"instance", "objective_value", "assignment", "optimal", "seconds"}
    assert (out["instance"], out["objective_value"], out["optimal"]) == ("c0515_1", 261, True)
    assert len(out["assignment"]) == 15


def test_gap_greedy_and_table(capsys):
    from scenarios.cli import main

    assert main(["gap", str(DATA / "gap/c0515_1"), "--maximize", "--algorithm", "greedy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["optimal"] is False and out["objective_value"] <= 336
    assert main(["gap", str(DATA / "gap/c0824_2"), "--maximize"]) == 0
    assert "558" in capsys.readouterr().out


def test_queue_formulas_and_simulation():
    out = json.loads(mas("queue", "--arrival-rate", 16, "--service-rate", 20, "--json").stdout)
    for k, v in {"rho": 0.8, "P0": 0.2, "L": 4.0, "Lq": 3.2, "W": 0.25, "Wq": 0.2}.items():
        assert out[k] == pytest.approx(v)
    out = json.loads(mas("queue", "--arrival-rate", 2, "--service-rate", 3, "--servers", 2, "--simulate",
                         "--horizon", 3000, "--seed", 4, "--json").stdout)
    assert out["erlang_c"] == pytest.approx(1 / 6)
    sim = out["simulation"]
    assert set(sim) >= {"rho", "P0", "erlang_c", "Lq", "L", "Wq", "W"}
    assert sim["Wq"]["low"] <= sim["Wq"]["mean"] <= sim["Wq"]["high"]


def test_resources_demo_rejects_the_seed_claims():
    out = json.loads(mas("resources-demo", "--json").stdout)
    three, five = out["examples"]
    assert {r["algorithm"] for r in three["results"]} >= {"exact", "ffd", "best-fit", "least-loaded", "dot",
                                                          "anneal", "genetic"}
    assert all(r["value"] == 2 for r in three["results"])
    (claim,) = three["seed_claims"]
    assert not claim["valid"] and "M1" in claim["error"] and "cpu" in claim["error"]
    assert all(not c["valid"] for c in five["seed_claims"])


def test_queue_and_demo_tables(capsys):
    from scenarios.cli import main

    assert main(["queue", "--arrival-rate", "2", "--service-rate", "3", "--servers", "2", "--simulate",
                 "--horizon", "1000"]) == 0
    table = capsys.readouterr().out
    assert "M/M/2" in table and "95% interval" in table and "0.375" in table
    assert main(["resources-demo"]) == 0
    table = capsys.readouterr().out
    assert "REJECTED: cpu load on M1 = 5" in table and "exact" in table


def test_bad_input_in_a_subprocess_exit_2_one_line():
    proc = mas("queue", "--arrival-rate", 5, "--service-rate", 2, check=False)
    assert proc.returncode == 2
    assert "unstable" in proc.stderr and "rho = 2.5" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args, needle", [
    (("queue", "--arrival-rate", 1, "--service-rate", 2, "--horizon", 10), "--simulate"),
    (("queue", "--arrival-rate", 1, "--service-rate", 2, "--servers", 0),
     "argument --servers: '0' is not a whole number >= 1"),
    (("gap", "no/such/file"), "GAP file = 'no/such/file': no such file"),
    (("gap", "{tasks}"), "is not an integer"),
    (("gap", "{gapfile}", "--index", 3), "--index = 3"),
    (("gap", "{gapfile}", "--search", "shift-swap"), "--search = 'shift-swap': the search phase runs only with"),
    (("gap", "{gapfile}", "--search", "anneal", "--time-limit", 1), "argument --search: invalid choice"),
    (("place", "--tasks", "{bad}", "--nodes", "{nodes}"), "tasks[0]"),
    (("place", "--tasks", "{tasks}", "--nodes", "{nodes}", "--algorithm", "magic"), "invalid choice"),
    (("place", "--tasks", "{tasks}", "--nodes", "{nodes}", "--objective", "cost", "--algorithm", "exact"),
     "no solution"),
])
def test_bad_input_exit_2_one_line(tmp_path, capsys, args, needle):
    from scenarios.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "T1"}]')
    subst = {"{bad}": bad, "{tasks}": DATA / "resources/seed001_three_tasks.json",
             "{nodes}": DATA / "resources/seed001_two_models.json", "{gapfile}": DATA / "gap/c0515_1"}
    try:
        code = main([str(subst.get(a, a)) for a in args])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
