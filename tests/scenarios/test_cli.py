"""``mas paper`` and ``mas sweep`` end to end, in a subprocess as a user runs them."""

from __future__ import annotations

import json

import pytest
from helpers import DATA, paper_json, run_cli


def test_paper_json():
    res = run_cli("paper", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    golden = paper_json()
    assert out["best_k"] == 5
    assert [r["k"] for r in out["rows"]] == [1, 2, 3, 4, 5, 6]
    for row, paper, opt in zip(out["rows"], golden["paper_table_1"], golden["exhaustive_optimum_per_k"]):
        assert set(row) == {"k", "paper_D", "paper_G", "participants", "D", "G", "optimal_participants",
                            "optimal_D", "optimal_G", "working"}
        assert row["paper_D"] == paper["D"] and row["paper_G"] == paper["G"]
        assert row["optimal_D"] == opt["D"] and row["optimal_participants"] == opt["S"]
        if row["k"] <= 5:
            assert row["D"] == paper["D"] and round(row["G"], 2) == paper["G"]
    assert out["rows"][5]["D"] == 110


def test_paper_table_and_plot(tmp_path):
    png = tmp_path / "paper.png"
    res = run_cli("paper", "--plot", str(png))
    assert res.returncode == 0, res.stderr
    assert "Row 6 differs" in res.stdout and "110" in res.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == [png]  # no temporary left behind


def test_sweep_on_instance_file_matches_api():
    res = run_cli("sweep", "--instance", str(DATA / "paper_example.json"), "--strategy", "milp", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["strategy"] == "milp" and out["best_k"] == 5
    assert [r["D"] for r in out["rows"]] == [19, 22, 32, 50, 76, 110]
    # the exact strategy says what it proved for every k: zero gap, the bound met
    assert set(out["rows"][0]) == {"k", "participants", "D", "G", "working", "optimal", "bound", "gap", "status"}
    assert all(r["optimal"] and r["gap"] == 0 and r["bound"] == r["D"] and r["status"] == "optimal"
               for r in out["rows"])


def test_sweep_generated_is_deterministic():
    args = ("sweep", "--topology", "scale-free", "--agents", "9", "--subtasks", "6", "--seed", "4",
            "--infeasible-prob", "0.3", "--kappa", "1.5", "--json")
    a, b = run_cli(*args), run_cli(*args)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    assert json.loads(a.stdout)["strategy"] == "exhaustive"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("sweep", "--topology", "grid", "--agents", "4"), "--subtasks"),
        (("sweep", "--instance", "/no/such/file.json"), "no such file"),
        (("sweep", "--topology", "grid", "--agents", "4", "--subtasks", "3", "--kappa", "0"), "kappa"),
        (
            ("sweep", "--topology", "grid", "--agents", "0", "--subtasks", "3"),
            "argument --agents: '0' is not a whole number >= 1",
        ),
        (("sweep", "--topology", "grid", "--agents", "40", "--subtasks", "3", "--strategy", "exhaustive"), "too many"),
        (("sweep", "--topology", "hypercube"), "invalid choice"),
        (("paper", "--plot", "/no/such/dir/p.png"), "output path"),
    ],
)
def test_errors_are_one_line_exit_2(args, needle):
    res = run_cli(*args)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], res.stderr
    assert "Traceback" not in res.stderr


def test_bad_instance_field_through_cli(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps({"execution_cost": [[1, -3]], "transmission_cost": [[0, 1], [1, 0]]}))
    res = run_cli("sweep", "--instance", str(p))
    assert res.returncode == 2 and "execution_cost[0][1]" in res.stderr


def test_main_catches_sigterm_only_while_it_runs(capsys, monkeypatch):
    import signal

    from scenarios import cli

    seen = {}

    def command(args):
        seen["during"] = signal.getsignal(signal.SIGTERM)
        raise ValueError("bad thing\nsecond line")

    before = signal.getsignal(signal.SIGTERM)
    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    args = parser.parse_args(["paper"])
    monkeypatch.setattr(parser, "parse_args", lambda argv: args)
    monkeypatch.setattr(args, "run", command, raising=False)
    assert cli.main(["paper"]) == cli.EXIT_BAD_INPUT
    assert seen["during"] is cli._terminate and signal.getsignal(signal.SIGTERM) is before
    assert capsys.readouterr().err == "mas paper: error: bad thing\n"
