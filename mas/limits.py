"""Sizes checked before work: how much memory a command needs, against what this machine has.

Every estimator is a plain function of the sizes a user chooses (agents,
subtasks, tasks, workers, servers, grid points, seeds) and returns an
:class:`Estimate` whose ``terms`` name each part of the sum, so a measurement
(peak RSS per size) can be checked term by term. :func:`require` compares an
estimate with :func:`available_memory` and raises one :class:`InputError` whose
message carries the estimate, before anything is allocated.

The constants are upper bounds of what the data structures hold, not averages:

- ``FLOAT`` = 8 bytes per float64 matrix entry; ``BOOL`` = 1 byte per mask entry;
- ``PY_OBJECT`` = 200 bytes per small Python object that holds a record (a
  dataclass with ~8 float fields: ~56 bytes of object, ~24 per boxed float, a
  dict or list slot);
- ``JSON_PER_BYTE`` = 12: a JSON list of numbers becomes Python objects of about
  12 times the text (a 2-character number ``1,`` becomes a 24-byte float and an
  8-byte list slot; lists over-allocate);
- ``EDGE`` = 400 bytes per networkx edge (two adjacency dict entries and an
  attribute dict), ``NODE`` = 600 bytes per networkx node;
- ``BASE`` = 150 MB: the interpreter with numpy, scipy, networkx, Mesa and
  matplotlib imported, which every command pays before its own data.

The available memory is ``MemAvailable`` of ``/proc/meminfo`` (what Linux can
hand out without swapping); ``MAS_MEMORY_LIMIT`` (bytes, or with a suffix
``K``, ``M``, ``G``) overrides it -- for tests, or to leave room for other
work. Where neither is known the check passes.

Examples
--------
>>> e = sweep_estimate(agents=1000, subtasks=1000, strategy="greedy")
>>> e.terms["C"], e.terms["P"]
(8000000, 8000000)
>>> require(sweep_estimate(agents=10**6, subtasks=10**6), "mas sweep", available=2 * 2**30)
Traceback (most recent call last):
...
mas.errors.InputError: size = '1000000 agents x 1000000 subtasks': needs about 5.2e+04 GB of memory (solver 2.2e+04 GB, graph 7.5e+03 GB, ...), this machine has 2.0 GB available
"""  # noqa: E501 -- a doctest's exception line cannot wrap

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

from mas.errors import InputError

FLOAT = 8
BOOL = 1
PY_OBJECT = 200
JSON_PER_BYTE = 12
EDGE = 400
NODE = 600
BASE = 150 * 2**20

#: environment variable that overrides /proc/meminfo's MemAvailable (bytes; K/M/G suffixes)
ENV = "MAS_MEMORY_LIMIT"
_SUFFIX = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


@dataclass(frozen=True)
class Estimate:
    """Bytes a command needs: ``terms`` by name (their sum is ``bytes``), ``sizes`` as the user gave them."""

    sizes: str
    terms: dict[str, int] = field(default_factory=dict)

    @property
    def bytes(self) -> int:
        return int(sum(self.terms.values()))

    def to_dict(self) -> dict:
        return {"sizes": self.sizes, "bytes": self.bytes, "terms": dict(self.terms)}


def _gb(n: float) -> str:
    g = n / 2**30
    return f"{g:.1f} GB" if g < 1000 else f"{g:.1e} GB"


def parse_bytes(text: str) -> int:
    """``"512M"`` -> 536870912; InputError naming MAS_MEMORY_LIMIT otherwise.

    >>> parse_bytes("2G"), parse_bytes("1000")
    (2147483648, 1000)
    """
    t = text.strip().upper().removesuffix("B")
    unit = t[-1:] if t[-1:] in _SUFFIX and t[-1:] else ""
    try:
        value = float(t[: len(t) - len(unit)] if unit else t)
    except ValueError:
        raise InputError(ENV, text, "must be a number of bytes, e.g. 2G or 512M") from None
    if not math.isfinite(value) or value <= 0:
        raise InputError(ENV, text, "must be a positive number of bytes")
    return int(value * _SUFFIX[unit])


