"""Protocol runs side by side with the centralized optimum: what `mas negotiate` and
`mas compare` print.

``optimal_D`` is the least D over every feasible participant set of every size,
which equals the least D over all complete allocations (see
:mod:`mas.optimum`); ``gap`` = D / optimal_D - 1, given only for a complete
allocation (a partial one leaves subtasks out of D and is not comparable).
"""

from __future__ import annotations

import math

from mas.optimum import Optimum, optimum
from mas.selection import STRATEGIES, resolve
from protocols import names, negotiate


def protocol_options(protocol: str, bids: str) -> dict:
    """The ``--bids`` option for ``protocol`` (join bids the marginal cost only)."""
    if protocol == "join":
        if bids != "marginal":
            raise ValueError(f"--bids {bids}: the join protocol bids the marginal cost of D only")
        return {}
    return {"bids": bids}


def gap(D: float, best: Optimum, complete: bool = True) -> float | None:
    if not complete or not math.isfinite(D) or best.D <= 0:
        return None
    return D / best.D - 1.0


def negotiation_report(instance, protocol: str, *, seed: int = 0, kswap: int | None = None,
                       best: Optimum | None = None, protocol_options: dict | None = None, trace=None,
                       **model_options) -> dict:
    """One protocol run as the JSON of `mas negotiate`; ``trace``: a path for every message as JSON lines."""
    result, model = negotiate(instance, protocol, seed=seed, kswap=kswap, protocol_options=protocol_options,
                              trace=trace is not None, **model_options)
    if trace is not None:
        from mas.messages import write_trace

        write_trace(trace, model.channel.log())
    best = best or optimum(instance.cost_model())
    d = result.to_dict()
    d["optimal_D"] = best.D
    d["optimal_D_exact"] = best.exact
    d["optimal_method"] = best.method
    d["optimal_D_bound"] = best.bound
    d["optimal_D_gap"] = best.gap
    d["lower_bound"] = best.lower_bound
    d["complete"] = not result.unallocated
    d["gap"] = gap(result.D, best, not result.unallocated)
    return d


def central_rows(instance, best: Optimum) -> list[dict]:
    """The coordinator's strategies: the best D each finds over all k (no messages)."""
    costs = instance.cost_model()
    rows = []
    wanted = ["greedy", "local"]
    if costs.n <= 20:
        wanted.insert(0, "exhaustive")
    elif costs.n <= 40:
        wanted.insert(0, "milp")
    for name in wanted:
        if name not in STRATEGIES:
            continue
        sweep = costs.sweep(resolve(name, costs))
        r = min((r for r in sweep.rows if math.isfinite(r.D)), key=lambda r: (r.D, r.k))
        rows.append({"protocol": f"central-{name}", "D": r.D, "G": r.G, "gap": gap(r.D, best),
                     "messages": 0, "communication_cost": 0.0, "ticks": 0, "unallocated": 0, "payments": None})
    return rows


def compare(instance, *, seed: int = 0, kswap: int | None = None, bids: str = "marginal", **model_options) -> dict:
    """Every protocol and the centralized strategies on one instance (`mas compare --json`).

    ``bids`` goes to every protocol that has the choice (join always bids the marginal cost).
    """
    best = optimum(instance.cost_model())
    rows = []
    for name in names():
        options = protocol_options(name, "marginal" if name == "join" else bids)
        d = negotiation_report(instance, name, seed=seed, kswap=kswap, best=best, protocol_options=options,
                               **model_options)
        rows.append({"protocol": name, "bids": options.get("bids", "marginal"), "D": d["D"], "G": d["G"],
                     "gap": d["gap"],
                     "messages": d["messages"]["sent"], "communication_cost": d["communication_cost"],
                     "ticks": d["ticks"], "unallocated": len(d["unallocated"]), "payments": d["payment_total"]})
    rows += central_rows(instance, best)
    return {"optimal_D": best.D, "optimal_D_exact": best.exact, "optimal_method": best.method,
            "optimal_D_bound": best.bound, "optimal_D_gap": best.gap, "n": instance.n, "m": instance.m, "seed": seed, "rows": rows}


def plot_compare(path, report: dict, title: str) -> None:
    """Bars of D per protocol (and coordinator strategy), the optimum as a line; messages beside."""
    from matplotlib.figure import Figure

    from mas.files import save_figure

    rows = report["rows"]
    labels = [r["protocol"] for r in rows]
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    ax_d, ax_m = fig.subplots(1, 2)
    colours = ["tab:blue" if not lab.startswith("central-") else "tab:grey" for lab in labels]
    ax_d.bar(labels, [r["D"] for r in rows], color=colours)
    ax_d.axhline(report["optimal_D"], color="tab:red", linestyle="--",
                 label=("optimal D" if report["optimal_D_exact"] else "best known D (upper bound)"))
    for i, r in enumerate(rows):
        if r["unallocated"]:
            ax_d.annotate(f"{r['unallocated']} unalloc.", (i, r["D"]), ha="center", va="bottom", fontsize=7)
    ax_d.set(ylabel="total cost D (lower is better)", title="D of the final allocation")
    ax_d.legend()
    ax_m.bar(labels, [max(r["messages"], 0) for r in rows], color=colours)
    ax_m.set(ylabel="messages sent", title="messages")
    for ax in (ax_d, ax_m):
        ax.tick_params(axis="x", rotation=45)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title)
    save_figure(fig, path, dpi=120)
