"""``mas batch``: run a scenario over a grid of parameters and seeds; a rerun resumes."""

from __future__ import annotations

import sys

from scenarios.commands.options import nonnegative_int, refuse_unless
from scenarios.output import format_table, print_json


def register(sub) -> None:
    p = sub.add_parser(
        "batch", help="run a scenario over parameters x seeds (resumable; local pool or Dask)",
        description="Run every (parameter point, seed) of a TOML config; each finished run is appended "
                    "to OUT/results.jsonl at once, a rerun skips finished runs, OUT/results.csv is "
                    "written when all are done. See scenarios/configs/ for examples.")
    p.add_argument("config", nargs="?", metavar="CONFIG.toml", help="the batch config")
    p.add_argument("--out", metavar="DIR", help="results directory (created; reuse it to resume)")
    p.add_argument("--workers", type=nonnegative_int, metavar="N",
                   help="local worker processes (default: all cores; 0 = run in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster at ADDRESS (e.g. tcp://host:8786), or 'local' for a "
                        "LocalCluster of --workers processes; needs the 'dask' extra")
    p.add_argument("--check", action="store_true", help="check the config and show the plan; run nothing")
    p.add_argument("--list", action="store_true", help="list the scenarios and their parameters")
    p.add_argument("--wait", action="store_true",
                   help="if another mas batch is writing to --out, wait for it instead of failing")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from scenarios.batch import load_config, open_executor, run_batch
    from scenarios.batch.registry import SCENARIOS, load_builtin
    from scenarios.batch.runner import ExecutorFailure

    if args.list:
        for opt in ("config", "--check", "--out", "--workers", "--scheduler", "--wait", "--json", "--quiet"):
            refuse_unless(args, opt, False, "--list lists the scenarios and runs nothing; drop one of them")
        load_builtin()
        for sc in SCENARIOS.values():
            print(f"{sc.name}: {sc.description}")
            rows = [[p.name, p.type.__name__, p.default, "|".join(map(str, p.choices)) if p.choices else "",
                     p.help] for p in sc.params]
            print(format_table(["parameter", "type", "default", "choices", "meaning"], rows))
            print()
        return 0
    if not args.config:
        raise ValueError("CONFIG.toml is required (or --list)")
    config = load_config(args.config)
    runs = len(config.points) * len(config.seeds)
    if args.check:
        for opt in ("--out", "--workers", "--scheduler", "--wait", "--quiet"):
            refuse_unless(args, opt, False, "--check runs nothing; drop one of them")
        print(f"{args.config}: scenario {config.scenario}, {len(config.points)} points x "
              f"{len(config.seeds)} seeds = {runs} runs; varying: {', '.join(config.varying) or 'nothing'}")
        return 0
    if not args.out:
        raise ValueError("--out DIR is required")
    try:
        with open_executor(args.workers, args.scheduler) as (executor, slots):
            result = run_batch(config, args.out, executor, slots=slots, progress=False if args.quiet else None,
                               wait=args.wait)
    except ExecutorFailure as exc:
        sys.stderr.write(f"mas batch: error: the executor failed on {exc}; finished runs are saved, "
                         f"rerun the same command to resume\n")
        return 1
    _report(args, result)
    return 0 if result.failed == 0 else 1


def _report(args, result) -> None:
    """The batch's totals on stdout (JSON with --json), its first five failures on stderr."""
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"{result.total} runs: {result.skipped} already finished, {result.ran} ran now "
              f"in {result.seconds:.1f} s, {result.failed} failed")
        if result.csv_path:
            print(f"results: {result.csv_path}")
    for line in result.errors[:5]:
        sys.stderr.write(f"mas batch: {line}\n")
    if len(result.errors) > 5:
        sys.stderr.write(f"mas batch: ... and {len(result.errors) - 5} more failed runs (see results.jsonl)\n")
