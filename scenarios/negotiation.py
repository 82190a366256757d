"""Protocol runs side by side with the centralized optimum: what `mas negotiate` and
`mas compare` print.

``optimal_D`` is the least D over every feasible participant set of every size,
which equals the least D over all complete allocations (see
:mod:`mas.optimum`); ``gap`` = D / optimal_D - 1, given only for a complete
allocation (a partial one leaves subtasks out of D and is not comparable).
``optimal_G`` is the least G of the sweep with lambda counted as
``participation`` says (``lambda`` in the JSON), ``gap_G`` = G / optimal_G - 1;
a protocol's G counts its working agents under both (see :mod:`mas.optimum`).
"""

from __future__ import annotations

import math

from mas.errors import InputError
from mas.optimum import Optimum, optimum
from mas.selection import STRATEGIES, resolve
from mas.selection.policy import central_strategies
from protocols import names, negotiate
from protocols.base import bid_options


def gap(D: float, best: Optimum, complete: bool = True) -> float | None:
    return _ratio_gap(D, best.D, complete)


# -- lambda and objective (issue 10) -----------------------------------------
#: what ``compare(objective=...)`` ranks by
OBJECTIVES = ("D", "G")


def gap_G(G: float, best: Optimum, complete: bool = True) -> float | None:
    """G / optimal_G - 1 (None for a partial allocation). Can be negative: see :mod:`mas.optimum`."""
    return _ratio_gap(G, best.G, complete)


def _ratio_gap(value: float, optimal: float, complete: bool) -> float | None:
    if not complete or not math.isfinite(value) or not math.isfinite(optimal) or optimal <= 0:
        return None
    return value / optimal - 1.0


def optimum_fields(best: Optimum) -> dict:
    """The optimum's JSON fields shared by `mas negotiate` and `mas compare`."""
    return {
        "optimal_D": best.D,
        "optimal_D_exact": best.exact,
        "optimal_method": best.method,
        "optimal_D_bound": best.bound,
        "optimal_D_gap": best.gap,
        "optimal_G": best.G,
        "optimal_G_exact": best.G_exact,
        "optimal_G_method": best.G_method,
        "optimal_G_participants": best.G_participants,
        "lambda": best.participation,
    }
# -----------------------------------------------------------------------------


def negotiation_report(instance, protocol: str, *, seed: int = 0, kswap: int | None = None,
                       best: Optimum | None = None, protocol_options: dict | None = None,
                       participation: str = "participants", trace=None, costs=None, progress=None,
                       **model_options) -> dict:
    """One protocol run as the JSON of `mas negotiate`; ``participation`` counts lambda in optimal_G;
    ``trace``: a path for every message as JSON lines; ``costs``: the instance's CostModel if the
    caller has it (validated once for many runs); ``progress(label, done, total)`` hears the
    ticks (allocated subtasks of all) and then the optimum's step."""
    costs = instance.cost_model(participation) if costs is None else costs.with_participation(participation)
    result, model = negotiate(instance, protocol, seed=seed, kswap=kswap, protocol_options=protocol_options,
                              trace=trace is not None, costs=costs, progress=progress, **model_options)
    if trace is not None:
        from mas.messages import write_trace

        write_trace(trace, model.channel.log())
    if best is None and progress is not None:
        progress("the centralized optimum", 0, 1)
    best = best or optimum(costs)
    d = result.to_dict()
    d.update(optimum_fields(best))
    d["lower_bound"] = best.lower_bound
    d["complete"] = not result.unallocated
    d["gap"] = gap(result.D, best, not result.unallocated)
    d["gap_G"] = gap_G(result.G, best, not result.unallocated)
    return d


def central_rows(instance, best: Optimum, objective: str = "D", *, costs=None) -> list[dict]:
    """The coordinator's strategies: the best D (or G) each finds over all k (no messages).

    Which strategies: :func:`mas.selection.policy.central_strategies` (under
    lambda = working the exact MILP is left out). ``costs``: the instance's
    CostModel if the caller has it.
    """
    costs = (instance.cost_model() if costs is None else costs).with_participation(best.participation)
    rows = []
    for name in central_strategies(costs.n, best.participation):
        if name not in STRATEGIES:
            continue
        sweep = costs.sweep(resolve(name, costs))
        finite = [r for r in sweep.rows if math.isfinite(r.D)]
        r = min(finite, key=(lambda r: (r.D, r.k)) if objective == "D" else (lambda r: (r.G, r.k)))
        gaps = {"gap_D": gap(r.D, best), "gap_G": gap_G(r.G, best)}
        rows.append({"protocol": f"central-{name}", "D": r.D, "G": r.G, "gap": gaps["gap_" + objective], **gaps,
                     "messages": 0, "communication_cost": 0.0, "ticks": 0, "unallocated": 0, "payments": None})
    return rows


def compare(instance, *, seed: int = 0, kswap: int | None = None, participation: str = "participants",
            objective: str = "D", bids: str = "marginal", progress=None, **model_options) -> dict:
    """Every protocol and the centralized strategies on one instance (`mas compare --json`).

    Rows are ranked by ``objective`` (D or G; complete allocations first, ties
    keep the protocols' order); each has ``gap_D`` and ``gap_G``, and ``gap``
    is the one of the objective. ``bids`` goes to every protocol that has the
    choice (join always bids the marginal cost); each row says what it bid.
    ``progress(label, done, total)`` hears the optimum's step and every protocol's ticks.
    """
    if objective not in OBJECTIVES:
        raise InputError("objective", objective, "must be 'D' or 'G'")
    costs = instance.cost_model(participation)  # validated once, shared by every run below
    if progress is not None:
        progress("the centralized optimum", 0, 1)
    best = optimum(costs)
    rows = []
    protocols = names()
    for i, name in enumerate(protocols):
        options = bid_options(name, "marginal" if name == "join" else bids)
        tell = None if progress is None else (
            lambda label, done, total, name=name, i=i: progress(f"{name} ({i + 1}/{len(protocols)}), {label}", done,
                                                                total))
        d = negotiation_report(instance, name, seed=seed, kswap=kswap, best=best, protocol_options=options,
                               costs=costs, progress=tell, **model_options)
        rows.append(
            {
                "protocol": name,
                "bids": options.get("bids", "marginal"),
                "D": d["D"],
                "G": d["G"],
                "gap": None,
                "gap_D": d["gap"],
                "gap_G": d["gap_G"],
                "messages": d["messages"]["sent"],
                "communication_cost": d["communication_cost"],
                "ticks": d["ticks"],
                "unallocated": len(d["unallocated"]),
                "payments": d["payment_total"],
            }
        )
    for r in rows:
        r["gap"] = r["gap_" + objective]
    rows += central_rows(instance, best, objective, costs=costs)
    rows.sort(key=lambda r: (r["unallocated"] > 0, r[objective]))
    return {**optimum_fields(best), "objective": objective, "n": instance.n, "m": instance.m, "seed": seed,
            "rows": rows}


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