def available_memory() -> int | None:
    """Bytes this process may use: ``MAS_MEMORY_LIMIT`` if set, else MemAvailable, else None."""
    if os.environ.get(ENV):
        return parse_bytes(os.environ[ENV])
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def require(estimate: Estimate, what: str = "this command", *, available: int | None = None) -> None:
    """Raise InputError (field ``size``) when ``estimate`` does not fit the available memory."""
    avail = available_memory() if available is None else available
    need = estimate.bytes
    if avail is None or need <= avail:
        return
    big = sorted(estimate.terms.items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"{k} {_gb(v)}" for k, v in big[:2]) + (", ..." if len(big) > 2 else "")
    source = f"{ENV}" if os.environ.get(ENV) else "available"
    raise InputError("size", estimate.sizes, f"needs about {_gb(need)} of memory ({shown}), this machine has "
                                             f"{_gb(avail)} {source}")


# -- per command -------------------------------------------------------------------------------------
def sweep_estimate(agents: int, subtasks: int, strategy: str = "auto", *, graph: bool = True) -> Estimate:
    """``mas sweep`` / ``negotiate`` / ``compare`` on n agents and m subtasks of an instance file
    (no topology known; a generated one is checked by :func:`command_estimate`, fitted to measurements).

    Terms: C (m x n floats), P and W (n x n floats each), the graph (n nodes and
    up to n^2/2 edges, all-pairs shortest paths as n^2 floats), and the
    strategy's working arrays: greedy/local keep a few (m x n) float arrays
    (``3 m n``), exhaustive a 16 MB table, milp one variable per agent and per
    (subtask, agent) pair for HiGHS (~100 bytes each) and, up to 150 agents, the
    branch and bound's batches (three 16 MB arrays) and pair tables (n^3 / 2 floats).
    """
    n, m = int(agents), int(subtasks)
    terms = {"base": BASE, "C": FLOAT * m * n, "P": FLOAT * n * n, "W": FLOAT * n * n}
    if graph:
        terms["graph"] = NODE * n + FLOAT * n * n + EDGE * n * min(n, 64)
    if strategy in ("milp",):
        terms["solver"] = 100 * (n + m * n)
        if n <= 150:
            terms["branch and bound"] = 3 * 16 * 2**20 + FLOAT * n**3 // 2
    elif strategy == "exhaustive":
        terms["solver"] = 16 * 2**20
    else:
        terms["solver"] = 3 * FLOAT * m * n
    return Estimate(f"{n} agents x {m} subtasks", terms)


def crowd_estimate(tasks: int, workers: int, algorithm: str = "ossa-indexed") -> Estimate:
    """``mas crowd`` on a stream of tasks + workers arrivals.

    Terms: the stream (one record per arrival, ``PY_OBJECT`` each, generated
    from 14 float columns), the algorithm's state (queued pieces and index
    entries, a few records per arrival) and, for TGOA, the cost matrix of its
    second phase (tasks x workers floats, twice: costs and the assignment's copy).
    """
    t, w = int(tasks), int(workers)
    terms = {"base": BASE, "stream": (PY_OBJECT + 14 * FLOAT) * (t + w), "state": 4 * PY_OBJECT * (t + w)}
    if algorithm == "tgoa":
        terms["assignment"] = 2 * FLOAT * t * w
    return Estimate(f"{t} tasks, {w} workers", terms)


def place_estimate(tasks: int, nodes: int, kinds: int, algorithm: str = "ffd") -> Estimate:
    """``mas place``: demand (tasks x kinds), capacity, cost (tasks x nodes) and the
    fits-alone mask (tasks x nodes x kinds booleans); ``exact`` adds HiGHS's model,
    one variable per (task, node) pair and one constraint entry per pair and kind
    (~100 bytes each)."""
    t, n, k = int(tasks), int(nodes), int(kinds)
    terms = {"base": BASE, "demand": FLOAT * (t + n) * k, "cost": FLOAT * t * n, "fits": BOOL * t * n * k}
    if algorithm == "exact":
        terms["solver"] = 100 * t * n * (k + 2)
    return Estimate(f"{t} tasks x {n} nodes x {k} resource kinds", terms)


def gap_estimate(agents: int, jobs: int) -> Estimate:
    """``mas gap``: cost and weight (agents x jobs floats), HiGHS's model with one
    variable per pair and two constraint entries each (~100 bytes per pair)."""
    m, n = int(agents), int(jobs)
    return Estimate(f"{m} agents x {n} jobs", {"base": BASE, "matrices": 2 * FLOAT * m * n, "solver": 300 * m * n})


