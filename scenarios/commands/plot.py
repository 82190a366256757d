"""``mas plot``: mean and 95% interval over seeds of a ``mas batch`` directory, one PNG per metric."""

from __future__ import annotations

from scenarios.commands.options import nonempty_path
from scenarios.output import format_table, print_json


def register(sub) -> None:
    p = sub.add_parser(
        "plot", help="plot a batch directory: mean and 95%% interval over seeds, one PNG per metric",
        description="Plot the results of `mas batch`. Lines are split by --hue; every other parameter "
                    "that varies gets its own panel. For a cost-sweep the default is G(k) (and D(k)) per "
                    "topology with the best k marked.")
    p.add_argument("dir", metavar="DIR", help="the --out directory of `mas batch`")
    p.add_argument("--x", metavar="PARAM", help="parameter (or curve axis such as k) on the x axis")
    p.add_argument("--y", metavar="METRIC", help="metric to plot (default: the scenario's choice or all)")
    p.add_argument("--hue", metavar="PARAM", help="parameter that splits lines")
    scale = p.add_mutually_exclusive_group()
    scale.add_argument("--logy", action="store_true", default=None, help="logarithmic y axis")
    scale.add_argument("--linear", dest="logy", action="store_false", help="linear y axis")
    p.add_argument("--out", type=nonempty_path, metavar="FOLDER", help="where the PNGs go (default DIR/plots)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from scenarios.batch.plot import plot_batch

    result = plot_batch(args.dir, x=args.x, y=args.y, hue=args.hue, out_dir=args.out, logy=args.logy)
    if args.json:
        print_json({"files": [str(f) for f in result.files], "summaries": [s.to_dict() for s in result.summaries]})
        return 0
    for f in result.files:
        print(f"wrote {f}")
    best = [s for s in result.summaries if s.best_x is not None]
    if best:
        rows = [[s.metric, s.panel, s.hue or "-", s.seeds, s.best_x, s.best_mean,
                 f"[{s.best_low:.2f}, {s.best_high:.2f}]",
                 "-" if s.per_seed_mode is None else f"{s.per_seed_mode} ({100 * s.per_seed_share:.0f}%)"]
                for s in best]
        print(format_table(["metric", "panel", "line", "seeds", f"best {result.x}", "mean", "95% interval",
                            "per-seed mode"], rows))
    excluded = sum(s.excluded for s in result.summaries)
    if excluded:
        print(f"note: {excluded} non-finite values (e.g. infeasible k) were left out of the means")
    return 0
