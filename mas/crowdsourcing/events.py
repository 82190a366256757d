"""Arrivals of the online problem: tasks and workers, generated or read from JSON lines or the goma format.

Shapes: a task is a rectangle (``w, h > 0``) or a point (``w == h == 0``); a
worker's range is a rectangle or a disc (``radius`` set: centre (x, y), the
Euclidean distance). ``rect`` is the rectangle itself, the point as a
degenerate rectangle, or the disc's bounding box.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from mas.crowdsourcing.geometry import Rect
from mas.errors import InputError

#: the two arrival orders: by time (times never decrease) or as given (the random-order model)
ORDERS = ("time", "given")


class _Ranged:
    """What tasks and workers share: the range as a rectangle, and the event-file record."""

    kind: str

    def __post_init__(self) -> None:
        r = getattr(self, "radius", None)
        box = ((self.x - r, self.y - r, self.x + r, self.y + r) if r is not None
               else (self.x, self.y, self.x + self.w, self.y + self.h))
        object.__setattr__(self, "rect", box)

    def to_dict(self) -> dict:
        d = {"kind": self.kind, **asdict(self)}
        d.pop("rect")
        # the model's defaults are left out, so a rectangle-only file reads as it always did
        for k, default in (("radius", None), ("capacity", 1), ("rate", 1.0)):
            if k in d and d[k] == default:
                d.pop(k)
        if self.kind == "worker" and self.radius is not None or self.kind == "task" and self.w == self.h == 0:
            d.pop("w")
            d.pop("h")
        return d


@dataclass(frozen=True)
class Task(_Ranged):
    """A range task: assignable while ``time <= now <= deadline``; a point when ``w == h == 0``."""

    id: object
    time: float
    x: float
    y: float
    w: float
    h: float
    deadline: float
    price: float = 0.0
    rect: Rect = field(init=False, repr=False, compare=False)

    kind = "task"

    @property
    def shape(self) -> str:
        """``point`` or ``rect``."""
        return "point" if self.w == 0 and self.h == 0 else "rect"

    @classmethod
    def point(cls, id, time: float, x: float, y: float, deadline: float, price: float = 0.0) -> Task:
        """A point task at (x, y).

        >>> Task.point("t", 0, 3.0, 4.0, 9).rect
        (3.0, 4.0, 3.0, 4.0)
        """
        return cls(id, time, x, y, 0.0, 0.0, deadline, price)


@dataclass(frozen=True)
class Worker(_Ranged):
    """A worker with an acceptable range and a bid; present while ``time <= now <= deadline``.

    ``radius`` set: the range is the disc of that radius around (x, y) (``w``
    and ``h`` are 0). ``capacity``: how many tasks it takes at most. ``rate``:
    its factor in the ``pay-rate`` utility.
    """

    id: object
    time: float
    x: float
    y: float
    w: float
    h: float
    deadline: float
    bid: float
    radius: float | None = None
    capacity: int = 1
    rate: float = 1.0
    rect: Rect = field(init=False, repr=False, compare=False)

    kind = "worker"

    @property
    def shape(self) -> str:
        """``disc`` or ``rect``."""
        return "rect" if self.radius is None else "disc"

    @classmethod
    def disc(cls, id, time: float, x: float, y: float, radius: float, deadline: float, bid: float = 0.0, *,
             capacity: int = 1, rate: float = 1.0) -> Worker:
        """A worker whose range is the disc of ``radius`` around (x, y).

        >>> Worker.disc("w", 0, 5, 5, 2, 9).rect
        (3, 3, 7, 7)
        """
        return cls(id, time, x, y, 0.0, 0.0, deadline, bid, radius, capacity, rate)

    def covers(self, r: Rect) -> bool:
        """True when the rectangle (or point) ``r`` lies inside this worker's range, boundary included."""
        if self.radius is None:
            q = self.rect
            return q[0] <= r[0] and q[1] <= r[1] and r[2] <= q[2] and r[3] <= q[3]
        from mas.crowdsourcing.geometry import disc_contains

        return disc_contains(self.x, self.y, self.radius, r)


def windows_meet(a: Task | Worker, b: Task | Worker) -> bool:
    """True when the time windows of ``a`` and ``b`` share a moment (ends included)."""
    return max(a.time, b.time) <= min(a.deadline, b.deadline)


Arrival = Task | Worker


