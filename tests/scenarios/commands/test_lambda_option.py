"""`--lambda participants|working` on sweep, negotiate, compare, paper and `mas compare --objective D|G`."""

import json

import pytest
from helpers import ROOT, run_cli

from scenarios.paper import paper_model

PAPER = str(ROOT / "scenarios" / "data" / "paper_example.json")


def run_json(*args):
    res = run_cli(*args, "--json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_sweep_working_rows_all_work_and_score_their_G():
    out = run_json("sweep", "--instance", PAPER, "--lambda", "working")
    assert out["lambda"] == "working" and out["best_k"] == 5
    assert [r["D"] for r in out["rows"]] == [19.0, 22.0, 32.0, 50.0, 77.0, "inf"]
    model = paper_model("working")
    for r in out["rows"][:5]:
        assert r["working"] == r["k"]
        assert pytest.approx(r["G"]) == model.score(model.evaluate(r["participants"]).allocation).G
    assert out["rows"][5]["participants"] is None
    plain = run_json("sweep", "--instance", PAPER)  # the default keeps the paper's Table 1
    assert plain["lambda"] == "participants" and plain["rows"][4]["D"] == 76.0 and plain["rows"][4]["working"] == 4


def test_negotiate_reports_optimal_G_under_either_lambda():
    working = run_json("negotiate", "--protocol", "ssi", "--instance", PAPER, "--lambda", "working")
    plain = run_json("negotiate", "--protocol", "ssi", "--instance", PAPER)
    assert (working["lambda"], plain["lambda"]) == ("working", "participants")
    assert working["optimal_G"] == pytest.approx(77 / 25) and plain["optimal_G"] == pytest.approx(76 / 25)
    assert working["optimal_G_participants"] == [0, 1, 2, 3, 4] and working["optimal_G_exact"]
    for d in (working, plain):
        assert d["optimal_D"] == 19.0 and d["gap_G"] == pytest.approx(d["G"] / d["optimal_G"] - 1)


@pytest.mark.parametrize("objective", ["D", "G"])
def test_compare_ranks_by_the_objective(objective):
    out = run_json("compare", "--instance", PAPER, "--lambda", "working", "--objective", objective)
    assert out["objective"] == objective and out["lambda"] == "working"
    assert out["optimal_D"] == 19.0 and out["optimal_G"] == pytest.approx(77 / 25)
    rows = out["rows"]
    assert [r[objective] for r in rows] == sorted(r[objective] for r in rows)
    best = {"D": out["optimal_D"], "G": out["optimal_G"]}[objective]
    for r in rows:
        assert r["gap"] == r["gap_" + objective]
        assert r["gap_D"] == pytest.approx(r["D"] / 19.0 - 1) and r["gap_G"] == pytest.approx(
            r["G"] / out["optimal_G"] - 1
        )
    central = next(r for r in rows if r["protocol"] == "central-exhaustive")
    assert central[objective] == pytest.approx(best) and central["gap"] == pytest.approx(0.0)


def test_compare_table_names_both_optima():
    res = run_cli("compare", "--instance", PAPER, "--objective", "G")
    assert res.returncode == 0, res.stderr
    assert "optimal D = 19.00" in res.stdout and "optimal G = 3.04" in res.stdout and "ranked by G" in res.stdout
    assert "G gap" in res.stdout


def test_paper_with_working_lambda():
    out = run_json("paper", "--lambda", "working")
    assert out["lambda"] == "working" and out["best_k"] == 5
    assert [r["optimal_D"] for r in out["rows"]][:5] == [19.0, 22.0, 32.0, 50.0, 77.0]
    assert out["rows"][5]["optimal_participants"] == [] and [r["working"] for r in out["rows"]] == [1, 2, 3, 3, 4, 4]
    assert [r["paper_G"] for r in out["rows"]] == [19.0, 7.0, 4.0, 3.31, 3.04, 2.94]  # the paper's own numbers


@pytest.mark.parametrize("args, needle", [
    (["sweep", "--instance", PAPER, "--lambda", "workers"], "--lambda"),
    (["compare", "--instance", PAPER, "--objective", "H"], "--objective"),
])
def test_bad_choices_are_one_line_and_exit_2(args, needle):
    res = run_cli(*args)
    assert res.returncode == 2 and needle in res.stderr and len(res.stderr.strip().splitlines()) <= 2
