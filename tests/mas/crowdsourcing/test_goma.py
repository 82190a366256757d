"""The TGOA authors' file format, with small files written and worked out by hand.

Format: a header ``workers tasks max_utility arrivals``, then in arrival order
``begin t x y duration pay`` or ``begin w x y radius capacity duration rate``.
A pair can meet when ``w.begin < t.begin + t.duration``, ``t.begin < w.begin +
w.duration``, the task's point lies in the worker's disc (distance <= radius)
and the worker has capacity left; it is worth pay x rate.
"""

import json

import pytest
from crowd_streams import SCENARIO_1
from helpers import ROOT, run_main
from helpers import run_cli as mas

from mas.crowdsourcing import TGOA, Greedy, audit, load_goma, parse_goma, run_online
from mas.errors import InputError

# phase 2 gives up the greedy choice (worked out in test_phase_two_gives_up_a_greedy_choice); the README runs it
GIVE_UP_FILE = ROOT / "scenarios/data/crowd/give_up.goma"
GIVE_UP = GIVE_UP_FILE.read_text()


def write(tmp_path, text, name="s.goma"):
    path = tmp_path / name
    path.write_text(text)
    return path


def run(alg, text):
    s = parse_goma(text.splitlines())
    r = run_online(alg, s, order="given")
    assert audit(r, s) == []
    return r, [(a.worker, a.covered[0][0]) for a in r.assignments]


def test_phase_two_gives_up_a_greedy_choice():
    """Workers wA = w0 (disc centre (10, 0), radius 6) and w0' = w1 (centre (0, 0), radius 5), capacity 1,
    rate 1; tasks tX = t0 at (10, 0) pay 0.5, t1 at (-3, 0) pay 1, t2 at (5, 0) pay 3; long windows.
    Possible pairs: w0-t0 (distance 0, worth 0.5), w0-t2 (5 <= 6, worth 3), w1-t1 (3 <= 5, worth 1),
    w1-t2 (5 = 5: on the boundary, worth 3).

    Greedy: w0 waits; t0 takes w0 (0.5); t1 and t2 find no free worker and wait; w1 takes the best
    waiting task, t2 (3 > 1). Utility 0.5 + 3 = 3.5.

    TGOA, split 0.4: int(0.4 x 5) = 2 arrivals greedy (w0 waits, t0 takes w0). Phase 2:
    t1: the matching of {w0, t0, t1} is w0-t0; t1 has no partner and waits.
    t2: the matching of {w0, t0, t1, t2} is w0-t2 (3 > 0.5); w0 is used up, so t2 waits.
    w1: the matching of everything is {w0-t2, w1-t1} = 4 (against {w0-t0, w1-t2} = 3.5), so w1
    takes t1 -- giving up t2, worth 3, which Greedy takes. Utility 0.5 + 1 = 1.5.
    """
    r, pairs = run(Greedy(utility="pay-rate"), GIVE_UP)
    assert pairs == [("w0", "t0"), ("w1", "t2")] and r.utility == 3.5 and r.completed == 2
    alg = TGOA(split=0.4, utility="pay-rate")
    r, pairs = run(alg, GIVE_UP)
    assert pairs == [("w0", "t0"), ("w1", "t1")] and r.utility == 1.5 and r.completed == 2
    key = {a.id: k for k, a in enumerate(alg.seen)}
    assert alg.decisions[-1][:3] == (key["w1"], [key["t1"]], [key["t1"]])
    assert alg.decisions[1][:3] == (key["t2"], [key["w0"]], [])  # its partner is taken: it waits


def test_shipped_files():
    assert (
        GIVE_UP == "2 3 3 5\n0 w 10 0 6 1 100 1\n1 t 10 0 100 0.5\n2 t -3 0 100 1\n3 t 5 0 100 3\n4 w 0 0 5 1 100 1\n"
    )
    rows = (ROOT / "scenarios/data/crowd/seed_scenario_1.jsonl").read_text().splitlines()
    assert [json.loads(r) for r in rows] == SCENARIO_1


