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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from mas.errors import InputError
from mas.files import atomic_open
from scenarios.output import to_jsonable

RESULTS = "results.jsonl"
TABLE = "results.csv"
PLAN = "batch.json"


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
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    break  # an unfinished write: the run was not finished
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    raise InputError(str(self.path), line[:60], "a damaged line in the middle of the results") from None
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
        self._handle = open(self.path, "a", encoding="utf-8")
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
        path = self.dir / PLAN
        if not path.exists():
            return None
        return json.loads(path.read_text())

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


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (e.g. Windows): the file fsync still holds
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
