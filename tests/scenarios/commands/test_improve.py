import json

import pytest

from scenarios.cli import main

P = [[0, .5, 2.5], [.5, 0, 2.5], [2.5, 2.5, 0]]
EXAMPLES = {"cluster": ([[1, 50, 50], [8, 50, 2], [8, 50, 2], [50, 1, 50]], "0,0,0,1", [0, 2, 2, 1]),
            "multi": ([[1, 50, 50], [8, 50, 2], [50, 1, 50], [50, 8, 2]], "0,0,1,1", [0, 2, 1, 2])}


def _instance(tmp_path, C):
    path = tmp_path / "inst.json"
    path.write_text(json.dumps({"execution_cost": C, "transmission_cost": P, "kappa": 2}))
    return str(path)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_improve_json_on_the_issue_examples(tmp_path, capsys, kind):
    C, start, end = EXAMPLES[kind]
    argv = ["improve", "--instance", _instance(tmp_path, C), "--allocation", start, "--json"]
    assert main(argv + ["--kswap", "2"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["D_before"], d["D_after"], d["allocation"]) == (19.0, 17.0, end)
    assert [e["kind"] for e in d["exchanges"]] == [kind] and d["exchanges"][0]["delta"] == -2.0
    assert main(argv + ["--kswap", "1"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["D_after"] == 19.0 and d["exchanges"] == []


def test_improve_text(tmp_path, capsys):
    C, start, _ = EXAMPLES["cluster"]
    assert main(["improve", "--instance", _instance(tmp_path, C), "--allocation", start, "--kswap", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("D 19.00 -> 17.00")
    assert out[1] == "cluster: subtask 1 0 -> 2, subtask 2 0 -> 2  (D -2.00)"
    assert out[2] == "allocation (subtask -> agent): 0 2 2 1"


def test_improve_respects_capacity_and_unallocated(tmp_path, capsys):
    C, _, _ = EXAMPLES["cluster"]
    argv = ["improve", "--instance", _instance(tmp_path, C), "--allocation", "0,2,-,1", "--kswap", "2", "--json"]
    assert main(argv) == 0
    free = json.loads(capsys.readouterr().out)
    assert free["allocation"] == [0, 0, None, 1] and (free["D_before"], free["D_after"]) == (15.0, 11.0)
    assert main(argv + ["--capacity", "1"]) == 0  # agent 0 is full: subtask 1 cannot join it
    capped = json.loads(capsys.readouterr().out)
    assert capped["allocation"] == [0, 2, None, 1] and capped["D_after"] == 15.0


@pytest.mark.parametrize("allocation, kswap, needle", [
    ("0,0,0", "2", "allocation = 3"),                  # wrong length
    ("0,0,0,7", "2", "allocation[3] = 7"),              # unknown agent
    ("0,1,0,1", "2", "allocation[1] = 1: agent 1 cannot"),  # agent 1 cannot execute subtask 1
    ("0,0,x,1", "2", "allocation[2] = 'x'"),
    ("0,0,0,1", "0", "K = 0"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, allocation, kswap, needle):
    C = [[1, None, 50], [8, None, 2], [8, 50, 2], [50, 1, 50]]
    assert main(["improve", "--instance", _instance(tmp_path, C), "--allocation", allocation,
                 "--kswap", kswap]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mas improve: error: ") and needle in err
