"""``mas negotiate``: one decentralized protocol on an instance, scored against the optimum."""

from __future__ import annotations

from protocols import names
from scenarios.commands.sweep import add_instance_arguments, instance_from_args, progress
from scenarios.output import format_table, print_json


def add_fault_arguments(p) -> None:
    p.add_argument("--kswap", type=int, metavar="K", help="improve the result by k-swaps of up to K subtasks")
    p.add_argument("--loss", type=float, default=0.0, metavar="P", help="message loss probability (default 0)")
    p.add_argument("--crash-prob", type=float, default=0.0, metavar="P",
                   help="probability that an agent crashes during the first 10 ticks (default 0)")
    p.add_argument("--fail-prob", type=float, default=0.0, metavar="P",
                   help="probability that a contractor fails accepted work (default 0)")
    p.add_argument("--max-ticks", type=int, default=10_000, metavar="T", help="stop after T ticks (default 10000)")
    p.add_argument("--initiator", type=int, default=0, metavar="J", help="the agent where the problem arises (default 0)")
    p.add_argument("--capacity", type=int, metavar="Q", help="at most Q subtasks per agent (default unlimited)")


def model_options(args) -> dict:
    if args.kswap is not None and args.kswap < 1:
        raise ValueError(f"--kswap {args.kswap}: K must be >= 1")
    return {"loss": args.loss, "crash_prob": args.crash_prob, "fail_prob": args.fail_prob,
            "max_ticks": args.max_ticks, "initiator": args.initiator, "capacity": args.capacity}


def register(sub) -> None:
    p = sub.add_parser("negotiate", help="run one negotiation protocol on an instance",
                       description="Agents negotiate over the topology with a protocol; the result is "
                                   "scored like a centralized allocation and compared with the optimum.")
    p.add_argument("--protocol", required=True, choices=names(), help="the negotiation protocol")
    add_instance_arguments(p)
    add_fault_arguments(p)
    p.add_argument("--hops", type=int, metavar="H",
                   help="cnp, first-price, vickrey: announce only to agents within H hops (default: everyone)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    p.set_defaults(run=run)


def run(args) -> int:
    from scenarios.negotiation import negotiation_report

    with progress(args, 2, "negotiate: topology and cost matrices") as bar:
        inst = instance_from_args(args)
        bar.advance()
        bar.stage(f"negotiate: {args.protocol} on {inst.n} agents, then the centralized optimum")
        report = _report(args, inst, negotiation_report)
        bar.advance()
    return _show(args, report)


def _report(args, inst, negotiation_report) -> dict:
    options = {}
    if args.hops is not None:
        if args.protocol not in ("cnp", "first-price", "vickrey"):
            raise ValueError(f"--hops {args.hops}: only cnp, first-price and vickrey announce by hops")
        options["hops"] = args.hops
    report = negotiation_report(inst, args.protocol, seed=args.seed, kswap=args.kswap,
                                protocol_options=options, **model_options(args))
    report["topology"] = args.topology or args.instance
    return report


def _show(args, report) -> int:
    if args.json:
        print_json(report)
        return 0
    msgs = report["messages"]
    print(f"{report['protocol']} on {report['topology']}: {report['n']} agents, {report['m']} subtasks, "
          f"seed {args.seed}")
    rows = [["D", report["D"]], ["G", report["G"]],
            ["optimal D" + ("" if report["optimal_D_exact"] else " (upper bound)"), report["optimal_D"]],
            ["gap", "-" if report["gap"] is None else f"{100 * report['gap']:.1f}%"],
            ["participants", len(report["participants"])],
            ["messages sent / delivered / lost", f"{msgs['sent']} / {msgs['delivered']} / {msgs['lost']}"],
            ["communication cost", report["communication_cost"]], ["ticks", report["ticks"]],
            ["payments (total)", report["payment_total"]]]
    if "kswap" in report:
        ks = report["kswap"]
        rows.append([f"k-swaps (K={ks['K']}) D before -> after", f"{ks['D_before']:.2f} -> {ks['D_after']:.2f}"])
    print(format_table(["", "value"], rows))
    alloc = ["-" if a is None else str(a) for a in report["allocation"]]
    print("allocation (subtask -> agent): " + " ".join(alloc if len(alloc) <= 40 else alloc[:40] + ["..."]))
    for u in report["unallocated"]:
        print(f"unallocated subtask {u['subtask']}: {u['reason']}")
    return 0
