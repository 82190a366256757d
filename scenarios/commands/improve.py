"""``mas improve``: improve any given allocation by k-swaps and show every exchange."""

from __future__ import annotations

from mas.errors import InputError
from scenarios.commands.sweep import add_instance_arguments, instance_from_args
from scenarios.output import print_json


def register(sub) -> None:
    p = sub.add_parser("improve", help="improve a given allocation by k-swaps",
                       description="Exchanges of up to K subtasks (transfers, clusters, swaps, multi-agent "
                                   "transfers, cycles) while they lower D; prints D before and after "
                                   "and every exchange.")
    add_instance_arguments(p)
    p.add_argument("--allocation", required=True, metavar="A0,A1,...",
                   help="the agent of each subtask, numbered from 0; '-' leaves a subtask unallocated")
    p.add_argument("--kswap", type=int, required=True, metavar="K", help="the most subtasks one exchange moves")
    p.add_argument("--capacity", type=int, metavar="Q", help="at most Q subtasks per agent (default unlimited)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(run=run)


def parse_allocation(text: str) -> list[int | None]:
    """``"0,0,-,1"`` -> ``[0, 0, None, 1]``; the range is checked against the instance later.

    >>> parse_allocation("0, 2,-")
    [0, 2, None]
    """
    out: list[int | None] = []
    for i, token in enumerate(text.split(",")):
        token = token.strip()
        if token == "-":
            out.append(None)
            continue
        try:
            out.append(int(token))
        except ValueError:
            raise InputError(f"allocation[{i}]", token, "must be an agent number (from 0) or '-'") from None
    return out


def run(args) -> int:
    from protocols.kswap import kswap

    inst = instance_from_args(args)
    costs = inst.cost_model()
    r = kswap(costs, parse_allocation(args.allocation), args.kswap, capacity=args.capacity)
    if args.json:
        print_json(r.to_dict())
        return 0
    optimal = (
        f"{r.K}-exchange optimal" if r.k_optimal else f"no searched exchange improves it; {r.K}-optimality not checked"
    )
    print(f"D {r.D_before:.2f} -> {r.D_after:.2f}  (K = {r.K}, {r.moves} exchange{'s' * (r.moves != 1)}; {optimal})")
    for e in r.exchanges:
        moves = ", ".join(f"subtask {i} {a} -> {b}" for i, a, b in e.moves)
        print(f"{e.kind}: {moves}  (D {e.delta:+.2f})")
    print("allocation (subtask -> agent): " + " ".join("-" if a is None else str(a) for a in r.allocation))
    return 0
