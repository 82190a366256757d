"""The dynamic allocation model: agrees with Erlang C, policies behave as documented, data for a view."""

import numpy as np
import pytest

from mas.compat import agents_of
from mas.errors import InputError
from mas.resources.dynamic import AllocationModel, NodeAgent, model_params, simulate_mmc
from mas.resources.queueing import mmc


@pytest.mark.parametrize("lam, mu, c, horizon", [(2.0, 3.0, 2, 20_000), (2.4, 1.0, 3, 8_000)])
def test_mean_wait_agrees_with_erlang_c(lam, mu, c, horizon):
    sim = simulate_mmc(lam, mu, c, horizon=horizon, seed=0)
    q = mmc(lam, mu, c)
    assert sim.Wq.contains(q.Wq), (sim.Wq, q.Wq)
    assert sim.erlang_c.contains(q.erlang_c)
    assert sim.W.contains(q.W)
    # the interval is informative, not a licence: it excludes half and one and a half times the figure
    assert 0.5 * q.Wq < sim.Wq.low and sim.Wq.high < 1.5 * q.Wq
    assert sim.rho.mean == pytest.approx(q.rho, rel=0.05)


def test_simulation_detects_a_wrong_formula():
    # the seed's M/M/1 wait W = mu / (2 (1 - rho)) is far outside the measured interval
    lam, mu = 2.0, 3.0
    sim = simulate_mmc(lam, mu, 1, horizon=5_000, seed=1)
    rho = lam / mu
    assert not sim.W.contains(mu / (2 * (1 - rho)))
    assert sim.W.contains(1 / (mu - lam))


def test_same_seed_same_run():
    runs = []
    for _ in range(2):
        m = AllocationModel(nodes=3, arrival_rate=2.5, service_rate=1.0, rng=42)
        for _ in range(30):
            m.step()
        runs.append(m.datacollector.get_model_vars_dataframe())
    assert runs[0].equals(runs[1])
    other = AllocationModel(nodes=3, arrival_rate=2.5, service_rate=1.0, rng=43)
    for _ in range(30):
        other.step()
    assert not other.datacollector.get_model_vars_dataframe().equals(runs[0])


def _trace(*jobs):
    return [dict(zip(("name", "time", "resources", "service", "priority"), j)) for j in jobs]


BLOCKING = _trace(("big", 0.0, {"cpu": 3}, 10.0, 0), ("mid", 1.0, {"cpu": 2}, 5.0, 0),
                  ("small", 2.0, {"cpu": 1}, 1.0, 5))


def _starts(policy, trace=BLOCKING, **kw):
    m = AllocationModel(nodes=[{"name": "N1", "resources": {"cpu": 4}}], trace=trace, policy=policy, rng=0, **kw)
    m.run_until(30)
    return m, {name: start for name, start in _named_starts(m)}


def _named_starts(m):
    # waits are (arrival, wait, service); the trace names map to arrival times uniquely here
    by_arrival = {0.0: "big", 1.0: "mid", 2.0: "small"}
    return [(by_arrival[a], a + w) for a, w, _ in m.waits]


def test_fifo_blocks_behind_the_head_backfill_and_priority_do_not():
    _, fifo = _starts("fifo")
    _, back = _starts("backfill")
    _, prio = _starts("priority")
    assert fifo == {"big": 0.0, "mid": 10.0, "small": 10.0}
    assert back == {"big": 0.0, "mid": 10.0, "small": 2.0}
    assert prio == {"big": 0.0, "mid": 10.0, "small": 2.0}  # small has priority 5


def test_least_loaded_spreads_first_fit_packs():
    trace = _trace(("a", 0.0, {"cpu": 1}, 5.0, 0), ("b", 0.5, {"cpu": 1}, 5.0, 0))
    nodes = [{"name": "N1", "resources": {"cpu": 2}}, {"name": "N2", "resources": {"cpu": 2}}]
    for policy, expected in (("fifo", [2, 0]), ("least-loaded", [1, 1])):
        m = AllocationModel(nodes=nodes, trace=trace, policy=policy, rng=0)
        m.run_until(1.0)
        assert [len(n.running) for n in m.nodes] == expected


def test_timeouts_rejections_and_utilization():
    trace = _trace(("hog", 0.0, {"cpu": 1}, 5.0, 0), ("patient", 1.0, {"cpu": 1}, 1.0, 0),
                   ("huge", 2.0, {"cpu": 9}, 1.0, 0))
    m = AllocationModel(nodes=[{"name": "N1", "resources": {"cpu": 1}}], trace=trace, timeout=2.0, dt=1.0, rng=0)
    m.run_until(10)
    assert (m.completed, m.timed_out, m.rejected, m.arrived) == (1, 1, 1, 3)
    s = m.summary(batches=2)
    assert s.utilization["cpu"].mean == pytest.approx(0.5)  # busy 0..5 of 0..10
    assert s.rho.mean == pytest.approx(0.5)
    assert s.throughput.mean == pytest.approx(0.1)


def test_multi_resource_poisson_jobs_respect_capacity():
    m = AllocationModel(nodes=[{"name": "A", "resources": {"cpu": 8, "gpu": 2}},
                               {"name": "B", "resources": {"cpu": 4, "gpu": 1}}],
                        demand={"cpu": [1, 4], "gpu": [0, 1]}, priorities=3, policy="backfill",
                        arrival_rate=3.0, service_rate=1.0, rng=5)
    for _ in range(40):
        m.step()
        assert (m.free >= -1e-9).all() and (m.free <= m.capacity + 1e-9).all()
        for node in m.nodes:
            used = sum((j.demand for j in node.running), np.zeros(2))
            assert np.allclose(node.capacity - node.free, used)
    assert m.completed > 50


def test_is_a_mesa_model_with_data_for_a_view():
    m = AllocationModel(nodes=4, capacity={"cpu": 2, "memory": 4}, demand={"cpu": 1, "memory": [1, 3]}, rng=3)
    for _ in range(20):
        m.step()
    nodes = agents_of(m.agents)
    assert len(nodes) == 4 and all(isinstance(a, NodeAgent) for a in nodes)
    assert m.tick == 20 and m.clock == pytest.approx(20.0)
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 21  # the initial state and one row per step
    for series in m.plot_series().values():
        for column in series:
            assert column in df.columns
    assert df["utilization_cpu"].between(0, 1).all()
    agents_df = m.datacollector.get_agent_vars_dataframe()
    assert {"load", "running"} <= set(agents_df.columns)
    assert agents_df["load"].between(0, 1).all()
    assert set(model_params) <= {"nodes", "arrival_rate", "service_rate", "policy", "dt"}
    AllocationModel(**{k: v["value"] for k, v in model_params.items()}, rng=0).step()


@pytest.mark.parametrize("kwargs, field", [
    ({"policy": "lifo"}, "policy"), ({"arrival_rate": 0}, "arrival rate"), ({"nodes": 0}, "nodes"),
    ({"demand": {"cpu": [3, 1]}}, "demand of cpu"), ({"timeout": -1}, "timeout"),
    ({"trace": [{"time": -1, "service": 1}]}, "time of trace[0]"),
])
def test_bad_parameters_named(kwargs, field):
    with pytest.raises(InputError) as err:
        AllocationModel(**kwargs)
    assert err.value.field == field
