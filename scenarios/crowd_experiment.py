"""The seed's three crowdsourcing experiments: completed tasks, average cost, OSSA vs indexed OSSA time.

500 workers, 800..1500 tasks by 100 on a 300 x 300 plane (ranges and bids as
CROWDSOURCING.md says, time windows as :class:`StreamSettings` chooses), every
algorithm on the same streams, averaged over seeds.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from matplotlib.figure import Figure

from mas.crowdsourcing import ALGORITHMS, StreamSettings, generate_stream, make_algorithm, run_online
from mas.errors import InputError
from mas.files import atomic_open, save_figure

TASK_COUNTS = tuple(range(800, 1501, 100))


@dataclass
class Run:
    """One algorithm on one stream."""

    algorithm: str
    tasks: int
    workers: int
    seed: int
    completed: int
    workers_used: int
    total_paid: float
    average_cost: float
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def run_experiment(task_counts: Sequence[int] = TASK_COUNTS, workers: int = 500, seeds: int = 3, *,
                   algorithms: Sequence[str] | None = None, settings: StreamSettings | None = None,
                   progress=None) -> list[Run]:
    """Every algorithm (default: every registered one) on every (task count, seed) stream;
    ``progress.advance()`` after each run.

    The stream of seed ``s`` with ``n`` tasks is ``generate_stream(n, workers, seed=s)``: the same for
    every algorithm, so differences are the algorithms' alone.
    """
    if seeds < 1:
        raise InputError("seeds", seeds, "must be >= 1")
    algorithms = ALGORITHMS.names() if algorithms is None else list(algorithms)
    for name in algorithms:
        make_algorithm(name)  # fail on a bad name before the long run
    runs: list[Run] = []
    for n in task_counts:
        for seed in range(seeds):
            stream = generate_stream(n, workers, seed=seed, settings=settings)
            for name in algorithms:
                r = run_online(name, stream, check=False)
                runs.append(Run(name, n, workers, seed, r.completed, r.workers_used, r.total_paid,
                                r.average_cost, r.seconds))
                if progress is not None:
                    progress.advance()
    return runs


def averages(runs: Sequence[Run]) -> list[dict]:
    """Mean of completed, workers used, average cost and seconds per (algorithm, tasks)."""
    groups: dict[tuple[str, int], list[Run]] = {}
    for r in runs:
        groups.setdefault((r.algorithm, r.tasks), []).append(r)
    out = []
    for (alg, n), rs in groups.items():
        k = len(rs)
        out.append({"algorithm": alg, "tasks": n, "runs": k,
                    "completed": sum(r.completed for r in rs) / k,
                    "workers_used": sum(r.workers_used for r in rs) / k,
                    "average_cost": sum(r.average_cost for r in rs) / k,
                    "seconds": sum(r.seconds for r in rs) / k})
    return out


def write_outputs(out_dir: str | os.PathLike, runs: Sequence[Run]) -> dict[str, str]:
    """runs.csv and the three plots in ``out_dir`` (created if missing); returns the paths by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": str(out / "runs.csv"), "completed": str(out / "completed.png"),
             "average_cost": str(out / "average_cost.png"), "running_time": str(out / "running_time.png")}
    with atomic_open(paths["csv"], newline="") as fh:
        fields = list(Run.__dataclass_fields__)
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for r in runs:
            writer.writerow(r.to_dict())
    means = averages(runs)
    seeds = max((m["runs"] for m in means), default=0)
    workers = runs[0].workers if runs else 0
    _plot(paths["completed"], means, "completed", ["ossa", "greedy", "tgoa"],
          "completed tasks", f"1. Completed tasks ({workers} workers, mean of {seeds} seeds)")
    _plot(paths["average_cost"], means, "average_cost", ["ossa", "greedy", "tgoa"],
          "average cost per completed task", "2. Average cost per completed task")
    _plot(paths["running_time"], means, "seconds", ["ossa", "ossa-indexed"],
          "running time of one run (s)", "3. Running time: OSSA vs indexed OSSA")
    return paths


def _plot(path, means, field, algorithms, ylabel, title) -> None:
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for alg in algorithms:
        pts = sorted((m["tasks"], m[field]) for m in means if m["algorithm"] == alg)
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=alg)
    ax.set(xlabel="tasks", ylabel=ylabel, title=title)
    ax.grid(alpha=0.3)
    ax.legend()
    save_figure(fig, path, dpi=120)
