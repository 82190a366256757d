"""scenarios.batch.scenarios_resources: the resources scenario is the dynamic model, seed for seed."""

import math
import tomllib

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.errors import InputError
from mas.resources.dynamic import AllocationModel, simulate_mmc
from mas.resources.queueing import mmc
from scenarios.batch import parse_config, registry

SC = registry.get("resources")


def _same(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


@settings(max_examples=8, deadline=None)
@given(st.floats(0.2, 2.5), st.floats(0.5, 2.0), st.integers(1, 3), st.integers(0, 2**40))
def test_defaults_are_simulate_mmc(lam, mu, c, seed):
    params = SC.defaults() | {"arrival_rate": lam, "service_rate": mu, "nodes": c, "horizon": 150.0}
    metrics = SC.run(params, seed)
    s = simulate_mmc(lam, mu, c, horizon=150.0, seed=seed)
    assert (metrics["arrived"], metrics["completed"]) == (s.arrived, s.completed)
    assert metrics["utilization"] == s.rho.mean and metrics["throughput"] == s.throughput.mean
    assert _same(metrics["mean_wait_low"], s.Wq.low) and _same(metrics["mean_wait_high"], s.Wq.high)
    if lam < c * mu:
        q = mmc(lam, mu, c)
        assert metrics["erlang_wait"] == q.Wq and metrics["erlang_utilization"] == q.rho
    else:
        assert metrics["erlang_wait"] is None
    again = SC.run(params, seed)  # same seed, same result
    assert all(_same(again[k], v) for k, v in metrics.items())


@pytest.mark.parametrize("policy", ["fifo", "priority", "backfill", "least-loaded"])
def test_matches_the_model_for_every_policy(policy):
    params = SC.defaults() | {"policy": policy, "nodes": 2, "capacity": 2, "demand_max": 2, "priorities": 2,
                              "timeout": 3.0, "arrival_rate": 2.5, "horizon": 200.0, "warmup": 10.0}
    metrics = SC.run(params, 7)
    model = AllocationModel(nodes=2, capacity={"cpu": 2}, demand={"cpu": [1, 2]}, priorities=2,
                            arrival_rate=2.5, service_rate=1.0, policy=policy, timeout=3.0, dt=2.0,
                            warmup=10.0, rng=7)
    model.run_until(200.0)
    s = model.summary()
    assert metrics["mean_wait"] == model.mean_wait() and metrics["p95_wait"] == model.p95_wait()
    assert metrics["timed_out"] == model.timed_out > 0
    assert metrics["utilization"] == s.rho.mean and metrics["mean_queue"] == s.Lq.mean
    assert metrics["erlang_wait"] is None  # jobs of 2 CPUs and a timeout: not an M/M/c queue


def test_erlang_prediction_is_close_to_the_simulation():
    # M/M/4 at rho = 0.75 over a long horizon: the formula's mean wait lies in the run's interval
    params = SC.defaults() | {"arrival_rate": 3.0, "nodes": 4, "horizon": 4000.0}
    m = SC.run(params, 3)
    assert m["mean_wait_low"] <= m["erlang_wait"] <= m["mean_wait_high"]
    assert m["utilization"] == pytest.approx(0.75, abs=0.03)
    assert m["p95_wait"] == pytest.approx(m["erlang_p95_wait"], rel=0.25)


def test_bad_parameters_name_the_key():
    with pytest.raises(InputError, match=r"grid\.policy\[2\]"):
        parse_config({"scenario": "resources", "grid": {"policy": ["fifo", "backfill", "lifo"]}})
    with pytest.raises(InputError, match=r"params\.nodes"):
        parse_config({"scenario": "resources", "params": {"nodes": 0}, "grid": {"arrival_rate": [1.0]}})
    with pytest.raises(InputError, match=r"grid\.arrival_rate\[0\]"):
        parse_config({"scenario": "resources", "grid": {"arrival_rate": ["fast"]}})
    with pytest.raises(InputError, match=r"point 0\.warmup"):
        parse_config({"scenario": "resources", "params": {"horizon": 10.0, "warmup": 20.0},
                      "grid": {"arrival_rate": [1.0]}})


def test_example_config_is_valid():
    cfg = parse_config(tomllib.loads((ROOT / "scenarios/configs/queue_policies.toml").read_text()))
    assert cfg.scenario == "resources" and set(cfg.varying) == {"policy", "arrival_rate"}
