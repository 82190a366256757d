"""``mas crowd`` and ``mas crowd-experiment``: online spatial crowdsourcing."""

from __future__ import annotations

import argparse
from pathlib import Path

from mas import limits
from mas.crowdsourcing import ALGORITHMS, ORDERS, UTILITIES
from mas.errors import InputError
from scenarios.commands.options import (
    nonnegative_float,
    nonnegative_int,
    positive_float,
    positive_int,
    probability,
    refuse_unless,
    refuse_untaken,
    seed,
)
from scenarios.output import format_table, print_json

FORMATS = ("json", "goma")
#: command-line options passed to the algorithm as its keyword option of the same name
_ALGORITHM_OPTIONS = ("split",)


def _pair(text: str) -> tuple[float, float]:
    lo, _, hi = text.partition(",")
    try:
        return nonnegative_float(lo), nonnegative_float(hi or lo)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected LOW,HIGH (finite numbers >= 0)") from None


def _counts(text: str) -> list[int]:
    try:
        counts = [nonnegative_int(x) for x in text.split(",") if x.strip()]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected whole numbers >= 0 separated by commas") from None
    if not counts:
        raise argparse.ArgumentTypeError(f"{text!r}: expected whole numbers >= 0 separated by commas")
    return counts


def _add_window_arguments(p) -> None:
    p.add_argument("--horizon", type=nonnegative_float, default=None, metavar="T",
                   help="arrival times uniform in [0, T] (default 100)")
    p.add_argument("--task-stay", type=_pair, default=None, metavar="LO,HI",
                   help="how long a task stays, uniform in [LO, HI] (default 50,100)")
    p.add_argument("--worker-stay", type=_pair, default=None, metavar="LO,HI",
                   help="how long a worker stays, uniform in [LO, HI] (default 50,100)")


def _settings(args, **extra):
    from mas.crowdsourcing import StreamSettings

    fields = {k: v for k, v in (("horizon", args.horizon), ("task_stay", args.task_stay),
                                ("worker_stay", args.worker_stay)) if v is not None}
    st = StreamSettings(**fields, **extra)
    st.validate()
    return st


def register(sub) -> None:
    p = sub.add_parser("crowd", help="one online spatial crowdsourcing run",
                       description="Run one online algorithm on a generated stream or an event file "
                                   "(JSON lines, one arrival each, or the TGOA authors' goma format).")
    p.add_argument("--algorithm", choices=ALGORITHMS.names(), default="ossa-indexed")
    p.add_argument("--utility", choices=UTILITIES.names(), default=None,
                   help="what a pair is worth to greedy and tgoa: cost (1 a task, ties to the cheaper bid; "
                        "the default) or pay-rate (task pay x worker rate; the default with --format goma)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--tasks", type=nonnegative_int, metavar="N", help="generate a stream with N tasks")
    src.add_argument("--events", metavar="FILE", help="read arrivals from a file (see --format)")
    p.add_argument("--format", choices=FORMATS, default="json",
                   help="of --events: json (JSON lines, the default) or goma (the TGOA authors' format)")
    p.add_argument("--order", choices=ORDERS, default=None,
                   help="arrival order: time (times never decrease; the default) or given (the file's order, "
                        "times only define the windows; the default with --format goma)")
    p.add_argument("--workers", type=nonnegative_int, metavar="W", help="workers of a generated stream")
    p.add_argument("--plane", type=positive_float, default=None, help="side of the square plane (default 300)")
    p.add_argument("--seed", type=seed, default=None, help="random seed of a generated stream (default 0)")
    p.add_argument("--split", type=probability, default=None,
                   help="the algorithms with two phases (tgoa): share of arrivals handled greedily "
                        "(default 0.5; the authors' code uses 0.78)")
    _add_window_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run_crowd)

    q = sub.add_parser("crowd-experiment", help="the seed's three crowdsourcing experiments",
                       description="500 workers, 800..1500 tasks: completed tasks, average cost and running "
                                   "time of OSSA, indexed OSSA, Greedy and TGOA; a CSV and three plots.")
    q.add_argument("--out", default="crowd-experiment", metavar="DIR",
                   help="folder for runs.csv and the plots (default ./crowd-experiment)")
    q.add_argument("--seeds", type=positive_int, default=2, metavar="K", help="streams per task count (default 2)")
    q.add_argument("--task-counts", type=_counts, default=None, metavar="N,N,...",
                   help="task counts to run (default the seed's 800,900,...,1500)")
    q.add_argument(
        "--workers", type=nonnegative_int, default=500, metavar="W", help="workers (default 500, the seed's)"
    )
    _add_window_arguments(q)
    q.add_argument("--force", action="store_true", help="write into --out even if it already holds files")
    q.add_argument("--json", action="store_true", help="print the averages as JSON")
    q.set_defaults(run=run_experiment)


