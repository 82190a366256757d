"""``mas gap``: solve OR-Library generalized assignment instances."""

from __future__ import annotations

from mas import limits
from mas.errors import InputError
from mas.resources.algorithms import GAP_ALGORITHMS, GAP_SEARCHES
from scenarios.commands.options import positive_float, positive_int, refuse_unless
from scenarios.output import format_table, print_json


def register(sub) -> None:
    p = sub.add_parser("gap", help="solve a generalized assignment problem (OR-Library format)",
                       description="Read an OR-Library GAP file (one instance, or gapN.txt with several) and "
                                   "assign every job to one agent within the capacities, at least (or most) cost.")
    p.add_argument("file", metavar="FILE", help="OR-Library GAP file")
    p.add_argument("--maximize", action="store_true", help="maximise the total instead of minimising it")
    p.add_argument("--algorithm", choices=GAP_ALGORITHMS, default="exact",
                   help="exact (HiGHS at zero gap from a heuristic start; optimal only when proven) or greedy "
                        "(regret heuristic + shifts and swaps); default exact")
    p.add_argument("--index", type=positive_int, default=None, metavar="K",
                   help="solve only the K-th instance of a multi-instance file (from 1)")
    p.add_argument("--time-limit", type=positive_float, default=None, metavar="SECONDS",
                   help="limit of the exact solver (it then also runs dives, tabu and neighbourhood searches); "
                        "the result says 'time limit' with the bound and gap reached")
    p.add_argument("--search", choices=GAP_SEARCHES.names(), default=None,
                   help="search phase of a time-limited exact solve: chain (ejection-chain tabu search, default) "
                        "or shift-swap (tabu search of shifts and swaps)")
    p.add_argument("--json", action="store_true", help="print JSON (an object; a list for several instances)")
    p.set_defaults(run=run)


def _tidy(d: dict) -> dict:
    v = d["objective_value"]
    if isinstance(v, float) and v.is_integer():
        d["objective_value"] = int(v)
    return d


def run(args) -> int:
    from mas.resources.gap import read_gap, solve_gap

    refuse_unless(args, "--time-limit", args.algorithm == "exact", "only the exact solver takes a time limit")
    refuse_unless(args, "--search", args.time_limit is not None, "the search phase runs only with --time-limit")
    instances = read_gap(args.file)
    if args.index is not None:
        if not 1 <= args.index <= len(instances):
            raise InputError("--index", args.index, f"must be in 1..{len(instances)} for {args.file}")
        instances = [instances[args.index - 1]]
    for inst in instances:
        limits.require(limits.gap_estimate(inst.agents, inst.jobs), "mas gap")
    solutions = [solve_gap(inst, maximize=args.maximize, algorithm=args.algorithm, time_limit=args.time_limit,
                           search=args.search or "chain")
                 for inst in instances]
    if args.json:
        out = [_tidy(s.to_dict()) for s in solutions]
        print_json(out[0] if len(out) == 1 else out)
        return 0
    rows = [[s.instance, f"{inst.agents} x {inst.jobs}", s.objective_value if s.objective_value is not None
             else s.status, "-" if s.bound is None else f"{s.bound:g}", "-" if s.gap is None else f"{s.gap:.4%}",
             "yes" if s.optimal else "no", s.status, f"{s.seconds:.3f}"]
            for s, inst in zip(solutions, instances)]
    print(format_table(["instance", "agents x jobs", "max" if args.maximize else "min", "bound", "gap", "optimal",
                        "status", "seconds"], rows))
    if len(solutions) == 1 and solutions[0].assignment is not None:
        print("agent per job (from 0):", " ".join(map(str, solutions[0].assignment)))
    return 0
