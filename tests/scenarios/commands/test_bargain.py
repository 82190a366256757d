"""`mas bargain`, `mas tournament` and `mas negotiate --pricing bargain` as a user runs them
(one fresh interpreter per command for the main paths; the rest in-process, for speed)."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT, run_cli

from scenarios.cli import main

PAPER = str(ROOT / "scenarios" / "data" / "paper_example.json")


def test_bargain_issue_example_json():
    p = run_cli("bargain", "--buyer", "linear", "--seller", "linear", "--buyer-prices", "0,10",
                "--seller-prices", "10,0", "--deadline", "10", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert (d["agreement"], d["round"], d["price"]) == (True, 6, 5.0)
    assert d["utilities"] == {"buyer": 0.5, "seller": 0.5}
    assert d["offers"] == [0, 9, 2, 7, 4, 5]
    assert [m["performative"] for m in d["messages"]] == ["propose"] * 6 + ["accept-proposal"]


def test_bargain_table(capsys):
    assert main(["bargain", "--buyer", "conceder", "--seller", "boulware", "--deadline", "4"]) == 0
    out = capsys.readouterr().out
    assert "agreement in round 3 at price 8.41" in out and "accept-proposal" in out


@pytest.mark.parametrize("args, text", [(["bargain", "--buyer", "tough"], "strategy = 'tough'"),
                                        (["bargain", "--seller-prices", "0,10"], "seller_prices"),
                                        (["bargain", "--deadline", "1"], "deadline"),
                                        (["tournament", "--strategies", "linear,linear"], "named twice"),
                                        (["negotiate", "--protocol", "cnp", "--instance", PAPER, "--pricing",
                                          "bargain", "--budget", "-2"], "budget = -2.0"),
                                        (["negotiate", "--protocol", "cnp", "--instance", PAPER, "--buyer",
                                          "boulware"], "--buyer is a pricing option: add --pricing bargain")])
def test_bad_input_is_one_line_and_exit_2(args, text, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and text in err, err


def test_tournament_json_and_heat_map(tmp_path):
    out = tmp_path / "heat.png"
    p = run_cli("tournament", "--strategies", "boulware,linear,conceder,tit-for-tat", "--deadline", "10",
                "--seeds", "4", "--json", "--plot", str(out))
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert len(d["pairs"]) == 16 and d["seeds"] == 4
    assert {"agreement_rate", "mean_utility_buyer", "mean_utility_seller", "mean_rounds",
            "nash_product"} <= set(d["pairs"][0])
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_negotiate_with_pricing_bargain(capsys):
    p = run_cli("negotiate", "--protocol", "cnp", "--instance", PAPER, "--pricing", "bargain",
                "--buyer", "conceder", "--seller", "boulware", "--bids", "execution", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    pr = d["pricing"]
    assert pr["buyer"] == "conceder" and pr["seller"] == "boulware" and pr["bargained"] == 5
    assert {"agreement_rate", "rounds", "payments", "mean_rounds", "subtasks"} <= set(pr)
    assert all(d["payments"][s] == pr["payments"][s] for s in range(6) if pr["payments"][s] is not None)
    assert "D" in d and d["communication_cost"] > pr["communication_cost"] > 0
    assert main(["negotiate", "--protocol", "cnp", "--instance", PAPER, "--pricing", "bargain"]) == 0
    out = capsys.readouterr().out
    assert "bargaining rounds (mean)" in out and "payments (subtask -> price)" in out
