"""scenarios.batch.scenarios_crowd: the crowd scenario is run_online on generate_stream, seed for seed."""

import tomllib

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.crowdsourcing import TGOA, StreamSettings, generate_stream, run_online
from mas.errors import InputError
from scenarios.batch import parse_config, registry

SC = registry.get("crowd")

DETERMINISTIC = ("completed", "completion_rate", "workers_used", "total_paid", "average_cost")


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(["ossa", "ossa-indexed", "greedy", "tgoa"]), st.integers(0, 60), st.integers(0, 30),
       st.integers(0, 2**40), st.sampled_from([100.0, 300.0]), st.sampled_from([(0.0, 100.0), (5.0, 10.0)]))
def test_matches_run_online(algorithm, tasks, workers, seed, plane, stay):
    params = SC.defaults() | {"algorithm": algorithm, "tasks": tasks, "workers": workers, "plane": plane,
                              "horizon": 50.0, "task_stay_low": stay[0], "task_stay_high": stay[1],
                              "split": 0.3}
    metrics = SC.run(params, seed)
    stream = generate_stream(tasks, workers, seed=seed,
                             settings=StreamSettings(plane=plane, horizon=50.0, task_stay=stay))
    r = run_online(TGOA(split=0.3) if algorithm == "tgoa" else algorithm, stream)
    assert (metrics["completed"], metrics["workers_used"]) == (r.completed, r.workers_used)
    assert metrics["total_paid"] == r.total_paid and metrics["average_cost"] == r.average_cost
    assert metrics["algorithm_seconds"] >= 0
    again = SC.run(params, seed)  # same seed, same result (all but the wall-clock time)
    assert {k: again[k] for k in DETERMINISTIC} == {k: metrics[k] for k in DETERMINISTIC}


def test_indexed_ossa_is_ossa_and_split_reaches_tgoa():
    base = SC.defaults() | {"tasks": 80, "workers": 40}
    plain, indexed = SC.run(base | {"algorithm": "ossa"}, 4), SC.run(base | {"algorithm": "ossa-indexed"}, 4)
    assert {k: plain[k] for k in DETERMINISTIC} == {k: indexed[k] for k in DETERMINISTIC}
    greedy = SC.run(base | {"algorithm": "greedy"}, 4)
    all_greedy = SC.run(base | {"algorithm": "tgoa", "split": 1.0}, 4)
    assert all_greedy["completed"] == greedy["completed"] and all_greedy["total_paid"] == greedy["total_paid"]


def test_bad_parameters_name_the_key():
    with pytest.raises(InputError, match=r"grid\.algorithm\[0\]"):
        parse_config({"scenario": "crowd", "grid": {"algorithm": ["random"]}})
    with pytest.raises(InputError, match=r"grid\.tasks\[1\]"):
        parse_config({"scenario": "crowd", "grid": {"tasks": [10, 2.5]}})
    with pytest.raises(InputError, match=r"task_stay_high"):
        parse_config({"scenario": "crowd", "params": {"task_stay_low": 9.0, "task_stay_high": 3.0},
                      "grid": {"tasks": [10]}})
    with pytest.raises(InputError, match=r"plane"):
        parse_config({"scenario": "crowd", "params": {"plane": 0.5}, "grid": {"tasks": [10]}})


def test_example_config_is_valid():
    cfg = parse_config(tomllib.loads((ROOT / "scenarios/configs/crowd_algorithms.toml").read_text()))
    assert cfg.scenario == "crowd" and set(cfg.varying) == {"algorithm", "tasks"}