def queue_estimate(arrival_rate: float, horizon: float, servers: int) -> Estimate:
    """``mas queue --simulate``: about ``arrival_rate x horizon`` jobs, a record each
    (arrival, start, end, wait: ~4 floats plus the Mesa event), and the servers' agents."""
    jobs = arrival_rate * horizon
    jobs = jobs if math.isfinite(jobs) else float("inf")
    per_job = 2 * PY_OBJECT + 4 * FLOAT
    terms = {"base": BASE, "jobs": per_job * jobs if math.isfinite(jobs) else 2**80,
             "servers": PY_OBJECT * 4 * int(servers)}
    return Estimate(f"~{jobs:.3g} jobs on {int(servers)} servers", {k: int(min(v, 2**80)) for k, v in terms.items()})


def batch_estimate(points: int, seeds: int, params: int) -> Estimate:
    """``mas batch``: the plan (points x params values, ``PY_OBJECT`` each), one Run
    record per (point, seed) with its key, and the seeds."""
    p, s, k = int(points), int(seeds), int(params)
    return Estimate(f"{p} points x {s} seeds", {"base": BASE, "points": PY_OBJECT * p * k,
                                               "runs": 3 * PY_OBJECT * p * s, "seeds": PY_OBJECT * s})


def json_estimate(path: str | os.PathLike) -> Estimate:
    """A JSON file read into Python objects: ``JSON_PER_BYTE`` bytes per byte of text."""
    size = os.stat(path).st_size
    return Estimate(f"{os.fspath(path)} ({size} bytes)", {"base": BASE, "parsed": JSON_PER_BYTE * size})


# -- time: work with no end in sight -------------------------------------------------------------------
#: simulated jobs of ``mas queue --simulate`` (about 20 microseconds each: 1e7 is minutes, not days)
MAX_SIMULATED_JOBS = 10**7
#: anneal moves / genetic generations without a --time-limit (anneal: ~20 microseconds a move)
MAX_UNTIMED_ITERATIONS = 10**7


def require_bounded(amount: float, limit: float, option: str, value, what: str, fix: str) -> None:
    """InputError naming ``option`` when ``amount`` units of work exceed ``limit``.

    >>> require_bounded(1e12, MAX_UNTIMED_ITERATIONS, "--iterations", 10**12, "moves",
    ...                 "give --time-limit SECONDS too")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: --iterations = 1000000000000: 1e+12 moves would not finish in any reasonable time (at most 1e+07 here); give --time-limit SECONDS too
    """  # noqa: E501 -- a doctest's exception line cannot wrap
    if not math.isfinite(amount) or amount > limit:
        raise InputError(option, value, f"{amount:.3g} {what} would not finish in any reasonable time "
                                        f"(at most {limit:.0e} here); {fix}")
#: parameter points of one batch config (each is checked and kept in the plan)
MAX_POINTS = 10**6
#: seeds of one batch config (spawning one takes ~30 microseconds)
MAX_SEEDS = 10**5



# -- sweep / negotiate / compare on a generated topology (measured per size: benchmarks/RESULTS.md) -----
#: the interpreter with numpy, scipy and networkx imported (``mas sweep`` on 10 agents: 80 MB)
BASE_SWEEP = 90 * 2**20
#: the same with Mesa (``mas negotiate`` / ``compare`` on 10 agents: 124 MB)
BASE_MESA = 130 * 2**20
#: a networkx graph per node and per edge (pos, weight and adjacency dicts)
GRAPH_NODE, GRAPH_EDGE = NODE, EDGE
#: a negotiating agent: the Mesa agent object, its attributes, its slots in the model's arrays (measured:
#: ``mas negotiate`` on 20,000 agents holds ~200 MB beyond its graph that does not grow with m)
AGENT = 7 * 2**10
#: rows of n floats of the lazy pair matrices a negotiation reads, per subtask, over all of them (measured:
#: cnp on 20,000 agents, peak RSS 0.8 MB more per subtask from 200 to 1,000 subtasks)
LAZY_ROWS_PER_SUBTASK = 3
#: dense n x n float arrays at the peak of a command whose P is dense (measured, n = 5,000: 2.8-3.1)
DENSE_PAIRS = 3
#: greedy's m x n temporaries, one block of rows at a time (mas.selection.greedy.BLOCK_BYTES)
GREEDY_BLOCK = 64 * 2**20
#: a sweep over lazy P and W (above COST_DENSE_MAX_N agents): the row caches of the lazy negotiation,
#: movement and pair-sum matrices and one block of rows being read (measured at 20,000 agents)
LAZY_SWEEP_PAIRS = 2 * 2**30
#: the two-hop search of a complete topology batches this many candidate pairs (index + value + copies)
TWO_HOP_BATCH = 2**23 * 8


