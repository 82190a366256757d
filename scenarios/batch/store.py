"""Where a batch keeps its results: one JSON line per finished run, durable on disk before the next.

``DIR/results.jsonl`` is appended, flushed and fsynced as runs finish (one fsync
for the runs that finish together), so a process
killed at any moment (even ``kill -9``) loses at most the run being written; a
line cut short by the kill is dropped when the store is reopened and that run
is done again. ``DIR/batch.json`` records the plan; ``DIR/results.csv`` is
written (atomically) when every planned run has finished.
"""

from __future__ import annotations

import csv
import json
import math
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from mas.errors import InputError
from mas.files import atomic_open, parse_json, read_json
from scenarios.output import to_jsonable

RESULTS = "results.jsonl"
TABLE = "results.csv"
PLAN = "batch.json"
LOCK = ".lock"


encode = to_jsonable  # one JSON encoding for printed and stored results


def decode(value: Any) -> Any:
    """The inverse of :func:`encode` for numbers: "inf"/"-inf" back to floats."""
    if value == "inf":
        return math.inf
    if value == "-inf":
        return -math.inf
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


class ResultStore:
    """The results of one batch directory.

    Examples
    --------
    >>> import tempfile
    >>> store = ResultStore(tempfile.mkdtemp())
    >>> with store:
    ...     store.append({"key": "a", "metrics": {"x": float("inf")}})
    >>> store.load()["a"]["metrics"]["x"]
    inf
    """

    def __init__(self, directory: str | os.PathLike) -> None:
        self.dir = Path(directory)
        self.path = self.dir / RESULTS
        self._handle: IO[str] | None = None

    # -- reading -----------------------------------------------------------
    def load(self) -> dict[str, dict]:
        """Finished rows by run key. A last line cut short by a kill is ignored (see :meth:`repair`)."""
        rows: dict[str, dict] = {}
        if not self.path.exists():
            return rows
        if not self.path.is_file():
            raise InputError(str(self.path), "", "is not a regular file")
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            for no, line in enumerate(handle, start=1):
                if not line.endswith("\n"):
                    break  # an unfinished write: the run was not finished
                where = f"{self.path} line {no}"
                try:
                    row = parse_json(line, where)
                except InputError as exc:
                    raise InputError(where, exc.value, f"a damaged line in the middle of the results "
                                                       f"({exc.problem})") from None
                _check_row(row, where)
                rows.setdefault(row["key"], decode(row))
        return rows

    def repair(self) -> int:
        """Cut a partial last line (a write interrupted by a kill); returns the bytes removed."""
        if not self.path.exists():
            return 0
        with open(self.path, "rb+") as handle:
            data = handle.read()
            end = data.rfind(b"\n") + 1
            if end == len(data):
                return 0
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())
            return len(data) - end

    # -- writing -----------------------------------------------------------
    def open(self) -> ResultStore:
        self.dir.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        self.repair()
        self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 -- held across appends, closed by close()
        if created:
            _fsync_dir(self.dir)  # the new file's directory entry must survive a crash too
        return self

    def append(self, row: Mapping[str, Any], *, sync: bool = True) -> None:
        """Write one finished run; durable on return unless ``sync=False`` (then call :meth:`sync`).

        The run counts as finished only once its line is durable: rows appended
        without sync and lost in a crash are simply run again.
        """
        if self._handle is None:
            raise RuntimeError("ResultStore.append outside 'with store:'")
        self._handle.write(json.dumps(encode(row), allow_nan=False) + "\n")
        if sync:
            self.sync()

    def sync(self) -> None:
        """Flush and fsync what was appended."""
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> ResultStore:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the plan and the table ---------------------------------------------
    def read_plan(self) -> dict | None:
        """The plan in DIR/batch.json (None if there is none); InputError naming the file if it is damaged."""
        path = self.dir / PLAN
        if not path.exists():
            return None
        plan = read_json(path, "batch plan")
        where = str(path)
        if not isinstance(plan, dict):
            raise InputError(where, plan, "must be a JSON object (the plan `mas batch` writes)")
        if not isinstance(plan.get("scenario"), str):
            raise InputError(f"{where}: scenario", plan.get("scenario"), "must be a scenario name")
        for key, kind in (("points", dict), ("params", str), ("varying", str), ("plugins", str)):
            value = plan.get(key)
            if value is not None and (not isinstance(value, list) or not all(isinstance(v, kind) for v in value)):
                raise InputError(f"{where}: {key}", value, f"must be a list of {kind.__name__}s")
        seeds = plan.get("seeds")
        if seeds is not None and (not isinstance(seeds, list)
                                  or not all(isinstance(v, int) and not isinstance(v, bool) for v in seeds)):
            raise InputError(f"{where}: seeds", seeds, "must be a list of integers")
        return plan

    def write_plan(self, plan: Mapping[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with atomic_open(self.dir / PLAN, "w", encoding="utf-8") as handle:
            json.dump(encode(plan), handle, indent=1)
            handle.write("\n")

    def write_table(self, rows: Iterable[Mapping[str, Any]], curves: Mapping[str, str] | None = None) -> Path:
        """DIR/results.csv, one line per run in the order given, written atomically."""
        flat = [flatten(r, curves or {}) for r in rows]
        columns: list[str] = []
        for r in flat:
            columns += [c for c in r if c not in columns]
        path = self.dir / TABLE
        with atomic_open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(flat)
        return path


class DirectoryLock:
    """An exclusive lock on a batch directory, so two ``mas batch`` never run the same runs twice.

    ``DIR/.lock`` is locked with ``flock`` (the kernel releases it when the
    holder exits, even by ``kill -9``, so a stale lock cannot block anyone) and
    names its holder. A second process either fails at once with an
    InputError naming the holder, or with ``wait=True`` blocks until the
    holder is done (``on_wait(holder)`` is told once).

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> with DirectoryLock(d):
    ...     DirectoryLock(d).acquire()
    Traceback (most recent call last):
    ...
    mas.errors.InputError: --out = '...': is in use by another mas batch (pid ...); wait for it to finish or pass --wait
    """

    def __init__(self, directory: str | os.PathLike, *, wait: bool = False, on_wait=None) -> None:
        self.dir = Path(directory)
        self.wait = wait
        self.on_wait = on_wait
        self._fd: int | None = None

    def holder(self) -> str:
        try:
            return (self.dir / LOCK).read_text(encoding="utf-8", errors="replace").strip() or "unknown"
        except OSError:
            return "unknown"

    def acquire(self) -> DirectoryLock:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock (documented)
            return self
        if self.dir.exists() and not self.dir.is_dir():
            raise InputError("--out", str(self.dir), "exists and is not a folder")
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self.holder()
                if not self.wait:
                    raise InputError("--out", str(self.dir), f"is in use by another mas batch ({holder}); "
                                                             f"wait for it to finish or pass --wait") from None
                if self.on_wait is not None:
                    self.on_wait(holder)
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {os.uname().nodename}, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
                 .encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None

    def __enter__(self) -> DirectoryLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def flatten(row: Mapping[str, Any], curves: Mapping[str, str]) -> dict:
    """One CSV line: run fields, then parameters, then metrics; a curve metric becomes one
    column per x value (``G[3]`` is G at k = 3 when G is a curve over k)."""
    out = {k: row.get(k) for k in ("key", "point", "replicate", "seed", "status", "seconds")}
    out.update(row.get("params", {}))
    metrics = row.get("metrics") or {}
    axes = set(curves.values())
    for name, value in metrics.items():
        if isinstance(value, list):
            if name in axes:
                continue  # the x values are in the column names of the curves
            axis = metrics.get(curves.get(name, ""), None)
            xs = axis if isinstance(axis, list) and len(axis) == len(value) else range(len(value))
            for x, v in zip(xs, value):
                out[f"{name}[{x}]"] = _cell(v)
        else:
            out[name] = _cell(value)
    if row.get("error"):
        out["error"] = row["error"]
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if isinstance(v, (dict, list)):
        return json.dumps(encode(v))
    return v


def _check_row(row: Any, where: str) -> None:
    """A line of results.jsonl must be a run record: an object with a string key, a status and
    parameters and metrics that are objects."""
    if not isinstance(row, dict):
        raise InputError(where, row, "is valid JSON but not a run record (an object)")
    if not isinstance(row.get("key"), str):
        raise InputError(f"{where}: key", row.get("key"), "missing or not a string: not a run record")
    for name in ("params", "metrics"):
        if name in row and not isinstance(row[name], dict) and row[name] is not None:
            raise InputError(f"{where}: {name}", row[name], "must be an object: not a run record")
    if "status" in row and not isinstance(row["status"], str):
        raise InputError(f"{where}: status", row["status"], "must be a string: not a run record")


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (e.g. Windows): the file fsync still holds
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