@dataclass(frozen=True)
class StreamSettings:
    """How :func:`generate_stream` draws an instance (defaults: the seed's experiments).

    The seed gives no time windows. Ours: every arrival time is uniform in
    ``[0, horizon]`` (the order is the order of the times), a task stays for a
    time uniform in ``task_stay``, a worker for a time uniform in
    ``worker_stay``. Ranges lie inside the plane (sides longer than the plane are cut to it).
    """

    plane: float = 300.0
    horizon: float = 100.0
    task_stay: tuple[float, float] = (50.0, 100.0)
    worker_stay: tuple[float, float] = (50.0, 100.0)
    task_size: tuple[float, float] = (1.0, 50.0)
    worker_size: tuple[float, float] = (1.0, 100.0)
    bid: tuple[float, float] = (1.0, 10.0)
    price: tuple[float, float] = (1.0, 10.0)

    def validate(self) -> None:
        if not (math.isfinite(self.plane) and self.plane > 0):
            raise InputError("plane", self.plane, "must be a finite number > 0")
        if not (math.isfinite(self.horizon) and self.horizon >= 0):
            raise InputError("horizon", self.horizon, "must be a finite number >= 0")
        for name in ("task_stay", "worker_stay", "task_size", "worker_size", "bid", "price"):
            lo, hi = getattr(self, name)
            if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo <= hi):
                raise InputError(name, (lo, hi), "must be finite with 0 <= low <= high")
        for name in ("task_size", "worker_size"):
            lo, hi = getattr(self, name)
            if lo <= 0 or lo > self.plane:
                raise InputError(name, (lo, hi), f"sides must be > 0, the smallest <= plane {self.plane:g}")


def generate_stream(tasks: int, workers: int, *, seed: int | np.random.Generator | None = None,
                    settings: StreamSettings | None = None, **overrides) -> list[Arrival]:
    """A random arrival stream in the seed's setting.

    Parameters
    ----------
    tasks, workers : int
        How many of each arrive.
    seed : int or numpy Generator, optional
        Same seed, same stream.
    settings : StreamSettings, optional
        Plane, time windows and ranges; keyword ``overrides`` replace single fields.

    Returns
    -------
    list of Task and Worker, in arrival order (ids ``t0..``, ``w0..``).

    Raises
    ------
    InputError
        On negative counts or inconsistent settings.

    Examples
    --------
    >>> s = generate_stream(3, 2, seed=1)
    >>> sorted(a.kind for a in s)
    ['task', 'task', 'task', 'worker', 'worker']
    """
    for name, n in (("tasks", tasks), ("workers", workers)):
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise InputError(name, n, "must be an integer >= 0")
    st = settings or StreamSettings()
    if overrides:
        from dataclasses import replace

        st = replace(st, **overrides)
    st.validate()
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    def boxes(n, size):
        # sides beyond the plane are cut to it, so a small plane keeps the default ranges usable
        w = np.minimum(rng.uniform(*size, n), st.plane)
        h = np.minimum(rng.uniform(*size, n), st.plane)
        x = rng.uniform(0, 1, n) * (st.plane - w)
        y = rng.uniform(0, 1, n) * (st.plane - h)
        return x, y, w, h

    tx, ty, tw, th = boxes(tasks, st.task_size)
    t_time = rng.uniform(0, st.horizon, tasks)
    t_dead = t_time + rng.uniform(*st.task_stay, tasks)
    price = rng.uniform(*st.price, tasks)
    wx, wy, ww, wh = boxes(workers, st.worker_size)
    w_time = rng.uniform(0, st.horizon, workers)
    w_dead = w_time + rng.uniform(*st.worker_stay, workers)
    bid = rng.uniform(*st.bid, workers)

    out: list[Arrival] = [Task(f"t{i}", float(t_time[i]), float(tx[i]), float(ty[i]), float(tw[i]), float(th[i]),
                               float(t_dead[i]), float(price[i])) for i in range(tasks)]
    out += [Worker(f"w{i}", float(w_time[i]), float(wx[i]), float(wy[i]), float(ww[i]), float(wh[i]),
                   float(w_dead[i]), float(bid[i])) for i in range(workers)]
    order = np.argsort(np.concatenate([t_time, w_time]), kind="stable")
    return [out[i] for i in order]


_TASK_KEYS = ("id", "time", "x", "y", "w", "h", "deadline", "price")
_WORKER_KEYS = ("id", "time", "x", "y", "w", "h", "deadline", "bid", "radius", "capacity", "rate")
_OPTIONAL = {"task": {"price", "w", "h"}, "worker": {"w", "h", "radius", "capacity", "rate"}}


def arrival_from_dict(d: dict, where: str = "event") -> Arrival:
    """One Task or Worker from its JSON object; errors name ``where`` and the field.

    A task without ``w`` and ``h`` is a point; a worker with ``radius`` instead
    of ``w`` and ``h`` has a disc range. ``capacity`` (default 1) and ``rate``
    (default 1) are optional.
    """
    kind, keys = _check_fields(d, where)
    from mas.files import finite_number

    vals = {k: finite_number(d[k], f"{where}: {k}") for k in keys[1:] if k in d}
    _set_range(d, vals, kind, where)
    for k, side in (("x", "w"), ("y", "h")):
        if k in vals and not math.isfinite(vals[k] + vals[side] + vals.get("radius", 0.0)):
            raise InputError(f"{where}: {k} + {side}", d[k], "the range's far edge overflows a float")
    _check_terms(d, vals, kind, where)
    cls = Task if kind == "task" else Worker
    return cls(d["id"], **vals)


