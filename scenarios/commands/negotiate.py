"""``mas negotiate``: one decentralized protocol on an instance, scored against the optimum."""

from __future__ import annotations

from protocols import PROTOCOLS, names
from protocols.base import BIDS, bid_options
from scenarios.commands.options import nonnegative_int, positive_int, probability, refuse_untaken
from scenarios.commands.sweep import add_instance_arguments, add_lambda_argument, instance_from_args, progress
from scenarios.output import format_table, percent, print_json
from scenarios.wiring import model_options


def add_fault_arguments(p) -> None:
    p.add_argument("--bids", choices=BIDS, default="marginal",
                   help="what agents bid: the marginal cost of D (execution + joining the working set; default) "
                        "or execution cost only (the cost-blind protocols, for comparison)")
    p.add_argument("--kswap", type=positive_int, metavar="K", help="improve the result by k-swaps of up to K subtasks")
    p.add_argument("--loss", type=probability, default=0.0, metavar="P", help="message loss probability (default 0)")
    p.add_argument("--crash-prob", type=probability, default=0.0, metavar="P",
                   help="probability that an agent crashes during the first 10 ticks (default 0)")
    p.add_argument("--fail-prob", type=probability, default=0.0, metavar="P",
                   help="probability that a contractor fails accepted work (default 0)")
    p.add_argument(
        "--max-ticks", type=positive_int, default=10_000, metavar="T", help="stop after T ticks (default 10000)"
    )
    p.add_argument(
        "--initiator",
        type=nonnegative_int,
        default=0,
        metavar="J",
        help="the agent where the problem arises (default 0)",
    )
    p.add_argument(
        "--capacity", type=positive_int, metavar="Q", help="at most Q subtasks per agent (default unlimited)"
    )


def register(sub) -> None:
    p = sub.add_parser("negotiate", help="run one negotiation protocol on an instance",
                       description="Agents negotiate over the topology with a protocol; the result is "
                                   "scored like a centralized allocation and compared with the optimum.")
    p.add_argument("--protocol", required=True, choices=names(), help="the negotiation protocol")
    add_instance_arguments(p)
    add_fault_arguments(p)
    add_lambda_argument(p)
    p.add_argument("--hops", type=positive_int, metavar="H",
                   help="announce only to agents within H hops (default: everyone; a protocol without "
                        "a hops option refuses it)")
    p.add_argument("--trace", metavar="FILE.jsonl",
                   help="write every message as one JSON line (tick, sender, receiver, performative, "
                        "conversation, subtask, cost, lost)")
    add_pricing_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    p.set_defaults(run=run)


# -- pricing by bargaining (protocols/bargaining/topology.py) ---------------------------------------
def add_pricing_arguments(p) -> None:
    g = p.add_argument_group("pricing by bargaining (--pricing bargain)")
    g.add_argument("--pricing", choices=["bargain"],
                   help="settle each awarded subtask's payment by alternating offers between the initiator "
                        "and the winner, every offer a message over the topology")
    g.add_argument("--buyer", metavar="S", help="the initiator's strategy (default linear)")
    g.add_argument("--seller", metavar="S", help="every winner's strategy (default linear)")
    g.add_argument("--deadline", type=int, metavar="T", help="rounds per negotiation (default 10)")
    g.add_argument("--budget", type=float, metavar="B",
                   help="the initiator's reservation price per subtask (default: its largest finite execution cost)")
    g.add_argument("--markup", type=float, metavar="X",
                   help="a winner opens at (1 + X) x its execution cost (default 1)")


def pricing_arguments(args) -> dict:
    """``pricing`` and ``pricing_options`` for :func:`protocols.negotiate` (empty without --pricing)."""
    given = {k: v for k in ("buyer", "seller", "deadline", "budget", "markup")
             if (v := getattr(args, k)) is not None}
    if args.pricing is None:
        if given:
            raise ValueError(f"--{next(iter(given))} is a pricing option: add --pricing bargain")
        return {}
    return {"pricing": args.pricing, "pricing_options": given}
# ---------------------------------------------------------------------------------------------------


def run(args) -> int:
    from scenarios.negotiation import negotiation_report

    with progress(args, 2, "negotiate: topology and cost matrices") as bar:
        inst = instance_from_args(args, progress=bar.report)
        bar.advance()
        bar.stage(f"negotiate: {args.protocol} on {inst.n} agents")
        report = _report(args, inst, negotiation_report, bar.report)
        bar.advance()
    return _show(args, report)


def _report(args, inst, negotiation_report, progress=None) -> dict:
    options = bid_options(args.protocol, args.bids)
    if args.hops is not None:
        refuse_untaken(args, "--hops", PROTOCOLS, args.protocol, "only {takers} announce by hops")
        options["hops"] = args.hops
    report = negotiation_report(inst, args.protocol, seed=args.seed, kswap=args.kswap,
                                protocol_options=options, participation=args.participation, trace=args.trace,
                                progress=progress,
                                **model_options(vars(args)), **pricing_arguments(args))
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
            ["gap", percent(report["gap"])],
            [f"optimal G (lambda = {report['lambda']})" + ("" if report["optimal_G_exact"] else " (upper bound)"),
             report["optimal_G"]],
            ["G gap", percent(report["gap_G"])],
            ["participants", len(report["participants"])],
            ["messages sent / delivered / lost", f"{msgs['sent']} / {msgs['delivered']} / {msgs['lost']}"],
            ["communication cost", report["communication_cost"]], ["ticks", report["ticks"]],
            ["payments (total)", report["payment_total"]]]
    if "kswap" in report:
        ks = report["kswap"]
        rows.append([f"k-swaps (K={ks['K']}) D before -> after", f"{ks['D_before']:.2f} -> {ks['D_after']:.2f}"])
    if "pricing" in report:  # -- pricing by bargaining --
        pr = report["pricing"]
        rate = "-" if pr["agreement_rate"] is None else f"{100 * pr['agreement_rate']:.0f}%"
        rows += [[f"bargained ({pr['buyer']} vs {pr['seller']}, T={pr['deadline']}): agreed", f"{pr['agreed']} of "
                  f"{pr['bargained']} ({rate})"],
                 ["bargaining rounds (mean)", "-" if pr["mean_rounds"] is None else pr["mean_rounds"]],
                 ["bargaining messages / resent", f"{pr['messages']['sent']} / {pr['messages']['resent']}"],
                 ["bargaining communication cost", pr["communication_cost"]]]
    print(format_table(["", "value"], rows))
    alloc = ["-" if a is None else str(a) for a in report["allocation"]]
    print("allocation (subtask -> agent): " + " ".join(alloc if len(alloc) <= 40 else alloc[:40] + ["..."]))
    if "pricing" in report:
        paid = ["-" if p is None else f"{p:.2f}" for p in report["payments"]]
        print("payments (subtask -> price): " + " ".join(paid if len(paid) <= 40 else paid[:40] + ["..."]))
    for u in report["unallocated"]:
        print(f"unallocated subtask {u['subtask']}: {u['reason']}")
    return 0

