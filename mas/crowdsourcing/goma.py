"""The TGOA authors' arrival files ("goma"): point tasks, disc workers with capacities, in arrival order.

A header ``workers tasks max_utility arrivals``, then one arrival a line in
arrival order::

    begin t x y duration pay
    begin w x y radius capacity duration rate

A task and a worker can meet when ``w.begin < t.begin + t.duration`` and
``t.begin < w.begin + w.duration`` (windows open at their end), the task lies
in the worker's disc (distance <= radius) and the worker has capacity left;
the pair's utility is pay x rate (the ``pay-rate`` utility). The file's order
is the arrival order (the random-order model): times only define the windows.

Our model's windows are closed (``time <= now <= deadline``), so the deadline
of an arrival is the largest float *below* ``begin + duration``: for floats,
``now <= deadline`` is then exactly ``now < begin + duration``. Tasks are
named ``t0, t1, ...`` and workers ``w0, w1, ...`` in file order; workers have
bid 0. ``max_utility`` is read and checked to be a number, and not used.
"""

from __future__ import annotations

import math
import os

from mas.crowdsourcing.events import Arrival, Task, Worker, check_stream
from mas.errors import InputError


def _number(tok: str, where: str, name: str, *, integer: bool = False) -> float:
    try:
        v = int(tok) if integer else float(tok)
    except ValueError:
        raise InputError(f"{where}: {name}", tok, "must be an integer" if integer else "must be a number") from None
    if not math.isfinite(v):
        raise InputError(f"{where}: {name}", tok, "must be a finite number")
    return v


def _end(begin: float, duration: float) -> float:
    return math.nextafter(begin + duration, -math.inf)


def parse_goma(lines, where: str = "goma") -> list[Arrival]:
    """Arrivals from the lines of a goma file (see the module docstring); errors name the line.

    Examples
    --------
    >>> s = parse_goma(["1 1 6 2", "0 w 0 0 5 1 10 2", "3 t 3 4 5 3"])
    >>> [(a.id, a.shape) for a in s], s[0].covers(s[1].rect), s[1].price * s[0].rate
    ([('w0', 'disc'), ('t0', 'point')], True, 6.0)
    """
    rows = [(no, line.split()) for no, line in enumerate(lines, start=1) if line.strip()]
    if not rows:
        raise InputError(where, "", "empty: expected the header 'workers tasks max_utility arrivals'")
    n_w, n_t, n = _header(*rows[0], where)
    out: list[Arrival] = []
    line_of: list[int] = []
    count = {"t": 0, "w": 0}
    for no, tok in rows[1:]:
        at = f"{where} line {no}"
        if len(tok) < 2 or tok[1] not in ("t", "w"):
            raise InputError(at, " ".join(tok)[:60], "expected 'begin t x y duration pay' or "
                                                     "'begin w x y radius capacity duration rate'")
        make = _task if tok[1] == "t" else _worker
        out.append(make(tok, at, f"{tok[1]}{count[tok[1]]}"))
        count[tok[1]] += 1
        line_of.append(no)
    got_w = count["w"]
    if len(out) != n or got_w != n_w:
        raise InputError(f"{where} line {rows[0][0]}", " ".join(rows[0][1]),
                         f"the header says {n_w} workers and {n_t} tasks, the file has {got_w} and {len(out) - got_w}")
    check_stream(out, where=lambda i: f"{where} line {line_of[i]}", order="given")
    return out


def _header(no: int, head: list[str], where: str) -> tuple[int, int, int]:
    """Workers, tasks and arrivals of the header line ``no``, checked to add up."""
    if len(head) != 4:
        raise InputError(
            f"{where} line {no}", " ".join(head), "expected the header 'workers tasks max_utility arrivals'"
        )
    n_w = int(_number(head[0], f"{where} line {no}", "workers", integer=True))
    n_t = int(_number(head[1], f"{where} line {no}", "tasks", integer=True))
    _number(head[2], f"{where} line {no}", "max_utility")
    n = int(_number(head[3], f"{where} line {no}", "arrivals", integer=True))
    for name, v in (("workers", n_w), ("tasks", n_t), ("arrivals", n)):
        if v < 0:
            raise InputError(f"{where} line {no}: {name}", v, "must be >= 0")
    if n != n_w + n_t:
        raise InputError(f"{where} line {no}: arrivals", n, f"must be workers + tasks = {n_w + n_t}")
    return n_w, n_t, n


def _task(tok: list[str], at: str, name: str) -> Task:
    """The point task of the line 'begin t x y duration pay'."""
    if len(tok) != 6:
        raise InputError(at, " ".join(tok), f"a task line has 6 fields 'begin t x y duration pay', not {len(tok)}")
    begin, x, y, duration, pay = (_number(tok[i], at, k) for i, k in
                                  ((0, "begin"), (2, "x"), (3, "y"), (4, "duration"), (5, "pay")))
    if duration <= 0:
        raise InputError(f"{at}: duration", tok[4], "must be > 0")
    if pay < 0:
        raise InputError(f"{at}: pay", tok[5], "must be >= 0")
    return Task.point(name, begin, x, y, _end(begin, duration), pay)


def _worker(tok: list[str], at: str, name: str) -> Worker:
    """The disc worker (bid 0) of the line 'begin w x y radius capacity duration rate'."""
    if len(tok) != 8:
        raise InputError(at, " ".join(tok), "a worker line has 8 fields "
                                            f"'begin w x y radius capacity duration rate', not {len(tok)}")
    begin, x, y, radius = (_number(tok[i], at, k) for i, k in ((0, "begin"), (2, "x"), (3, "y"), (4, "radius")))
    capacity = int(_number(tok[5], at, "capacity", integer=True))
    duration, rate = _number(tok[6], at, "duration"), _number(tok[7], at, "rate")
    for field, v, ok, need in (("radius", radius, radius >= 0, ">= 0"), ("capacity", capacity, capacity >= 1, ">= 1"),
                               ("duration", duration, duration > 0, "> 0"), ("rate", rate, rate >= 0, ">= 0")):
        if not ok:
            raise InputError(f"{at}: {field}", v, f"must be {need}")
    return Worker.disc(name, begin, x, y, radius, _end(begin, duration), 0.0, capacity=capacity, rate=rate)


def load_goma(path: str | os.PathLike) -> list[Arrival]:
    """Read a goma file (see :func:`parse_goma`); errors name the file and the line.

    Raises
    ------
    InputError
        On a malformed header or line, or counts that disagree with the header.
    """
    with open(path, encoding="utf-8") as fh:
        return parse_goma(fh.read().splitlines(), os.fspath(path))
