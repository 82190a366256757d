"""``mas paper``: the seed paper's Table 1, reproduced and compared with the optimum."""

from __future__ import annotations

from scenarios.commands.options import nonempty_path
from scenarios.commands.sweep import add_lambda_argument
from scenarios.output import format_table, print_json


def register(sub) -> None:
    p = sub.add_parser("paper", help="reproduce the seed paper's Table 1 (D and G for k = 1..6)",
                       description="The seed paper's example: its D and G per k, ours for its "
                                   "participant sets, and the exhaustive optimum.")
    add_lambda_argument(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--plot", type=nonempty_path, metavar="FILE.png", help="draw D(k) and G(k), paper vs optimal")
    p.set_defaults(run=run)


def run(args) -> int:
    from scenarios.paper import ROW6_NOTE, paper_table

    rows, best_k = paper_table(participation=args.participation)
    if args.plot:
        from scenarios.plots import plot_k_curves

        ks = [r.k for r in rows]
        plot_k_curves(args.plot, ks, {
            "paper": ([r.paper_D for r in rows], [r.paper_G for r in rows]),
            "optimal": ([r.optimal_D for r in rows], [r.optimal_G for r in rows]),
        }, "Seed paper, Table 1: paper vs exhaustive optimum", best_k=best_k)
    if args.json:
        print_json({"rows": [r.to_dict() for r in rows], "best_k": best_k, "lambda": args.participation})
        return 0
    table = [
        [r.k, r.paper_D, r.paper_G, _set(r.participants), r.D, r.G, _set(r.optimal_participants),
         r.optimal_D, r.optimal_G]
        for r in rows
    ]
    print("Seed paper, Table 1 (agents numbered from 1, kappa = 2"
          + (")" if args.participation == "participants" else
             "; our G and the optimum with lambda = working agents, the paper's G with lambda = |S|)"))
    print(format_table(["k", "paper D", "paper G", "paper's set", "our D", "our G",
                        "optimal set", "opt D", "opt G"], table))
    print()
    print(ROW6_NOTE)
    print("Rows 2-4: the paper's sets are not optimal; the exhaustive optimum is cheaper.")
    if args.participation == "working":
        idle = ", ".join(str(r.k) for r in rows if r.participants and r.working < r.k)
        none = ", ".join(str(r.k) for r in rows if not r.optimal_participants)
        print(f"lambda = working agents: the paper's sets for k = {idle or '-'} have idle agents; "
              f"for k = {none or '-'} no set has all k agents working.")
    print(f"Best number of participants (smallest optimal G): k = {best_k}")
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0


def _set(s: list[int]) -> str:
    return "{" + ",".join(map(str, s)) + "}" if s else "-"
