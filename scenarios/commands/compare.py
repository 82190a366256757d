"""``mas compare``: every protocol and the coordinator's strategies on one instance."""

from __future__ import annotations

from pathlib import Path

from scenarios.commands.negotiate import add_fault_arguments
from scenarios.commands.options import nonempty_path
from scenarios.commands.sweep import add_instance_arguments, add_lambda_argument, instance_from_args, progress
from scenarios.output import format_table, percent, print_json
from scenarios.wiring import model_options


def register(sub) -> None:
    p = sub.add_parser("compare", help="all protocols and centralized strategies side by side",
                       description="Runs every negotiation protocol and the centralized strategies on the "
                                   "same instance: D, G, gap to the optimum, messages, cost, ticks.")
    add_instance_arguments(p)
    add_fault_arguments(p)
    add_lambda_argument(p)
    p.add_argument("--objective", choices=("D", "G"), default="D",
                   help="rank the rows by D (default) or G; the gap column is against optimal_D or optimal_G")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--plot", type=nonempty_path, metavar="FILE.png", help="bar chart of D and messages per protocol")
    p.set_defaults(run=run)


def run(args) -> int:
    from scenarios.negotiation import compare, plot_compare

    with progress(args, 2, "compare: topology and cost matrices") as bar:
        inst = instance_from_args(args, progress=bar.report)
        bar.advance()
        bar.stage(f"compare: every protocol on {inst.n} agents")
        report = compare(inst, seed=args.seed, kswap=args.kswap, participation=args.participation,
                         objective=args.objective, bids=args.bids, progress=bar.report, **model_options(vars(args)))
        bar.advance()
    if args.plot:
        plot_compare(
            args.plot,
            report,
            f"{args.topology or Path(args.instance).name}: {inst.n} agents, {inst.m} subtasks, seed {args.seed}",
        )
    if args.json:
        print_json(report)
        return 0
    print(f"{inst.n} agents, {inst.m} subtasks, seed {args.seed}; optimal D = {report['optimal_D']:.2f}"
          + ("" if report["optimal_D_exact"] else f" (best known, {report['optimal_method']})")
          + f", optimal G = {report['optimal_G']:.4g}"
          + ("" if report["optimal_G_exact"] else f" (best known, {report['optimal_G_method']})")
          + f" (lambda = {report['lambda']}); ranked by {report['objective']}")
    rows = [
        [
            r["protocol"] + ("" if r.get("bids", args.bids) == args.bids else f" ({r['bids']} bids)"),
            r["D"],
            r["G"],
            percent(r["gap_D"]),
            percent(r["gap_G"]),
            r["messages"],
            r["communication_cost"],
            r["ticks"],
            r["unallocated"],
            r["payments"],
        ]
        for r in report["rows"]
    ]
    print(format_table(["protocol", "D", "G", "D gap", "G gap", "messages", "comm. cost", "ticks",
                        "unallocated", "payments"], rows))
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0
