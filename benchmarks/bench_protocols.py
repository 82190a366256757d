"""Protocol benchmarks (issue 3).

1. Contract net with full broadcast, 1,000 agents x 1,000 subtasks on a
   small-world topology (about 3 million FIPA messages: cfp, propose/refuse,
   accept/reject, inform): wall time and messages per second, against the
   centralized greedy on the same instance (the baseline, for scale).
2. CBBA rounds to convergence and messages vs topology diameter on random,
   small-world and scale-free graphs of 100 to 1,000 agents.

Run from the repository root:

    PYTHONPATH=. python benchmarks/bench_protocols.py [--quick] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np

from mas.instance import generate_instance
from mas.model import NegotiationModel
from mas.selection.greedy import greedy_order
from protocols import create

TARGET_SECONDS = 10.0
TARGET_RATE = 200_000


def bench_contract_net(n: int, m: int, seed: int = 1) -> dict:
    inst = generate_instance("small-world", n, m, seed=seed)
    t0 = time.perf_counter()
    # full broadcast of every subtask at once: the message throughput of issue 3 (execution bids;
    # the cost-aware default announces one subtask at a time, see bench_gap.py for its quality)
    model = NegotiationModel(inst, create("cnp", bids="execution"), rng=seed)
    t1 = time.perf_counter()
    result = model.run()
    t2 = time.perf_counter()
    costs = model.costs
    t3 = time.perf_counter()
    order = greedy_order(costs)
    # D of every greedy prefix at once: running minima of C plus running pair sums
    o = np.asarray(order)
    execution = np.minimum.accumulate(costs.C[:, o], axis=1).sum(axis=0)
    pairs = np.cumsum(np.tril(costs.W[np.ix_(o, o)], -1).sum(axis=1))
    best = int(np.argmin(execution + pairs)) + 1  # greedy's best set over all k
    t4 = time.perf_counter()
    sent = result.messages["sent"]
    return {"n": n, "m": m, "setup_s": t1 - t0, "run_s": t2 - t1, "wall_s": t2 - t0, "messages": sent,
            "rate": sent / (t2 - t1), "ticks": result.ticks, "D": result.D, "greedy_s": t4 - t3,
            "greedy_D": costs.D(order[:best]), "unallocated": len(result.unallocated)}


def bench_cbba(kinds, sizes, m: int, seed: int = 1) -> list[dict]:
    rows = []
    for kind in kinds:
        for n in sizes:
            inst = generate_instance(kind, n, m, seed=seed)
            t0 = time.perf_counter()
            # classic CBBA (execution bids): rounds against the diameter, no flood epochs
            model = NegotiationModel(inst, create("cbba", bids="execution"), rng=seed, max_ticks=2000)
            result = model.run()
            dt = time.perf_counter() - t0
            rows.append({"kind": kind, "n": n, "m": m, "edges": model.graph.number_of_edges(),
                         "diameter": nx.diameter(model.graph), "rounds": result.extra["rounds"],
                         "converged": result.extra["converged"], "messages": result.messages["sent"],
                         "seconds": dt})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    ap.add_argument("--plot", metavar="FILE.png", help="CBBA rounds and messages vs diameter")
    args = ap.parse_args()
    n = m = 200 if args.quick else 1000
    r = bench_contract_net(n, m)
    print(f"Contract net, full broadcast, small-world, {r['n']} agents x {r['m']} subtasks")
    print(f"  messages sent        {r['messages']:>12,}")
    print(f"  model setup          {r['setup_s']:>12.2f} s  (topology matrices, agents, network)")
    print(f"  negotiation (run)    {r['run_s']:>12.2f} s  over {r['ticks']} ticks")
    print(f"  wall time            {r['wall_s']:>12.2f} s  (target <= {TARGET_SECONDS:g} s: "
          f"{'met' if r['wall_s'] <= TARGET_SECONDS else 'MISSED'})")
    print(f"  messages per second  {r['rate']:>12,.0f}    (target >= {TARGET_RATE:,}: "
          f"{'met' if r['rate'] >= TARGET_RATE else 'MISSED'})")
    print(f"  D contract net       {r['D']:>12.1f}    unallocated {r['unallocated']}")
    print(f"  centralized greedy   {r['greedy_s']:>12.2f} s  D = {r['greedy_D']:.1f}  "
          f"(contract net / greedy time: {r['wall_s'] / r['greedy_s']:.1f}x)")
    sizes = [100, 200] if args.quick else [100, 300, 1000]
    rows = bench_cbba(["random", "small-world", "scale-free"], sizes, m=20)
    print("\nCBBA, 20 subtasks, neighbour-only messages")
    print(
        f"  {'topology':<12}{'n':>6}{'edges':>8}{'diameter':>10}{'rounds':>8}{'messages':>11}{'time s':>9}  converged"
    )
    for x in rows:
        print(f"  {x['kind']:<12}{x['n']:>6}{x['edges']:>8}{x['diameter']:>10}{x['rounds']:>8}{x['messages']:>11,}"
              f"{x['seconds']:>9.2f}  {x['converged']}")
    if args.plot:
        from matplotlib.figure import Figure

        from mas.files import save_figure

        fig = Figure(figsize=(10, 4), layout="constrained")
        ax_r, ax_m = fig.subplots(1, 2)
        for kind in ["random", "small-world", "scale-free"]:
            pts = sorted((x["diameter"], x["rounds"], x["messages"], x["n"]) for x in rows if x["kind"] == kind)
            ax_r.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=kind)
            ax_m.plot([p[0] for p in pts], [p[2] for p in pts], marker="o", label=kind)
            for p in pts:
                ax_r.annotate(f"n={p[3]}", (p[0], p[1]), fontsize=7)
        ax_r.set(xlabel="topology diameter", ylabel="rounds to convergence", title="CBBA rounds")
        ax_m.set(xlabel="topology diameter", ylabel="messages", yscale="log", title="CBBA messages")
        for ax in (ax_r, ax_m):
            ax.grid(alpha=0.3)
            ax.legend()
        save_figure(fig, args.plot, dpi=120)
        print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