def _edges(topology: str, n: int) -> float:
    """Edges of ``topologies.build(topology, n)`` with its default parameters."""
    if topology == "complete":
        return n * (n - 1) / 2
    if topology == "random":  # p = 2 ln n / n
        return min(n * (n - 1) / 2, n * math.log(max(n, 2)))
    return 2.0 * n  # small-world k = 4, scale-free m = 2, grid: two edges per node


def command_estimate(command: str, topology: str, agents: int, subtasks: int, strategy: str = "auto") -> Estimate:
    """``mas sweep`` / ``negotiate`` / ``compare`` on a generated ``topology`` of n agents, m subtasks.

    With U = 8 n^2 bytes (one dense pair matrix), the terms are:

    - ``base``: :data:`BASE_SWEEP`, or :data:`BASE_MESA` for the negotiating commands;
    - ``C`` (8 m n, shared by the instance and its cost model) and ``solver``: the
      strategy's working arrays (greedy: one block of rows of its m x n temporaries,
      :data:`GREEDY_BLOCK`; local: one more m x n array; exhaustive 16 MB; milp ~100
      bytes per variable);
    - ``pairs``: up to :data:`topologies.pairs.COST_DENSE_MAX_N` agents P is dense:
      :data:`DENSE_PAIRS` U at the peak (the negotiation and movement costs and P while
      P is built; then P, shared with the cost model, and W; a sweep reads W over
      greedy's order in blocks of rows). Above it P and W are lazy: a sweep holds the
      lazy matrices' row caches and one block of rows (:data:`LAZY_SWEEP_PAIRS`), a
      negotiation :data:`LAZY_ROWS_PER_SUBTASK` rows per subtask;
    - ``topology``: a complete topology keeps its weight matrix for the graph
      built on demand (U) and batches the two-hop search (:data:`TWO_HOP_BATCH`);
      its P is dense at every size;
    - ``graph``: the networkx graph (per node and per edge); a negotiation holds it
      twice (the topology and the model's relabelled copy) and builds it for a
      complete topology too (n^2 / 2 edges);
    - ``rows``: a sweep over every k keeps n^2 / 2 participant numbers (4 n^2);
    - ``agents``: :data:`AGENT` per agent of a negotiation.

    Examples
    --------
    >>> e = command_estimate("negotiate", "small-world", 20000, 50)
    >>> sorted(e.terms), round(e.bytes / 2**20)
    (['C', 'agents', 'base', 'graph', 'pairs', 'solver'], 358)
    >>> round(command_estimate("sweep", "complete", 20000, 50, "greedy").bytes / 2**30, 1)
    13.6
    """
    from topologies.pairs import CACHE_BYTES, COST_DENSE_MAX_N  # noqa: PLC0415  (numpy: not for ``mas --help``)

    n, m = int(agents), int(subtasks)
    negotiating = command in ("negotiate", "compare")
    U = FLOAT * n * n
    complete = topology == "complete"
    terms = {"base": BASE_MESA if negotiating else BASE_SWEEP, "C": FLOAT * m * n}
    if strategy == "milp":
        terms["solver"] = 100 * (n + m * n)
    elif strategy == "exhaustive":
        terms["solver"] = 16 * 2**20
    elif strategy in ("greedy", "auto"):
        terms["solver"] = min(FLOAT * m * n, GREEDY_BLOCK)
    else:
        terms["solver"] = FLOAT * m * n
    lazy = not complete and n > COST_DENSE_MAX_N
    if lazy and negotiating:
        terms["pairs"] = min(4 * min(U, CACHE_BYTES), LAZY_ROWS_PER_SUBTASK * m * FLOAT * n)
    elif lazy:
        terms["pairs"] = LAZY_SWEEP_PAIRS
    else:
        terms["pairs"] = DENSE_PAIRS * U
    if complete:
        terms["topology"] = U + TWO_HOP_BATCH
    if negotiating or not complete:
        copies = 2 if negotiating else 1
        terms["graph"] = int(copies * (GRAPH_NODE * n + GRAPH_EDGE * _edges(topology, n)))
    if negotiating:
        terms["agents"] = AGENT * n
    else:
        terms["rows"] = 4 * n * n
    return Estimate(f"{n} agents x {m} subtasks", {k: int(v) for k, v in terms.items()})
