"""Batch configs (TOML): which scenario, which parameter points, which seeds -- checked before any run.

::

    scenario = "cost-sweep"
    seeds = {count = 20, base = 2024}   # or: seeds = 20 (base 0), or an explicit list [3, 7, 11]
    plugins = []                        # optional: modules that register more scenarios

    [params]                            # fixed for every run (over the scenario's defaults)
    subtasks = 8

    [grid]                              # full factorial product of these lists
    topology = ["random", "small-world", "scale-free"]
    agents = [10, 12]

    [[points]]                          # explicit points, run besides the grid
    topology = "grid"
    agents = 9

    # points_file = "design.csv"        # explicit points from a CSV (header = parameter names),
                                        # e.g. a sensitivity-analysis sample made elsewhere

Every run is (point, replicate); replicate r uses seed r of the list for every
point, so points are compared on common random numbers while replicates are
independent. A count of seeds is spawned from ``numpy.random.SeedSequence(base)``:
seed r depends only on (base, r), so raising the count later keeps every
finished run and adds new ones.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mas import limits
from mas.errors import InputError
from scenarios.batch import registry

_KEYS = ("scenario", "seeds", "plugins", "params", "grid", "points", "points_file", "description")
#: seeds are kept below 2**53 so they survive a trip through a float column (CSV readers, JSON in JS)
SEED_BITS = 53


@dataclass(frozen=True)
class Run:
    """One run of a batch: a complete parameter point and a seed."""

    key: str
    point: int  # index of the parameter point
    replicate: int
    seed: int
    params: dict

    def to_dict(self) -> dict:
        return {"key": self.key, "point": self.point, "replicate": self.replicate, "seed": self.seed,
                "params": dict(self.params)}


@dataclass(frozen=True)
class BatchConfig:
    """A checked config: the scenario, complete parameter points and the seeds."""

    scenario: str
    points: list[dict]
    seeds: list[int]
    plugins: tuple[str, ...] = ()
    description: str = ""
    source: str = "config"
    varying: list[str] = field(default_factory=list)

    def runs(self) -> list[Run]:
        """Every run in plan order: points in config order, replicates inside each point."""
        return [Run(run_key(self.scenario, p, s), i, r, s, p)
                for i, p in enumerate(self.points) for r, s in enumerate(self.seeds)]

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "points": self.points, "seeds": self.seeds,
                "plugins": list(self.plugins), "description": self.description, "varying": self.varying,
                "source": self.source}


def run_key(scenario: str, params: dict, seed: int) -> str:
    """A stable id of a run: the same scenario, parameters and seed give the same key in any process."""
    text = json.dumps({"scenario": scenario, "params": params, "seed": int(seed)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def spawn_seeds(count: int, base: int = 0) -> list[int]:
    """``count`` independent seeds from ``SeedSequence(base)``; seed r depends only on (base, r).

    Examples
    --------
    >>> spawn_seeds(3, base=7)[:2] == spawn_seeds(2, base=7)
    True
    """
    children = np.random.SeedSequence(base).spawn(count)
    return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(64 - SEED_BITS)) for c in children]


def load_config(path: str | Path) -> BatchConfig:
    """Read and check a TOML config; InputError naming the key at fault."""
    from mas.files import read_text

    path = Path(path)
    text = read_text(path, "config")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("config", str(path), f"not valid TOML ({exc})") from None
    except RecursionError:
        raise InputError("config", str(path), "nested too deeply to read") from None
    try:
        return parse_config(data, source=str(path), base_dir=path.parent)
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}", exc.value, exc.problem) from None


def count_runs(data: dict, base_dir: str | Path = ".") -> tuple[int, int]:
    """(parameter points, seeds) a config asks for, counted from the sizes alone (nothing is enumerated)."""
    grid = data.get("grid", {})
    points = 0
    if isinstance(grid, dict) and grid:
        points = math.prod(len(v) if isinstance(v, list) else 1 for v in grid.values())
    explicit = data.get("points", [])
    points += len(explicit) if isinstance(explicit, list) else 0
    ref = data.get("points_file")
    if isinstance(ref, str):
        path = Path(ref) if Path(ref).is_absolute() else Path(base_dir) / ref
        if path.is_file():
            with open(path, "rb") as fh:
                points += max(sum(1 for _ in fh) - 1, 0)
    seeds = data.get("seeds")
    if isinstance(seeds, dict):
        seeds = seeds.get("count")
    count = len(seeds) if isinstance(seeds, list) else seeds if isinstance(seeds, int) else 0
    return points, count


def parse_config(data: dict, *, source: str = "config", base_dir: str | Path = ".") -> BatchConfig:
    """Check a config already read into a dict (see the module docstring for the keys)."""
    for key in data:
        if key not in _KEYS:
            raise InputError(key, data[key], f"unknown config key; known: {', '.join(_KEYS)}")
    if "scenario" not in data:
        raise InputError("scenario", None, f"missing from {source}")
    name = data["scenario"]
    if not isinstance(name, str):
        raise InputError("scenario", name, "must be a scenario name (a string)")
    plugins = data.get("plugins", [])
    if not isinstance(plugins, list) or not all(isinstance(m, str) for m in plugins):
        raise InputError("plugins", plugins, "must be a list of module names")
    scenario = registry.get(name, plugins)
    n_points, n_seeds = count_runs(data, base_dir)
    limits.require_bounded(n_points, limits.MAX_POINTS, "grid", n_points, "parameter points",
                           "split the sweep into several configs")
    if isinstance(n_seeds, int) and not isinstance(n_seeds, bool):
        limits.require_bounded(n_seeds, limits.MAX_SEEDS, "seeds", n_seeds, "seeds per point", "use fewer seeds")
    limits.require(limits.batch_estimate(n_points, max(n_seeds, 0), len(scenario.params)), "mas batch")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise InputError("description", description, "must be a string")

    fixed = _table(data, "params")
    base = scenario.complete(fixed, "params")
    points = _grid_points(scenario, data, base) + _explicit_points(scenario, data, base, Path(base_dir))
    if not points:
        raise InputError("grid", data.get("grid"), "no parameter points: give [grid] lists or [[points]]")
    seen: dict[str, int] = {}
    for i, p in enumerate(points):
        scenario.check_point(p, f"point {i}")
        scenario.check_size(p, f"point {i}")
        text = json.dumps(p, sort_keys=True)
        if text in seen:
            raise InputError("points", p, f"point {i} repeats point {seen[text]} (every point must differ)")
        seen[text] = i
    seeds = _seeds(data.get("seeds"))
    varying = [p.name for p in scenario.params if len({json.dumps(pt[p.name]) for pt in points}) > 1]
    return BatchConfig(name, points, seeds, tuple(plugins), description, source, varying)


def _table(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(key, value, "must be a table ([" + key + "])")
    return value


def _grid_points(scenario: registry.Scenario, data: dict, base: dict) -> list[dict]:
    grid = _table(data, "grid")
    if not grid:
        return []
    axes = []
    for pname, values in grid.items():
        where = f"grid.{pname}"
        param = scenario.param(pname, where)
        if not isinstance(values, list):
            values = [values]
        if not values:
            raise InputError(where, values, "empty list: give at least one value")
        checked = [param.check(v, f"{where}[{i}]") for i, v in enumerate(values)]
        if len({json.dumps(v) for v in checked}) != len(checked):
            raise InputError(where, values, "a value is listed twice")
        axes.append((pname, checked))
    names = [a[0] for a in axes]
    return [base | dict(zip(names, combo)) for combo in itertools.product(*(a[1] for a in axes))]


def _explicit_points(scenario: registry.Scenario, data: dict, base: dict, base_dir: Path) -> list[dict]:
    points = data.get("points", [])
    if not isinstance(points, list) or not all(isinstance(p, dict) for p in points):
        raise InputError("points", points, "must be an array of tables ([[points]])")
    out = [base | _checked(scenario, p, f"points[{i}]") for i, p in enumerate(points)]
    if "points_file" in data:
        ref = data["points_file"]
        if not isinstance(ref, str):
            raise InputError("points_file", ref, "must be a path to a CSV file")
        path = Path(ref) if Path(ref).is_absolute() else base_dir / ref
        if not path.is_file():
            raise InputError("points_file", ref, f"no such file ({path})")
        from mas.files import read_text

        text = read_text(path, "points_file")
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""))
            header = reader.fieldnames or []
            for col in header:
                scenario.param(col, f"{path}: column {col}")
            if len(set(header)) != len(header):
                raise InputError(f"{path} line 1", header, "a column is named twice")
            for row in reader:
                row_no = reader.line_num
                if None in row:
                    raise InputError(f"{path} line {row_no}", row[None],
                                     f"has {len(header) + len(row[None])} cells; the header names {len(header)}")
                values = {col: scenario.param(col).parse(text, f"{path} line {row_no}, {col}")
                          for col, text in row.items() if text is not None and text.strip() != ""}
                out.append(base | values)
        except csv.Error as exc:
            raise InputError(f"{path} line {reader.line_num}", ref, f"is not a readable CSV ({exc})") from None
        if len(out) == len(points):
            raise InputError("points_file", ref, "has no rows")
    return out


def _checked(scenario: registry.Scenario, values: dict[str, Any], where: str) -> dict:
    return {k: scenario.param(k, f"{where}.{k}").check(v, f"{where}.{k}") for k, v in values.items()}


def _seeds(value: Any) -> list[int]:
    if value is None:
        raise InputError("seeds", None, "missing: give a count, {count = N, base = B} or a list of seeds")
    if isinstance(value, bool):
        raise InputError("seeds", value, "must be a count, a table or a list")
    if isinstance(value, int):
        return _count(value, 0, "seeds")
    if isinstance(value, dict):
        return _seed_table(value)
    if isinstance(value, list):
        return _seed_list(value)
    raise InputError("seeds", value, "must be a count, a table {count, base} or a list of seeds")


def _seed_table(value: dict) -> list[int]:
    """``{count = N, base = B}``: N seeds spawned from B."""
    for key in value:
        if key not in ("count", "base"):
            raise InputError(f"seeds.{key}", value[key], "unknown key; use count and base")
    base = value.get("base", 0)
    if not isinstance(base, int) or isinstance(base, bool) or base < 0:
        raise InputError("seeds.base", base, "must be an integer >= 0")
    if "count" not in value:
        raise InputError("seeds.count", None, "missing")
    return _count(value["count"], base, "seeds.count")


def _seed_list(value: list) -> list[int]:
    """The seeds as given: integers >= 0, none twice."""
    if not value:
        raise InputError("seeds", value, "empty list: give at least one seed")
    for i, s in enumerate(value):
        if not isinstance(s, int) or isinstance(s, bool) or s < 0:
            raise InputError(f"seeds[{i}]", s, "must be an integer >= 0")
    if len(set(value)) != len(value):
        dup = next(i for i, s in enumerate(value) if value.index(s) != i)
        raise InputError(f"seeds[{dup}]", value[dup], "repeats an earlier seed (replicates must differ)")
    return list(value)


def _count(count: Any, base: int, where: str) -> list[int]:
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise InputError(where, count, "must be a whole number >= 1")
    return spawn_seeds(count, base)
