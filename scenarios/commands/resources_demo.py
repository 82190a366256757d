"""``mas resources-demo``: seed 001's placement examples solved by every algorithm, side by side."""

from __future__ import annotations

from mas.resources.problem import OBJECTIVES
from scenarios.commands.options import seed
from scenarios.output import format_table, print_json


def register(sub) -> None:
    p = sub.add_parser("resources-demo", help="seed 001's examples (3 tasks / 2 models, 5 tasks / 3 models), "
                                              "every algorithm",
                       description="The seed's task-placement examples solved by every algorithm, and the "
                                   "seed's own claimed placements run through the capacity checker.")
    p.add_argument("--objective", choices=OBJECTIVES, default="count", help="objective (default count)")
    p.add_argument("--seed", type=seed, default=0, help="random seed of anneal and genetic (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.set_defaults(run=run)


def run(args) -> int:
    from scenarios.resources_examples import run_demo

    demo = run_demo(args.objective, seed=args.seed)
    if args.json:
        print_json({"examples": demo})
        return 0
    for ex in demo:
        print(f"{ex['example']}: {ex['description']}")
        rows = []
        for r in ex["results"]:
            if r.get("error"):
                rows.append([r["algorithm"], *(["-"] * len(ex["tasks"])), "-", "-", "-", r["error"][:40]])
                continue
            rows.append([r["algorithm"], *(r["placement"][t] or "-" for t in ex["tasks"]), r["value"],
                         r["bound"], f"{r['gap']:.1%}", f"{r['seconds'] * 1000:.1f} ms"])
        print(format_table(["algorithm", *ex["tasks"], ex["objective"], "optimum", "gap", "time"], rows))
        for c in ex["seed_claims"]:
            verdict = "valid" if c["valid"] else f"REJECTED: {c['error']}"
            shown = ", ".join(f"{t}->{n}" for t, n in c["placement"].items())
            print(f"  {c['claim']} ({shown}): {verdict}")
        print()
    return 0
