"""audit names every rule a run breaks, one message per broken rule, in run order."""

import copy

import pytest

from mas.crowdsourcing import Task, Worker, audit, run_online

STREAM = [Task("t", 0, 0, 0, 2, 2, 5), Worker("w", 0, 0, 0, 4, 4, 5, 2.0)]


def _run():
    r = run_online("greedy", STREAM)
    assert audit(r, STREAM) == []
    return copy.deepcopy(r)


def _set(**fields):
    def change(r):
        for k, v in fields.items():
            setattr(r.assignments[0], k, v)
    return change


@pytest.mark.parametrize("change, expected", [
    (_set(worker="x"), ["unknown worker 'x'", "task 't' completed without being covered",
                        "counts disagree with the assignments"]),
    (lambda r: r.assignments.append(copy.deepcopy(r.assignments[0])),
     ["worker 'w' used 2 times, capacity 1", "task 't': parts (0, 0, 2, 2) and (0, 0, 2, 2) covered twice",
      "task 't': fully covered = False but completed = True"]),
    (_set(time=7), ["worker 'w' assigned at 7 outside [0, 5]", "task 't' covered at 7 outside [0, 5]"]),
    (_set(rect=(0, 0, 5, 5)), ["worker 'w': range (0, 0, 4, 4) does not cover its task (0, 0, 5, 5)"]),
    (_set(bid=1.0, paid=1.0, shares={"t": 1.0}), ["worker 'w' paid 1.0 for bid 2.0"]),
    (_set(shares={"t": 1.5}), ["worker 'w': shares 1.5 != paid 2.0"]),
    (_set(covered=[("u", (0, 0, 2, 2))]), ["unknown task 'u'", "task 't' completed without being covered"]),
    (_set(covered=[("t", (0, 0, 3, 3))]),
     ["task 't': part (0, 0, 3, 3) not inside the task and the assigned range (0, 0, 2, 2)",
      "task 't': fully covered = False but completed = True"]),
    (_set(covered=[("t", (0, 0, 1, 2))]), ["task 't': fully covered = False but completed = True"]),
    (lambda r: setattr(r, "workers_used", 2), ["counts disagree with the assignments"]),
])
def test_each_broken_rule_is_named(change, expected):
    r = _run()
    change(r)
    assert audit(r, STREAM) == expected
