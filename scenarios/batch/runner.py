"""Run a checked batch config on an executor, storing each run as it finishes; skip finished runs.

Only this process writes results; workers return them. Runs are handed out a
window at a time (a few per worker), so a sweep of a million runs holds a few
futures in memory, and the results appear in the file as they finish.
"""

from __future__ import annotations

import time
import traceback
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, wait
from dataclasses import dataclass, field
from pathlib import Path

from mas.errors import InputError
from scenarios.batch import registry
from scenarios.batch.config import BatchConfig, Run
from scenarios.batch.store import DirectoryLock, ResultStore, decode, encode
from scenarios.progress import Progress


def execute(scenario: str, params: dict, seed: int, plugins: tuple[str, ...] = ()) -> dict:
    """One run, in a worker: the metrics (or the error) and the seconds it took.

    A scenario's exception is a result (status "error"), not a crash of the batch.
    """
    start = time.perf_counter()
    try:
        metrics = registry.get(scenario, plugins).run(params, seed)
        status, error = "ok", None
    except Exception as exc:  # noqa: BLE001  (recorded in the row, the batch goes on)
        metrics, status = {}, "error"
        error = f"{type(exc).__name__}: {exc}".splitlines()[0] + " | " + _where(exc)
    return {"status": status, "metrics": metrics, "error": error, "seconds": time.perf_counter() - start}


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


#: runs kept in flight per executor slot: enough to hide the round trip to a worker
WINDOW_PER_SLOT = 16  # measured: 4 -> 16 cut the Dask path's per-run overhead by ~20%


class ExecutorFailure(RuntimeError):
    """The executor lost a run (a worker died, a task could not be sent); finished runs are saved."""


@dataclass
class BatchResult:
    """What a call of :func:`run_batch` did."""

    total: int
    skipped: int  # finished before this call
    ran: int
    failed: int  # runs whose scenario raised (in this call or before)
    seconds: float
    csv_path: Path | None = None  # DIR/results.csv, once every planned run is finished
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.skipped + self.ran == self.total

    def to_dict(self) -> dict:
        return {"total": self.total, "skipped": self.skipped, "ran": self.ran, "failed": self.failed,
                "seconds": self.seconds, "csv_path": str(self.csv_path) if self.csv_path else None,
                "complete": self.complete}


def plan_of(config: BatchConfig) -> dict:
    return {"scenario": config.scenario, "plugins": list(config.plugins), "varying": config.varying,
            "params": list(config.points[0]), "seeds": config.seeds, "runs": len(config.points) * len(config.seeds),
            "source": config.source, "description": config.description, "points": config.points}


def run_batch(
    config: BatchConfig,
    out: str | Path,
    executor: Executor,
    *,
    slots: int = 1,
    progress: Progress | bool | None = None,
    limit: int | None = None,
    wait: bool = False,
) -> BatchResult:
    """Run every unfinished run of ``config`` on ``executor``; results in ``out``.

    Parameters
    ----------
    config : from :func:`scenarios.batch.config.load_config`.
    out : the batch directory (created); a rerun with the same ``out`` skips finished runs.
    executor : any ``concurrent.futures.Executor`` (see :mod:`scenarios.batch.executors`).
    slots : how many runs the executor does at once; WINDOW_PER_SLOT per slot are kept in flight.
    progress : a Progress bar, True/False to force one on or off, None = on when stderr is a terminal.
    limit : stop after this many new runs (the rest stays for a rerun).
    wait : when another process holds ``out`` (see :class:`~scenarios.batch.store.DirectoryLock`),
        wait for it instead of raising.

    Returns
    -------
    BatchResult; ``results.csv`` is written when every planned run is finished.

    Raises
    ------
    InputError naming ``--out`` when ``out`` holds results of another scenario, or is in use by
    another batch (and ``wait`` is false).
    """
    def waiting(holder: str) -> None:
        import sys

        sys.stderr.write(f"mas batch: {out} is in use ({holder}); waiting for it\n")
        sys.stderr.flush()

    with DirectoryLock(out, wait=wait, on_wait=waiting):
        return _run_locked(config, out, executor, slots=slots, progress=progress, limit=limit)


def _run_locked(config: BatchConfig, out, executor: Executor, *, slots: int, progress, limit) -> BatchResult:
    store = ResultStore(out)
    old = store.read_plan()
    if old is not None and old.get("scenario") != config.scenario:
        raise InputError("--out", str(out), f"holds results of scenario {old.get('scenario')!r}, "
                                            f"not {config.scenario!r}; use another directory")
    runs = config.runs()
    scenario = registry.get(config.scenario, config.plugins)
    start = time.perf_counter()
    with store:
        store.write_plan(plan_of(config))
        done = store.load()
        pending = [r for r in runs if r.key not in done]
        todo = pending if limit is None else pending[:limit]
        bar = progress if isinstance(progress, Progress) else Progress(len(todo), f"{config.scenario}",
                                                                      enabled=progress)
        ran, errors = 0, []
        queue = iter(todo)
        in_flight: dict = {}

        def fill() -> None:
            while len(in_flight) < max(WINDOW_PER_SLOT * slots, 4):
                run = next(queue, None)
                if run is None:
                    return
                fut = executor.submit(execute, config.scenario, run.params, run.seed, config.plugins)
                in_flight[fut] = run

        with bar:
            fill()
            try:
                while in_flight:
                    finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                    # execute() catches the scenario's own errors: an exception here is the
                    # executor's (a worker died); store what did finish, then stop
                    lost = [f for f in finished if _failed(f)]
                    for fut in (f for f in finished if not _failed(f)):
                        run = in_flight.pop(fut)
                        row = _row(config.scenario, run, fut.result())
                        store.append(row, sync=False)
                        done[run.key] = decode(encode(row))  # as a rerun would read it back
                        ran += 1
                        if row["status"] != "ok":
                            errors.append(f"run {run.key} {run.params} seed {run.seed}: {row['error']}")
                        bar.advance()
                    store.sync()  # one fsync for all runs that finished together (group commit)
                    if lost:
                        run = in_flight[lost[0]]
                        exc = CancelledError() if lost[0].cancelled() else lost[0].exception()
                        raise ExecutorFailure(f"run {run.key} {run.params} seed {run.seed}: "
                                              f"{type(exc).__name__}: {exc}") from exc
                    fill()
            finally:
                for fut in in_flight:  # an executor failure or Ctrl-C: do not leave work queued
                    fut.cancel()
    failed = sum(1 for r in runs if r.key in done and done[r.key].get("status") != "ok")
    result = BatchResult(len(runs), len(runs) - len(pending), ran, failed, time.perf_counter() - start,
                         errors=errors)
    if all(r.key in done for r in runs):
        # point and replicate as numbered in this config (a row may come from an earlier, longer one)
        rows = [done[r.key] | {"point": r.point, "replicate": r.replicate} for r in runs]
        result.csv_path = store.write_table(rows, scenario.curves)
    return result


def _failed(fut) -> bool:
    return fut.cancelled() or fut.exception() is not None


def _row(scenario: str, run: Run, outcome: dict) -> dict:
    return {"key": run.key, "scenario": scenario, "point": run.point, "replicate": run.replicate,
            "seed": run.seed, "params": run.params, **outcome}
