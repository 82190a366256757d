"""``mas bargain``: one alternating-offers negotiation over a price between two strategies."""

from __future__ import annotations

from protocols.bargaining.strategies import STRATEGIES
from scenarios.output import format_table, print_json

_SPELLED = {"time": "time:BETA (offer IP + (t/T)^(1/BETA) (RV - IP))", "tit-for-tat": "tit-for-tat (relative)"}
STRATEGY_HELP = ", ".join(_SPELLED.get(name, name) for name in STRATEGIES.names()) + ", or a strategy you registered"


def register(sub) -> None:
    p = sub.add_parser("bargain", help="alternating offers over a price between a buyer and a seller",
                       description="Bilateral alternating-offers bargaining: the buyer offers in even rounds, the "
                                   "seller in odd ones; a side accepts when the standing offer is at least as good "
                                   "as the offer it would make; no acceptance by round T-1: no agreement.")
    p.add_argument(
        "--buyer", default="linear", metavar="S", help=f"the buyer's strategy (default linear): {STRATEGY_HELP}"
    )
    p.add_argument("--seller", default="linear", metavar="S", help="the seller's strategy (default linear)")
    p.add_argument("--buyer-prices", default="0,10", metavar="IP,RV",
                   help="the buyer's initial and reservation price, IP < RV (default 0,10)")
    p.add_argument("--seller-prices", default="10,0", metavar="IP,RV",
                   help="the seller's initial and reservation price, IP > RV (default 10,0)")
    p.add_argument("--deadline", type=int, default=10, metavar="T", help="rounds 0..T-1 (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed for strategies that draw (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run)


def run(args) -> int:
    from protocols.bargaining import bargain

    r = bargain(args.buyer, args.seller, buyer_prices=args.buyer_prices, seller_prices=args.seller_prices,
                deadline=args.deadline, seed=args.seed)
    if args.json:
        print_json(r.to_dict())
        return 0
    print(f"buyer {r.buyer} ({args.buyer_prices}) vs seller {r.seller} ({args.seller_prices}), T = {r.deadline}")
    print(format_table(["round", "from", "performative", "price"],
                       [[m["round"], m["sender"], m["performative"], m["price"]] for m in r.messages]))
    if r.agreement:
        print(f"agreement in round {r.round} at price {r.price:.2f}; utilities buyer {r.utilities['buyer']:.2f}, "
              f"seller {r.utilities['seller']:.2f}; {r.rounds} messages")
    else:
        print(f"no agreement by round {r.deadline - 1}; {r.rounds} messages")
    return 0
