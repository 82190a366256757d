"""Batch runner: speed-up of 2 local workers over 1 on a 100-run sweep, and the per-run overhead
of each executor (in-process, local process pool, Dask LocalCluster).

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_batch.py [--runs 100] [--repeat 2]

Part 1 runs the same 100-run cost-sweep (exhaustive k-sweeps, about 0.1 s each)
with ``--workers 1`` and ``--workers 2`` (both a ProcessPoolExecutor, pool
start-up included) and prints the wall times and their ratio (target >= 1.7 on
2 cores), next to a control: the same pools on pure CPU burn, i.e. the
speed-up the machine allows at that moment (other processes share the cores). Part 2 runs
near-empty runs (2 agents, 1 subtask, about 1 ms of work)
and prints, per executor, (wall time - work measured inside the runs) / runs:
what scheduling, pickling, the fsynced result line and the progress
bookkeeping cost per run. Cluster start-up is printed separately.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per worker: no hidden BLAS threads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from scenarios.batch import open_executor, parse_config, run_batch  # noqa: E402
from scenarios.batch.executors import client_executor  # noqa: E402
from scenarios.batch.store import ResultStore  # noqa: E402


def sweep_config(runs: int) -> dict:
    kinds = ["complete", "random", "small-world", "scale-free"]
    return {"scenario": "cost-sweep", "seeds": {"count": runs // len(kinds), "base": 7},
            "params": {"agents": 20, "subtasks": 20, "strategy": "exhaustive"},
            "grid": {"topology": kinds}}


def timed(cfg, executor, slots) -> tuple[float, float, int]:
    """Wall seconds, summed in-run seconds, and runs, in a fresh directory."""
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        result = run_batch(cfg, out, executor, slots=slots, progress=False)
        wall = time.perf_counter() - t
        work = sum(r["seconds"] for r in ResultStore(out).load().values())
    assert result.complete and result.failed == 0
    return wall, work, result.ran


def _burn(seconds: float) -> int:
    """Busy-loop for ``seconds`` of this process's CPU time (the control workload)."""
    start, n = time.process_time(), 0
    while time.process_time() - start < seconds:
        n += 1
    return n


def _machine_busy() -> float:
    """CPU seconds all processes of the machine have used (Linux /proc/stat; 0 elsewhere)."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle and iowait


def part1(runs: int, repeat: int) -> None:
    cfg = parse_config(sweep_config(runs))
    print(f"Part 1: {len(cfg.runs())}-run cost-sweep (20 agents, 20 subtasks, exhaustive), "
          f"{os.cpu_count()} CPUs, best of {repeat}")
    walls: dict[int, list[float]] = {1: [], 2: []}
    machine: dict[int, list[float]] = {1: [], 2: []}  # busy cores of the whole machine, ours included
    for _ in range(repeat):
        for workers in (1, 2):  # interleaved, so a burst of load elsewhere hits both alike
            busy = _machine_busy()
            t = time.perf_counter()
            with open_executor(workers=workers) as (ex, slots):  # pool start-up is part of the cost
                timed(cfg, ex, slots)
            walls[workers].append(time.perf_counter() - t)
            machine[workers].append((_machine_busy() - busy) / walls[workers][-1])
    for workers in (1, 2):
        print(f"  workers={workers}: best {min(walls[workers]):6.2f} s wall of "
              f"{', '.join(f'{w:.2f}' for w in walls[workers])}; machine busy "
              f"{', '.join(f'{c:.2f}' for c in machine[workers])} of {os.cpu_count()}")
    print(f"  speed-up 2 vs 1 workers: {min(walls[1]) / min(walls[2]):.2f}x (target >= 1.7x)")
    control = {}
    for workers in (1, 2, 1, 2):  # the same pool on 40 x 0.1 s of pure-Python CPU burn
        t = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_burn, [0.1] * 40))
        control[workers] = min(control.get(workers, math.inf), time.perf_counter() - t)
    print(f"  control, what this machine allows now: pure CPU burn with the same pools "
          f"{control[1] / control[2]:.2f}x")


def part2(runs: int) -> None:
    cfg = parse_config({"scenario": "cost-sweep", "seeds": {"count": runs, "base": 1},
                        "params": {"agents": 2, "subtasks": 1}, "grid": {"topology": ["complete"]}})
    print(f"Part 2: per-run overhead on {runs} near-empty runs (one worker, one thread)")
    rows = []
    with open_executor(workers=0) as (ex, slots):
        rows.append(("in-process (--workers 0)", 0.0, *timed(cfg, ex, slots)))
    t = time.perf_counter()
    with open_executor(workers=1) as (ex, slots):
        start = time.perf_counter() - t
        rows.append(("process pool (--workers 1)", start, *timed(cfg, ex, slots)))
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("  dask.distributed not installed: Dask rows skipped (pip install 'mas-negotiation[dask]')")
    else:
        for label, processes in (("Dask LocalCluster, worker process (--scheduler)", True),
                                 ("Dask LocalCluster, in-process worker", False)):
            t = time.perf_counter()
            with LocalCluster(n_workers=1, threads_per_worker=1, processes=processes,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                ex, slots = client_executor(client)
                start = time.perf_counter() - t
                timed(cfg, ex, slots)  # warm-up: the worker imports the scenario modules once
                rows.append((label, start, *timed(cfg, ex, slots)))
    base = None
    for label, start, wall, work, n in rows:
        per_run = (wall - work) / n * 1e3
        base = per_run if base is None else base
        print(f"  {label:48s} start {start:5.2f} s  wall {wall:6.3f} s  overhead {per_run:6.2f} ms/run")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--overhead-runs", type=int, default=300)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes compete for the cores when > 0.5)")
    part1(args.runs, args.repeat)
    part2(args.overhead_runs)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