def test_command_line_reads_the_goma_format():
    path = str(GIVE_UP_FILE)
    got = {}
    for alg, extra in (("greedy", []), ("tgoa", ["--split", "0.4"])):
        p = mas("crowd", "--algorithm", alg, "--events", path, "--format", "goma", "--json", *extra)
        assert p.returncode == 0, p.stderr
        d = json.loads(p.stdout)
        got[alg] = (d["tasks"], d["workers"], d["completed"], d["utility"], d["workers_used"])
    assert got == {"greedy": (3, 2, 2, 3.5, 2), "tgoa": (3, 2, 2, 1.5, 2)}
    # the goma default utility is pay-rate; --utility cost counts tasks instead
    p = mas("crowd", "--algorithm", "greedy", "--events", path, "--format", "goma", "--utility", "cost", "--json")
    assert json.loads(p.stdout)["utility"] == 2.0


def test_windows_are_open_at_their_end_and_the_disc_closed():
    """w0: begin 0, duration 10 (present in [0, 10)), centre (0, 0), radius 5, capacity 1.
    t0: begins at 10 = w0's end: they cannot meet. t1: begins at 9, at (3, 4), distance exactly 5:
    they meet. In the given order t0 (time 10) comes before t1 (time 9): time order would refuse the
    file, the random-order model takes it. Greedy: w0 waits, t0 cannot take it, t1 does. Utility 2 x 1."""
    text = "1 2 2 3\n0 w 0 0 5 1 10 1\n10 t 3 4 5 1\n9 t 3 4 5 2\n"
    r, pairs = run(Greedy(utility="pay-rate"), text)
    assert pairs == [("w0", "t1")] and r.utility == 2.0
    s = parse_goma(text.splitlines())
    assert s[0].deadline < 10 and s[0].deadline == pytest.approx(10)
    with pytest.raises(InputError, match="time"):
        run_online("greedy", s)  # time order


def test_capacity_two():
    """w0 at (0, 0), radius 2, capacity 2, rate 2; three tasks inside it, pay 1, 3, 2, arriving after it.
    Greedy: each task takes w0 while it has capacity: t0 (2) and t1 (6); t2 finds it used up.
    TGOA with split 0 (all phase 2): t0's matching is w0-t0 -> taken; t1's matching over {w0, t0, t1}
    gives w0 both (capacity 2) -> taken; t2's matching gives w0 its best two, t1 and t2 (6 + 4 > 2 + 6),
    but w0 is used up: t2 waits. Both: utility 2 x (1 + 3) = 8, w0 used twice."""
    text = "1 3 6 4\n0 w 0 0 2 2 10 2\n1 t 1 0 10 1\n2 t 0 1 10 3\n3 t 1 1 10 2\n"
    for alg in (Greedy(utility="pay-rate"), TGOA(split=0.0, utility="pay-rate")):
        r, pairs = run(alg, text)
        assert pairs == [("w0", "t0"), ("w0", "t1")] and r.utility == 8.0 and r.workers_used == 1
    # a worker arriving after the tasks takes its best two at once
    text = "1 3 6 4\n1 t 1 0 10 1\n2 t 0 1 10 3\n3 t 1 1 10 2\n4 w 0 0 2 2 10 2\n"
    r, pairs = run(Greedy(utility="pay-rate"), text)
    assert pairs == [("w0", "t1"), ("w0", "t2")] and r.utility == 10.0


