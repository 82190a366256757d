"""Greedy: the seed's scenario 1 and its matching rules."""

from mas.crowdsourcing import Task, Worker, run_online


def test_seed_scenario_1():
    s = [Task("t1", 1, 50, 50, 100, 100, 5), Task("t2", 2, 100, 100, 50, 50, 6),
         Worker("w1", 2, 0, 0, 200, 200, 10, 1), Worker("w2", 2, 0, 0, 200, 200, 10, 5)]
    r = run_online("greedy", s)
    assert (r.completed, r.workers_used, r.total_paid, r.average_cost) == (2, 2, 6.0, 3.0)
    assert [(a.worker, a.covered[0][0]) for a in r.assignments] == [("w1", "t1"), ("w2", "t2")]


def test_task_goes_to_cheapest_covering_worker_and_worker_to_earliest_arrival():
    """Under the ``cost`` utility every pair is worth 1: a task takes the cheapest covering worker (the
    tie-break on bids), a worker the task that arrived first (not the one of earliest deadline)."""
    s = [Worker("cheap-small", 0, 0, 0, 1, 1, 9, 1.0), Worker("dear", 0, 0, 0, 10, 10, 9, 5.0),
         Worker("cheap", 0, 0, 0, 10, 10, 9, 2.0), Task("t", 1, 2, 2, 2, 2, 9),
         Task("first", 2, 20, 20, 1, 1, 9), Task("soon", 2, 21, 21, 1, 1, 4), Worker("w", 3, 19, 19, 5, 5, 9, 1.0)]
    r = run_online("greedy", s)
    assert [(a.worker, a.covered[0][0]) for a in r.assignments] == [("cheap", "t"), ("w", "first")]


def test_nothing_outside_time_windows():
    s = [Task("t", 0, 0, 0, 1, 1, 2), Worker("w", 3, 0, 0, 5, 5, 9, 1.0)]  # t expired before w came
    assert run_online("greedy", s).completed == 0
    s = [Task("t", 0, 0, 0, 1, 1, 3), Worker("w", 3, 0, 0, 5, 5, 9, 1.0)]  # deadline inclusive
    assert run_online("greedy", s).completed == 1
