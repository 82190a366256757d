"""``mas place``: put tasks with resource demands on nodes with capacities."""

from __future__ import annotations

from mas import limits
from mas.resources.algorithms import ALGORITHMS, DEFAULT_ALGORITHM
from mas.resources.problem import OBJECTIVES
from scenarios.commands.options import positive_float, positive_int, refuse_untaken, seed
from scenarios.output import format_table, print_json


def register(sub) -> None:
    p = sub.add_parser("place", help="place tasks on nodes without exceeding any capacity",
                       description="Static multi-resource placement. Task and node files are JSON lists of "
                                   "objects with a name and a resources dict (tasks may add priority, value, "
                                   "duration; nodes cost and speed).")
    p.add_argument("--tasks", required=True, metavar="FILE", help="JSON list of tasks")
    p.add_argument("--nodes", required=True, metavar="FILE", help="JSON list of nodes")
    p.add_argument("--objective", choices=OBJECTIVES, default="count",
                   help="count/value: most tasks/value placed; cost: least cost, all placed; balance: smallest "
                        "maximum utilization; makespan: shortest busy time (default count)")
    p.add_argument("--algorithm", choices=ALGORITHMS.names(), default=DEFAULT_ALGORITHM,
                   help=f"exact (HiGHS integer program) or a heuristic (default {DEFAULT_ALGORITHM})")
    p.add_argument("--seed", type=seed, default=None, help="random seed of anneal and genetic (default 0)")
    p.add_argument("--time-limit", type=positive_float, default=None, metavar="SECONDS",
                   help="budget of anneal, genetic and exact")
    p.add_argument("--iterations", type=positive_int, default=None, metavar="N",
                   help="moves of anneal (default 20000), generations of genetic (default 100)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run)


def run(args) -> int:
    from mas.resources.problem import PlacementProblem
    from mas.resources.solve import place

    refuse_untaken(args, "--seed", ALGORITHMS, args.algorithm, "only {takers} draw random numbers")
    refuse_untaken(args, "--iterations", ALGORITHMS, args.algorithm, "only {takers} iterate")
    refuse_untaken(args, "--time-limit", ALGORITHMS, args.algorithm, "only {takers} take a time limit")
    if args.iterations is not None and args.time_limit is None:
        limits.require_bounded(args.iterations, limits.MAX_UNTIMED_ITERATIONS, "--iterations", args.iterations,
                               "iterations", "give --time-limit SECONDS too")
    problem = PlacementProblem.from_files(args.tasks, args.nodes)
    limits.require(limits.place_estimate(problem.n_tasks, problem.n_nodes, len(problem.kinds), args.algorithm),
                   "mas place")
    result = place(problem, args.objective, args.algorithm, seed=args.seed or 0, time_limit=args.time_limit,
                   iterations=args.iterations)
    if args.json:
        print_json(result.to_dict())
        return 0
    rows = [[t, n if n is not None else "-", *problem.demand[i].tolist()]
            for i, (t, n) in enumerate(result.placement().items())]
    print(format_table(["task", "node", *problem.kinds], rows))
    kind = "optimum" if result.bound_is_optimum else "bound"
    print(f"{args.algorithm}: {args.objective} = {result.value:g}, {kind} = {result.bound:g}, "
          f"gap = {result.gap:.2%}, optimal: {'yes' if result.optimal else 'no'} ({result.status}), "
          f"{result.seconds:.3f} s")
    return 0