def test_equal_begin_times_form_one_batch():
    """t0 (pay 1) waits; then w0 (radius 2 around (0, 0)) and t1 (pay 2) both begin at 5: one batch.
    The matching over {t0, w0, t1} is w0-t1 (2 > 1), so w0 takes t1 although t1 comes after it in the
    file; one at a time, w0 would have seen only t0 and taken it (utility 1)."""
    text = "1 2 2 3\n0 t 0 0 10 1\n5 w 0 0 2 1 10 1\n5 t 1 0 10 2\n"
    alg = TGOA(split=0.0, utility="pay-rate")
    r, pairs = run(alg, text)
    assert pairs == [("w0", "t1")] and r.utility == 2.0
    assert [alg.seen[d[0]].kind for d in alg.decisions] == ["task", "worker", "task"]  # workers first
    text_apart = text.replace("5 t 1 0 10 2", "6 t 1 0 10 2")
    r, pairs = run(TGOA(split=0.0, utility="pay-rate"), text_apart)
    assert pairs == [("w0", "t0")] and r.utility == 1.0


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("1 1 5\n", "line 1 = '1 1 5': expected the header"),
    ("1 1 5 3\n0 w 0 0 1 1 5 1\n0 t 0 0 5 1\n", "line 1: arrivals = 3: must be workers + tasks = 2"),
    ("1 1 5 2\n0 w 0 0 1 1 5 1\n0 w 0 0 5 1 1 1\n", "the header says 1 workers and 1 tasks, the file has 2 and 0"),
    ("1 1 5 2\n0 w 0 0 1 0 5 1\n0 t 0 0 5 1\n", "line 2: capacity = 0: must be >= 1"),
    ("1 1 5 2\n0 w 0 0 1 1 5 1\n0 t 0 zero 5 1\n", "line 3: y = 'zero': must be a number"),
    ("1 1 5 2\n0 w 0 0 1 1 5 1\n0 t 0 0 5\n", "line 3 = '0 t 0 0 5': a task line has 6 fields"),
    ("1 1 5 2\n0 w 0 0 -1 1 5 1\n0 t 0 0 5 1\n", "line 2: radius = -1.0: must be >= 0"),
    ("1 1 5 2\n0 w 0 0 1 1 5 1\n\n0 x 0 0 5 1\n", "line 4 = '0 x 0 0 5 1': expected"),
    ("1 1 5 2\n0 w 0 0 1 1 5 1\n0 t 0 0 0 1\n", "line 3: duration = '0': must be > 0"),
])
def test_malformed_files_name_the_line(tmp_path, capsys, text, message):
    with pytest.raises(InputError) as err:
        load_goma(write(tmp_path, text))
    assert message in str(err.value)
    code, err = run_main(capsys, "crowd", "--algorithm", "greedy", "--events", str(write(tmp_path, text, "bad.goma")),
                         "--format", "goma")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_ossa_refuses_points_discs_and_given_order(tmp_path, capsys):
    path = str(write(tmp_path, GIVE_UP))
    code, err = run_main(capsys, "crowd", "--algorithm", "ossa", "--events", path, "--format", "goma")
    assert code == 2 and "ossa supports time order only" in err
    code, err = run_main(capsys, "crowd", "--algorithm", "ossa-indexed", "--events", path, "--format", "goma",
                         "--order", "time")
    assert code == 2 and "worker 'w0' = 'a disc range': ossa-indexed takes rectangles and capacity 1 only" in err


@pytest.mark.parametrize("text, message", [
    ("1 -1 5 0\n", "goma line 1: tasks = -1: must be >= 0"),
    ("1 1 inf 2\n", "goma line 1: max_utility = 'inf': must be a finite number"),
    ("1 1 5 2\n0 w 0 0 1 1 5\n0 t 0 0 5 1\n", "goma line 2 = '0 w 0 0 1 1 5': a worker line has 8 fields"),
    ("1 1 5 2\n0 w 0 0 1 1 5 -1\n0 t 0 0 5 1\n", "goma line 2: rate = -1.0: must be >= 0"),
    ("1 1 5 2\n0 w 0 0 1 1.5 5 1\n0 t 0 0 5 1\n", "goma line 2: capacity = '1.5': must be an integer"),
    ("1 1 5 2\n0 w 0 0 1 1 5 1\n0 t 0 0 5 -2\n", "goma line 3: pay = '-2': must be >= 0"),
])
def test_each_line_rule_of_parse_goma(text, message):
    with pytest.raises(InputError) as err:
        parse_goma(text.splitlines())
    assert message in str(err.value)


def test_goma_names_arrivals_per_kind_in_file_order():
    s = parse_goma("2 2 9 4\n0 t 0 0 5 1\n0 w 0 0 1 2 5 3\n1 t 1 1 5 2\n1 w 1 1 2 1 5 1".splitlines())
    assert [a.id for a in s] == ["t0", "w0", "t1", "w1"]
    assert (s[1].capacity, s[1].rate, s[1].radius, s[1].bid) == (2, 3.0, 1.0, 0.0)
    assert s[2].price == 2.0 and s[2].deadline < 6.0 == s[2].time + 5
