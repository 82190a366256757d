"""scenarios.batch.runner: the same results on every executor; resume; failures recorded, not fatal."""

import json
from concurrent.futures import Executor, Future

import pytest

from mas.errors import InputError
from mas.instance import generate_instance
from scenarios.batch import open_executor, parse_config, registry, run_batch
from scenarios.batch.executors import client_executor
from scenarios.batch.registry import Param
from scenarios.batch.runner import ExecutorFailure
from scenarios.batch.store import ResultStore

CONFIG = {"scenario": "cost-sweep", "seeds": {"count": 3, "base": 11},
          "params": {"subtasks": 4, "infeasible_prob": 0.3},
          "grid": {"topology": ["random", "scale-free"], "agents": [5, 6]}}


def _results(directory):
    """Rows without the timing, keyed by run."""
    rows = ResultStore(directory).load()
    return {k: {f: v for f, v in r.items() if f != "seconds"} for k, r in rows.items()}


def _csv_without_seconds(directory):
    lines = (directory / "results.csv").read_text().splitlines()
    header = lines[0].split(",")
    col = header.index("seconds")
    return [",".join(c for i, c in enumerate(line.split(",")) if i != col) for line in lines]


@pytest.fixture(scope="module")
def inline_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("inline")
    cfg = parse_config(CONFIG)
    with open_executor(workers=0) as (ex, slots):
        result = run_batch(cfg, out, ex, slots=slots, progress=False)
    assert result.ran == 12 and result.complete and result.failed == 0
    return out


def test_rows_hold_what_the_cost_model_gives(inline_dir):
    rows = ResultStore(inline_dir).load()
    assert len(rows) == 12
    for r in rows.values():
        p = r["params"]
        inst = generate_instance(p["topology"], p["agents"], p["subtasks"], seed=r["seed"],
                                 infeasible_prob=p["infeasible_prob"])
        sweep = inst.cost_model().sweep("exhaustive")
        assert r["metrics"]["G"] == [row.G for row in sweep.rows]
        assert r["metrics"]["best_k"] == sweep.best_k


def test_local_pool_gives_identical_results(inline_dir, tmp_path):
    cfg = parse_config(CONFIG)
    with open_executor(workers=2) as (ex, slots):
        run_batch(cfg, tmp_path, ex, slots=slots, progress=False)
    assert _results(tmp_path) == _results(inline_dir)
    assert _csv_without_seconds(tmp_path) == _csv_without_seconds(inline_dir)


def test_dask_local_cluster_gives_identical_results(inline_dir, tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed "
                                                                  "(pip install 'mas-negotiation[dask]')")
    cfg = parse_config(CONFIG)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        ex, slots = client_executor(client)
        assert slots == 2
        result = run_batch(cfg, tmp_path, ex, slots=slots, progress=False)
    assert result.ran == 12
    assert _results(tmp_path) == _results(inline_dir)
    assert _csv_without_seconds(tmp_path) == _csv_without_seconds(inline_dir)


def test_resume_runs_each_run_exactly_once(tmp_path):
    cfg = parse_config(CONFIG)
    with open_executor(workers=0) as (ex, _):
        first = run_batch(cfg, tmp_path, ex, progress=False, limit=5)
        assert (first.ran, first.skipped, first.complete, first.csv_path) == (5, 0, False, None)
        assert not (tmp_path / "results.csv").exists()
        second = run_batch(cfg, tmp_path, ex, progress=False)
        assert (second.ran, second.skipped, second.complete) == (7, 5, True)
        third = run_batch(cfg, tmp_path, ex, progress=False)
        assert (third.ran, third.skipped) == (0, 12)
    keys = [json.loads(line)["key"] for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert sorted(keys) == sorted(r.key for r in cfg.runs())


def test_more_seeds_later_adds_runs_and_keeps_old_ones(tmp_path):
    with open_executor(workers=0) as (ex, _):
        run_batch(parse_config(CONFIG), tmp_path, ex, progress=False)
        more = run_batch(parse_config(CONFIG | {"seeds": {"count": 4, "base": 11}}), tmp_path, ex, progress=False)
    assert (more.skipped, more.ran) == (12, 4)


@pytest.fixture
def flaky():
    @registry.register("test-runner-flaky", [Param("x", int, 0)])
    def _flaky(params, seed):
        if params["x"] == 1:
            raise ValueError("x = 1 is cursed")
        return {"y": params["x"] * 2}

    yield "test-runner-flaky"
    registry.SCENARIOS.pop("test-runner-flaky")


def test_scenario_errors_are_recorded_not_fatal(flaky, tmp_path):
    cfg = parse_config({"scenario": flaky, "seeds": [1, 2], "grid": {"x": [0, 1, 2]}})
    with open_executor(workers=0) as (ex, _):
        result = run_batch(cfg, tmp_path, ex, progress=False)
        assert (result.ran, result.failed, result.complete) == (6, 2, True)
        assert "x = 1 is cursed" in result.errors[0]
        again = run_batch(cfg, tmp_path, ex, progress=False)  # a failed run is finished too
        assert (again.ran, again.failed) == (0, 2)
    rows = ResultStore(tmp_path).load().values()
    assert sorted(r["metrics"].get("y", -1) for r in rows) == [-1, -1, 0, 0, 4, 4]
    assert {r["status"] for r in rows} == {"ok", "error"}


class _Dying(Executor):
    """Runs two tasks, then loses every further one (like a worker killed under it)."""

    def __init__(self):
        self.n = 0

    def submit(self, fn, /, *args, **kwargs):
        f = Future()
        self.n += 1
        if self.n <= 2:
            f.set_result(fn(*args, **kwargs))
        else:
            f.set_exception(RuntimeError("worker lost"))
        return f


def test_executor_failure_keeps_finished_runs(tmp_path):
    cfg = parse_config(CONFIG)
    with pytest.raises(ExecutorFailure, match="worker lost"):
        run_batch(cfg, tmp_path, _Dying(), progress=False)
    assert len(ResultStore(tmp_path).load()) == 2
    with open_executor(workers=0) as (ex, _):
        assert run_batch(cfg, tmp_path, ex, progress=False).ran == 10


def test_directory_of_another_scenario_is_refused(flaky, tmp_path):
    with open_executor(workers=0) as (ex, _):
        run_batch(parse_config({"scenario": flaky, "seeds": 1, "grid": {"x": [0]}}), tmp_path, ex, progress=False)
        with pytest.raises(InputError) as e:
            run_batch(parse_config(CONFIG), tmp_path, ex, progress=False)
    assert e.value.field == "--out"


def test_open_executor_rejects_bad_workers():
    with pytest.raises(InputError) as e, open_executor(workers=-1):
        pass
    assert e.value.field == "--workers"


def test_table_of_a_resumed_sweep_equals_a_fresh_one(inline_dir, tmp_path):
    cfg = parse_config(CONFIG)
    with open_executor(workers=0) as (ex, _):
        run_batch(cfg, tmp_path, ex, progress=False, limit=7)
        run_batch(cfg, tmp_path, ex, progress=False)
    assert _csv_without_seconds(tmp_path) == _csv_without_seconds(inline_dir)
