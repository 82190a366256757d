"""``mas queue``: M/M/1 and M/M/c figures, and the same measured by the dynamic Mesa model."""

from __future__ import annotations

from mas import limits
from mas.errors import InputError
from scenarios.commands.options import positive_float, positive_int, seed
from scenarios.output import format_table, print_json

FIGURES = ("rho", "P0", "erlang_c", "Lq", "L", "Wq", "W")


def register(sub) -> None:
    p = sub.add_parser("queue", help="M/M/1 and M/M/c (Erlang C) waiting-time formulas, optionally simulated",
                       description="Steady-state figures of an M/M/c queue; with --simulate also measured in the "
                                   "dynamic allocation model (c nodes, unit jobs, FIFO) with 95%% confidence "
                                   "intervals.")
    p.add_argument(
        "--arrival-rate", type=positive_float, required=True, metavar="L", help="lambda, arrivals per time unit"
    )
    p.add_argument("--service-rate", type=positive_float, required=True, metavar="M", help="mu, services per time unit")
    p.add_argument("--servers", type=positive_int, default=1, metavar="C", help="c, number of servers (default 1)")
    p.add_argument("--simulate", action="store_true", help="also run the dynamic Mesa model")
    p.add_argument("--horizon", type=positive_float, default=None, metavar="T",
                   help="simulated time (default 10000; needs --simulate)")
    p.add_argument("--seed", type=seed, default=None, metavar="S", help="random seed (default 0; needs --simulate)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run)


def run(args) -> int:
    from mas.resources.queueing import mm1, mmc

    if not args.simulate:
        for opt in ("horizon", "seed"):
            if getattr(args, opt) is not None:
                raise InputError(f"--{opt}", getattr(args, opt), "only makes sense with --simulate")
    q = (mm1(args.arrival_rate, args.service_rate) if args.servers == 1
         else mmc(args.arrival_rate, args.service_rate, args.servers))
    out = {k: getattr(q, k) for k in FIGURES}
    out.update(arrival_rate=q.arrival_rate, service_rate=q.service_rate, servers=q.servers)
    sim = None
    if args.simulate:
        from mas.resources.dynamic import simulate_mmc

        horizon = 10_000.0 if args.horizon is None else args.horizon
        limits.require_bounded(args.arrival_rate * horizon, limits.MAX_SIMULATED_JOBS, "--horizon", horizon,
                               "simulated arrivals (arrival rate x horizon)", "choose a shorter --horizon")
        limits.require(limits.queue_estimate(args.arrival_rate, horizon, args.servers), "mas queue")
        sim = simulate_mmc(args.arrival_rate, args.service_rate, args.servers, horizon=horizon,
                           seed=0 if args.seed is None else args.seed)
        d = sim.to_dict()
        out["simulation"] = {**{k: d[k] for k in FIGURES},
                             **{k: d[k] for k in ("horizon", "warmup", "batches", "confidence", "arrived",
                                                  "completed", "throughput", "p95_wait")}}
    if args.json:
        print_json(out)
        return 0
    header = ["figure", "formula"]
    rows = []
    for k in FIGURES:
        row = [k, f"{out[k]:.6g}"]
        if sim is not None:
            e = getattr(sim, k)
            row += [f"{e.mean:.6g}", f"[{e.low:.6g}, {e.high:.6g}]", "yes" if e.contains(out[k]) else "NO"]
        rows.append(row)
    if sim is not None:
        header += ["simulated", "95% interval", "inside"]
    print(f"M/M/{args.servers}: lambda = {args.arrival_rate:g}, mu = {args.service_rate:g}")
    print(format_table(header, rows))
    if sim is not None:
        print(f"{sim.arrived} arrivals over {sim.horizon:g} time units (first {sim.warmup:g} discarded), "
              f"{sim.batches} batches")
    return 0