def run_crowd(args) -> int:
    from mas.crowdsourcing import generate_stream, load_events, load_goma, make_algorithm, run_online

    goma = args.format == "goma"
    order = args.order or ("given" if goma else "time")
    given = {key: value for key in _ALGORITHM_OPTIONS if (value := getattr(args, key)) is not None}
    for key in given:  # before reading the stream
        refuse_untaken(args, f"--{key}", ALGORITHMS, args.algorithm, "not an option of {name} (only {takers} has it)")
    if args.events:
        for opt in ("--workers", "--seed", "--plane", "--horizon", "--task-stay", "--worker-stay"):
            refuse_unless(args, opt, False, "only with --tasks (the event file gives the arrivals)")
        stream = load_goma(args.events) if goma else load_events(args.events, order=order)
        if goma and order == "time":
            _check_time_order(stream, args.events)
        tasks = sum(1 for a in stream if a.kind == "task")
        limits.require(limits.crowd_estimate(tasks, len(stream) - tasks, args.algorithm), "mas crowd")
    else:
        if goma:
            raise InputError("--format", args.format, "only with --events")
        if args.workers is None:
            raise InputError("--workers", None, "is required with --tasks")
        limits.require(limits.crowd_estimate(args.tasks, args.workers, args.algorithm), "mas crowd")
        settings = _settings(args, plane=300.0 if args.plane is None else args.plane)
        stream = generate_stream(args.tasks, args.workers, seed=args.seed or 0, settings=settings)
    options = {"utility": args.utility or ("pay-rate" if goma else "cost"), **given}
    if goma and "cell" in ALGORITHMS.options(args.algorithm):
        options["cell"] = _cell(stream)
    result = run_online(make_algorithm(args.algorithm, **options), stream, check=False, order=order)
    d = result.to_dict()
    if args.json:
        print_json(d)
        return 0
    print(format_table(list(d), [list(d.values())]))
    return 0


def _check_time_order(stream, path) -> None:
    from mas.crowdsourcing import check_stream

    check_stream(stream, where=lambda i: f"{path} arrival {i + 1}", order="time")


def _cell(stream) -> float:
    """Grid cell for a stream of any scale: the median side of the workers' ranges (25 without workers)."""
    import statistics

    sides = [a.rect[2] - a.rect[0] for a in stream if a.kind == "worker"]
    side = statistics.median(sides) if sides else 25.0
    return side if side > 0 else 25.0


def run_experiment(args) -> int:
    from scenarios.crowd_experiment import TASK_COUNTS, averages, write_outputs
    from scenarios.crowd_experiment import run_experiment as experiment
    from scenarios.progress import Progress

    settings = _settings(args)
    counts = args.task_counts or list(TASK_COUNTS)
    algorithms = ALGORITHMS.names()
    for n in counts:
        for alg in algorithms:
            limits.require(limits.crowd_estimate(n, args.workers, alg), "mas crowd-experiment")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError("--out", args.out, "exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise InputError("--out", args.out, "is not empty; pass --force to replace its files")
    total = len(counts) * args.seeds * len(algorithms)
    with Progress(total, "crowd-experiment", lines=True) as bar:
        runs = experiment(counts, args.workers, args.seeds, algorithms=algorithms, settings=settings, progress=bar)
    paths = write_outputs(args.out, runs)
    means = sorted(averages(runs), key=lambda m: (m["tasks"], algorithms.index(m["algorithm"])))
    if args.json:
        print_json({"averages": means, "files": paths})
        return 0
    print(format_table(["tasks", "algorithm", "completed", "workers used", "average cost", "seconds"],
                       [[m["tasks"], m["algorithm"], m["completed"], m["workers_used"], m["average_cost"],
                         m["seconds"]] for m in means]))
    print("wrote " + ", ".join(paths.values()))
    return 0
