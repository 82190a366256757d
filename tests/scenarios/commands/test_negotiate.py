import json

import pytest
from helpers import DATA, ROOT

from scenarios.cli import main

PAPER = str(DATA / "paper_example.json")
FIELDS = {"protocol", "allocation", "unallocated", "participants", "D", "G", "messages", "communication_cost",
          "ticks", "payments", "optimal_D", "gap"}
PROTOCOLS = ["cnp", "first-price", "vickrey", "ssi", "cbba", "neighbour"]


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_negotiate_json_fields_on_the_paper_example(capsys, protocol):
    d = run_json(capsys, "negotiate", "--protocol", protocol, "--instance", PAPER, "--json")
    assert set(d) >= FIELDS
    assert d["protocol"] == protocol and len(d["allocation"]) == 6 and d["unallocated"] == []
    assert set(d["messages"]) == {"sent", "delivered", "lost", "in_flight"}
    msgs = d["messages"]
    assert msgs["sent"] == msgs["delivered"] + msgs["lost"] + msgs["in_flight"]
    assert d["optimal_D"] == 19.0 and d["optimal_D_exact"] is True
    assert d["gap"] == pytest.approx(d["D"] / 19.0 - 1)
    assert len(d["payments"]) == 6


def test_negotiate_with_faults_and_kswap_on_a_generated_instance(capsys):
    argv = ["negotiate", "--protocol", "cnp", "--topology", "small-world", "--agents", "12", "--subtasks", "6",
            "--seed", "3", "--loss", "0.2", "--crash-prob", "0.2", "--fail-prob", "0.1", "--max-ticks", "200",
            "--kswap", "2", "--json"]
    d = run_json(capsys, *argv)
    assert d["messages"]["lost"] > 0
    assert d["kswap"]["D_after"] <= d["kswap"]["D_before"]
    for u in d["unallocated"]:
        assert d["allocation"][u["subtask"]] is None and u["reason"]
    assert run_json(capsys, *argv) == d  # same seed, same run


def test_negotiate_table(capsys):
    assert main(["negotiate", "--protocol", "ssi", "--instance", PAPER]) == 0
    out = capsys.readouterr().out
    assert "optimal D" in out and "19.00" in out and "allocation" in out


def test_compare_rows_and_plot(capsys, tmp_path):
    png = tmp_path / "cmp.png"
    d = run_json(capsys, "compare", "--instance", PAPER, "--json", "--plot", str(png))
    assert d["optimal_D"] == 19.0
    names = [r["protocol"] for r in d["rows"]]
    assert set(PROTOCOLS) <= set(names) and "central-exhaustive" in names
    assert d["objective"] == "D" and [r["D"] for r in d["rows"]] == sorted(r["D"] for r in d["rows"])  # ranked
    for r in d["rows"]:
        assert {"protocol", "D", "G", "gap", "messages", "communication_cost", "ticks"} <= set(r)
    central = next(r for r in d["rows"] if r["protocol"] == "central-exhaustive")
    assert central["D"] == 19.0 and central["gap"] == 0.0 and central["messages"] == 0
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"


def test_compare_table(capsys):
    assert main(["compare", "--topology", "random", "--agents", "8", "--subtasks", "4", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "cbba" in out and "central-exhaustive" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["negotiate", "--protocol", "cnp", "--instance", PAPER, "--loss", "1.5"], "loss"),
        (
            ["negotiate", "--protocol", "cnp", "--instance", PAPER, "--crash-prob", "-1"],
            "argument --crash-prob: '-1' is not a probability",
        ),
        (["negotiate", "--protocol", "cnp", "--instance", PAPER, "--kswap", "0"], "kswap"),
        (
            ["negotiate", "--protocol", "cnp", "--instance", PAPER, "--max-ticks", "0"],
            "argument --max-ticks: '0' is not a whole number >= 1",
        ),
        (["negotiate", "--protocol", "cnp", "--instance", "missing.json"], "missing.json"),
        (["negotiate", "--protocol", "cnp", "--topology", "random", "--agents", "5"], "--subtasks"),
        (["negotiate", "--protocol", "zzz", "--instance", PAPER], "zzz"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, needle):
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(argv))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_hops_initiator_and_capacity_options(capsys):
    d = run_json(capsys, "negotiate", "--protocol", "cnp", "--topology", "grid", "--agents", "9", "--subtasks", "6",
                 "--hops", "1", "--initiator", "4", "--capacity", "2", "--json")
    allocated = [a for a in d["allocation"] if a is not None]
    assert set(allocated) <= {1, 3, 4, 5, 7}  # agent 4 and its grid neighbours
    assert max(allocated.count(a) for a in set(allocated)) <= 2
    assert main(["negotiate", "--protocol", "cbba", "--instance", PAPER, "--hops", "1"]) == 2
    assert "--hops" in capsys.readouterr().err


def test_as_a_new_user_runs_it():
    import subprocess
    import sys

    root = ROOT
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scenarios.cli",
            "negotiate",
            "--protocol",
            "cnp",
            "--instance",
            PAPER,
            "--bids",
            "execution",
            "--json",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["messages"]["sent"] == 92 and d["optimal_D"] == 19.0
