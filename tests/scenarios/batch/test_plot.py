"""scenarios.batch.plot: mean and t-interval over seeds, best x marked, panels per other varying parameter."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from mas.errors import InputError
from scenarios.batch import open_executor, parse_config, registry, run_batch
from scenarios.batch.plot import mean_interval, plot_batch
from scenarios.batch.registry import Param, PlotDefaults
from scenarios.batch.store import ResultStore


def test_mean_interval_golden():
    m, lo, hi = mean_interval([2.0, 4.0, 6.0, 8.0])
    half = stats.t.ppf(0.975, 3) * np.std([2, 4, 6, 8], ddof=1) / 2
    assert (m, lo, hi) == pytest.approx((5.0, 5.0 - half, 5.0 + half))
    assert mean_interval([3.0]) == (3.0, 3.0, 3.0)
    assert all(math.isnan(v) for v in mean_interval([]))


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_interval_contains_the_mean(values):
    m, lo, hi = mean_interval(values)
    assert lo <= m + 1e-6 * (1 + abs(m)) and m <= hi + 1e-6 * (1 + abs(m))


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("plot")
    cfg = parse_config({"scenario": "cost-sweep", "seeds": 4, "params": {"subtasks": 4},
                        "grid": {"topology": ["random", "small-world"], "agents": [5, 6]}})
    with open_executor(workers=0) as (ex, _):
        run_batch(cfg, out, ex, progress=False)
    return out


def test_default_cost_sweep_plot_marks_best_k_per_topology_and_panel(sweep_dir):
    result = plot_batch(sweep_dir)
    assert [f.name for f in result.files] == ["G_by_k.png", "D_by_k.png"]
    assert all(f.stat().st_size > 5000 for f in result.files)
    assert result.panels == ["agents=5", "agents=6"]
    rows = list(ResultStore(sweep_dir).load().values())
    best = [s for s in result.summaries if s.metric == "G"]
    assert len(best) == 4 and all(s.seeds == 4 for s in best)
    for s in best:  # recompute the best k from the stored curves
        agents = int(s.panel.split("=")[1])
        curves = np.array([r["metrics"]["G"] for r in rows
                           if r["params"]["topology"] == s.hue and r["params"]["agents"] == agents])
        mean = curves.mean(axis=0)
        assert s.best_x == int(np.argmin(mean)) + 1
        assert s.best_mean == pytest.approx(mean.min())
        per_run = np.argmin(curves, axis=1) + 1
        assert per_run.tolist().count(s.per_seed_mode) / 4 == s.per_seed_share
    assert not any(s.best_x is not None for s in result.summaries if s.metric == "D")  # D is not minimized


def test_scalar_metric_against_parameter(sweep_dir):
    result = plot_batch(sweep_dir, x="agents", y="best_k", hue="topology")
    assert result.files[0].name == "best_k_by_agents.png"
    assert {s.hue for s in result.summaries} == {"random", "small-world"}


@pytest.mark.parametrize("kwargs, field", [
    ({"y": "nope"}, "--y"), ({"hue": "nope"}, "--hue"), ({"x": "nope"}, "--x"), ({"x": "agents", "y": "G"}, "--x")])
def test_bad_names_are_errors_naming_the_option(sweep_dir, kwargs, field):
    with pytest.raises(InputError) as e:
        plot_batch(sweep_dir, **kwargs)
    assert e.value.field == field


def test_non_finite_values_are_left_out_and_counted(tmp_path):
    @registry.register("test-plot-inf", [Param("a", int, 0)], plot=PlotDefaults(x="a", minimize=("y",)))
    def _inf(params, seed):
        return {"y": math.inf if (params["a"] == 1 and seed == 1) else float(params["a"] + seed)}

    try:
        cfg = parse_config({"scenario": "test-plot-inf", "seeds": [1, 2, 3], "grid": {"a": [0, 1]}})
        with open_executor(workers=0) as (ex, _):
            run_batch(cfg, tmp_path, ex, progress=False)
        (s,) = plot_batch(tmp_path).summaries
        assert s.excluded == 1 and s.best_x == 0 and s.best_mean == pytest.approx(2.0)
    finally:
        registry.SCENARIOS.pop("test-plot-inf")


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(InputError) as e:
        plot_batch(tmp_path)
    assert e.value.field == "DIR"


def test_only_runs_of_the_current_plan_are_plotted(tmp_path):
    small = {"scenario": "cost-sweep", "seeds": 2, "params": {"subtasks": 2}, "grid": {"agents": [3]}}
    with open_executor(workers=0) as (ex, _):
        run_batch(parse_config(small | {"grid": {"agents": [3, 4]}}), tmp_path, ex, progress=False)
        run_batch(parse_config(small), tmp_path, ex, progress=False)  # the config shrank
    assert len(ResultStore(tmp_path).load()) == 4
    (s,) = [s for s in plot_batch(tmp_path).summaries if s.metric == "G"]
    assert s.panel == "all" and s.seeds == 2


def test_categorical_x_and_a_number_with_nothing_varying(sweep_dir, tmp_path):
    result = plot_batch(sweep_dir, x="topology", y="best_k", hue="agents")
    assert result.files[0].name == "best_k_by_topology.png" and result.x == "topology"
    assert [(s.panel, s.hue, s.seeds) for s in result.summaries] == [("all", "5", 4), ("all", "6", 4)]
    small = {"scenario": "cost-sweep", "seeds": 2, "params": {"subtasks": 2}, "grid": {"agents": [3]}}
    with open_executor(workers=0) as (ex, _):
        run_batch(parse_config(small), tmp_path, ex, progress=False)
    with pytest.raises(InputError, match="nothing varies to plot best_k") as e:
        plot_batch(tmp_path, y="best_k")
    assert e.value.field == "--x"
