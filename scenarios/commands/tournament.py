"""``mas tournament``: every ordered pair of bargaining strategies over seeded scenarios; a heat map."""

from __future__ import annotations

from scenarios.output import format_table, print_json

METRICS = (("agreement_rate", "agreement rate"), ("nash_product", "mean Nash product u_b u_s"))


def register(sub) -> None:
    p = sub.add_parser("tournament", help="every ordered pair of bargaining strategies, with a heat map",
                       description="Each seed draws reservation prices (seller's in the lower half of [0, 10], "
                                   "buyer's in the upper half; openings 0 and 10) and every ordered pair "
                                   "(buyer, seller) bargains on it: agreement rate, mean utilities, mean "
                                   "rounds, mean Nash product.")
    p.add_argument("--strategies", required=True, metavar="A,B,...",
                   help="strategy names, e.g. boulware,linear,conceder,tit-for-tat,time:2")
    p.add_argument("--deadline", type=int, default=10, metavar="T", help="rounds per negotiation (default 10)")
    p.add_argument("--seeds", type=int, default=10, metavar="N", help="scenarios per pair (default 10)")
    p.add_argument("--seed", type=int, default=0, help="base seed of the scenarios (default 0)")
    p.add_argument("--buyer-prices", metavar="IP,RV", help="fixed buyer prices instead of the draws")
    p.add_argument("--seller-prices", metavar="IP,RV", help="fixed seller prices instead of the draws")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--plot", metavar="FILE.png", help="heat maps of agreement rate and Nash product")
    p.set_defaults(run=run)


def run(args) -> int:
    from protocols.bargaining import parse_prices, tournament

    fixed = {f"{role}_prices": parse_prices(f"{role}_prices", text)
             for role, text in (("buyer", args.buyer_prices), ("seller", args.seller_prices)) if text}
    t = tournament([s for s in args.strategies.split(",") if s.strip()], deadline=args.deadline,
                   seeds=args.seeds, base=args.seed, **fixed)
    if args.plot:
        plot_tournament(args.plot, t)
    if args.json:
        print_json(t.to_dict())
        return 0
    print(f"{len(t.strategies)} strategies, every ordered pair, T = {t.deadline}, {t.seeds} seeds")
    print(format_table(["buyer", "seller", "agreement", "u buyer", "u seller", "rounds", "Nash product"],
                       [[p.buyer, p.seller, p.agreement_rate, p.mean_utility_buyer, p.mean_utility_seller,
                         p.mean_rounds, p.nash_product] for p in t.pairs]))
    if args.plot:
        print(f"plot written to {args.plot}")
    return 0


def plot_tournament(path, t) -> None:
    """Heat maps (buyer strategy rows x seller strategy columns) of agreement rate and Nash product."""
    from matplotlib.figure import Figure

    from mas.files import save_figure

    k = len(t.strategies)
    fig = Figure(figsize=(4.5 * len(METRICS) + 1, 0.5 * k + 3), layout="constrained")
    for ax, (metric, title) in zip(fig.subplots(1, len(METRICS), squeeze=False)[0], METRICS):
        values = t.matrix(metric)
        top = 1.0 if metric == "agreement_rate" else 0.25  # the Nash product of utilities in [0, 1] is at most 1/4
        image = ax.imshow(values, cmap="viridis", vmin=0.0, vmax=top)
        for i in range(k):
            for j in range(k):
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center",
                        color="white" if values[i, j] < top / 2 else "black", fontsize=8)
        ax.set_xticks(range(k), t.strategies, rotation=45, ha="right")
        ax.set_yticks(range(k), t.strategies)
        ax.set(xlabel="seller", ylabel="buyer", title=title)
        fig.colorbar(image, ax=ax, shrink=0.8)
    fig.suptitle(f"bargaining tournament: T = {t.deadline}, {t.seeds} seeds per pair")
    save_figure(fig, path, dpi=120)
