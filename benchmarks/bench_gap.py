"""How close the protocols come to the optimum under the cost model they are scored by (issue 10).

For every protocol, on random small-world, random (Erdos-Renyi) and scale-free
instances of 12-20 agents and 12-20 subtasks: the mean and worst gap
D / optimal_D - 1 (optimal_D exact: enumeration over every participant set),
alone and followed by k-swaps with K = 2, and the mean messages sent. The
baseline in the same run is each protocol with ``bids="execution"`` (what they
bid before), and the coordinator's greedy and swap local search.

Run from the repository root:

    PYTHONPATH=. python benchmarks/bench_gap.py [--seeds 10] [--protocols cnp,join] [--markdown]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mas.instance import generate_instance
from mas.optimum import optimum
from protocols import names, negotiate

KINDS = ("small-world", "random", "scale-free")


def instances(seeds: int):
    for kind in KINDS:
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            n, m = int(rng.integers(12, 21)), int(rng.integers(12, 21))
            yield kind, seed, generate_instance(kind, n, m, seed=seed)


def central_gap(inst, best, strategy: str) -> float:
    sweep = inst.cost_model().sweep(strategy)
    return min(r.D for r in sweep.rows) / best - 1.0


def measure(protocols, seeds: int) -> list[dict]:
    cases = [(kind, seed, inst, optimum(inst.cost_model()).D) for kind, seed, inst in instances(seeds)]
    rows = []
    for name in protocols:
        for bids in ("marginal", "execution"):
            if name == "join" and bids == "execution":
                continue
            gaps, gaps_k2, msgs, msgs_k2 = [], [], [], []
            t0 = time.perf_counter()
            for _kind, seed, inst, best in cases:
                r, _ = negotiate(inst, name, seed=seed, protocol_options={"bids": bids})
                r2, _ = negotiate(inst, name, seed=seed, kswap=2, protocol_options={"bids": bids})
                gaps.append(r.D / best - 1.0)
                gaps_k2.append(r2.D / best - 1.0)
                msgs.append(r.messages["sent"])
                msgs_k2.append(r2.messages["sent"])
            rows.append({"protocol": name, "bids": bids, "mean_gap": float(np.mean(gaps)),
                         "max_gap": float(np.max(gaps)), "mean_gap_kswap2": float(np.mean(gaps_k2)),
                         "max_gap_kswap2": float(np.max(gaps_k2)), "messages": float(np.mean(msgs)),
                         "messages_kswap2": float(np.mean(msgs_k2)), "seconds": time.perf_counter() - t0})
    for strategy in ("greedy", "local"):
        g = [central_gap(inst, best, strategy) for _, _, inst, best in cases]
        rows.append({"protocol": f"central-{strategy}", "bids": "-", "mean_gap": float(np.mean(g)),
                     "max_gap": float(np.max(g)), "mean_gap_kswap2": None, "max_gap_kswap2": None,
                     "messages": 0.0, "messages_kswap2": None, "seconds": None})
    return rows


def pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def table(rows, markdown: bool) -> str:
    head = ["protocol", "bids", "mean gap", "worst gap", "mean gap, k-swap 2", "worst, k-swap 2", "messages",
            "messages, k-swap 2"]
    body = [[r["protocol"], r["bids"], pct(r["mean_gap"]), pct(r["max_gap"]), pct(r["mean_gap_kswap2"]),
             pct(r["max_gap_kswap2"]), f"{r['messages']:.0f}",
             "-" if r["messages_kswap2"] is None else f"{r['messages_kswap2']:.0f}"] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(b) + " |" for b in body]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    return "\n".join("  ".join(x.rjust(w) for x, w in zip(line, widths)) for line in [head, *body])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10, help="instances per topology kind (default 10)")
    ap.add_argument("--protocols", default=",".join(names()), help="comma-separated (default: all)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    rows = measure(args.protocols.split(","), args.seeds)
    print(f"{3 * args.seeds} instances (small-world, random, scale-free; 12-20 agents, 12-20 subtasks)")
    print(table(rows, args.markdown))


if __name__ == "__main__":
    main()