def _check_fields(d, where: str) -> tuple[str, tuple[str, ...]]:
    """The kind of arrival ``d`` is and its fields, once every required field is there, none is
    unknown and the id is a string or an integer."""
    if not isinstance(d, dict):
        raise InputError(where, d, "must be a JSON object")
    kind = d.get("kind")
    if kind not in ("task", "worker"):
        raise InputError(f"{where}: kind", kind, 'must be "task" or "worker"')
    keys = _TASK_KEYS if kind == "task" else _WORKER_KEYS
    missing = [k for k in keys if k not in d and k not in _OPTIONAL[kind]]
    if missing:
        raise InputError(where, d, f"missing field {missing[0]!r} of a {kind}")
    unknown = sorted(set(d) - set(keys) - {"kind"})
    if unknown:
        raise InputError(f"{where}: {unknown[0]}", d[unknown[0]], f"unknown field of a {kind}")
    if not isinstance(d["id"], (str, int)) or isinstance(d["id"], bool):
        raise InputError(f"{where}: id", d["id"], "must be a string or an integer")
    return kind, keys


def _set_range(d: dict, vals: dict, kind: str, where: str) -> None:
    """Check the range's shape (a point task, a rectangle, a worker's disc) and fill in w and h."""
    sized = [k for k in ("w", "h") if k in vals]
    if kind == "worker" and "radius" in vals:
        if sized:
            raise InputError(f"{where}: {sized[0]}", d[sized[0]], "a disc worker (with radius) has no w or h")
        if vals["radius"] < 0:
            raise InputError(f"{where}: radius", d["radius"], "must be >= 0")
        vals["w"] = vals["h"] = 0.0
    elif len(sized) == 1 or (kind == "worker" and not sized):
        need = "h" if sized == ["w"] else "w"
        raise InputError(where, d, f"missing field {need!r} of a {kind}"
                         + ("" if kind == "task" else " (or a radius)"))
    elif not sized:
        vals["w"] = vals["h"] = 0.0  # a point task
    else:
        for k in ("w", "h"):
            if vals[k] <= 0:
                raise InputError(f"{where}: {k}", d[k], "must be > 0")


def _check_terms(d: dict, vals: dict, kind: str, where: str) -> None:
    """The window, the price or bid, a worker's capacity (made an int) and rate."""
    if vals["deadline"] < vals["time"]:
        raise InputError(f"{where}: deadline", d["deadline"], f"is before its time {d['time']}")
    money = "price" if kind == "task" else "bid"
    if vals.get(money, 0.0) < 0:
        raise InputError(f"{where}: {money}", d[money], "must be >= 0")
    if "capacity" in d:
        c = d["capacity"]
        if isinstance(c, bool) or not isinstance(c, int) and not (isinstance(c, float) and c.is_integer()) or c < 1:
            raise InputError(f"{where}: capacity", c, "must be an integer >= 1")
        vals["capacity"] = int(c)
    if vals.get("rate", 0.0) < 0:
        raise InputError(f"{where}: rate", d["rate"], "must be >= 0")


def check_stream(arrivals: Sequence[Arrival], where=lambda i: f"event {i + 1}", order: str = "time") -> None:
    """Raise InputError unless ids are unique per kind and, in ``time`` order, times never decrease."""
    if order not in ORDERS:
        raise InputError("order", order, f"must be one of {', '.join(ORDERS)}")
    seen: dict[str, set] = {"task": set(), "worker": set()}
    last = -math.inf
    timed = order == "time"
    for i, a in enumerate(arrivals):
        if timed and a.time < last:
            raise InputError(f"{where(i)}: time", a.time, f"goes back in time (previous arrival at {last})")
        last = a.time
        if a.id in seen[a.kind]:
            raise InputError(f"{where(i)}: id", a.id, f"a second {a.kind} with this id")
        seen[a.kind].add(a.id)


def load_events(path: str | os.PathLike, *, order: str = "time") -> list[Arrival]:
    """Read a JSON-lines event file (one arrival a line, blank lines skipped).

    ``order="time"`` requires times that never decrease; ``"given"`` takes the
    lines in any order of times (the random-order model).

    Raises
    ------
    InputError
        Naming the line number of the first malformed line.
    """
    from mas.files import parse_json, read_text

    arrivals: list[Arrival] = []
    lines: list[int] = []
    # ~40 bytes of text become a ~500-byte record (see mas.limits.PY_OBJECT)
    text = read_text(path, "events", factor=16)
    for no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{os.fspath(path)} line {no}"
        d = parse_json(line, where)
        arrivals.append(arrival_from_dict(d, where))
        lines.append(no)
    check_stream(arrivals, where=lambda i: f"{os.fspath(path)} line {lines[i]}", order=order)
    money = sum(getattr(a, "price" if a.kind == "task" else "bid") for a in arrivals)
    if not math.isfinite(money):
        raise InputError(f"{os.fspath(path)}: prices and bids", "sum", "overflow a float (keep totals below 1.8e308)")
    return arrivals


def save_events(path: str | os.PathLike, arrivals: Iterable[Arrival]) -> None:
    """Write arrivals as JSON lines (the format :func:`load_events` reads)."""
    from mas.files import atomic_open

    with atomic_open(path) as fh:
        for a in arrivals:
            fh.write(json.dumps(a.to_dict()) + "\n")
