"""What the resources page draws, as functions of the model (tested without a browser)."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import MaxNLocator

from scenarios.viz.figures import LEGEND_WIDTH, Series, legend_beside, plot_margins

KIND_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948")
#: above this many nodes the node names are written upright
UPRIGHT_NAMES_MAX = 12


def utilization(model) -> np.ndarray:
    """(nodes, kinds) used / capacity of every node and resource kind, in [0, 1] (0 where a node lacks a kind)."""
    cap, free = model.capacity, model.free
    return np.divide(cap - free, cap, out=np.zeros_like(cap), where=cap > 0)


def running_jobs(model) -> np.ndarray:
    """Jobs running on each node now."""
    return np.array([len(n.running) for n in model.nodes], dtype=int)


def draw_nodes(model, fig) -> None:
    """Per node: running jobs (top) and its utilization of each resource kind (bars below), legend beside."""
    plot_margins(fig, left=0.8, right=LEGEND_WIDTH - 0.6, bottom=0.85, top=0.35)
    top, ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1, 3]})
    u = utilization(model)
    n, k = u.shape
    width = 0.8 / max(k, 1)
    x = np.arange(n)
    jobs = running_jobs(model)
    top.bar(x, jobs, width=0.6, color="#9c755f", label="running jobs")
    top.set_ylabel("jobs")
    top.set_ylim(0, max(int(jobs.max()) if n else 0, 1) * 1.15)
    top.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
    top.grid(axis="y", alpha=0.3)
    if n <= UPRIGHT_NAMES_MAX:
        for j, count in enumerate(jobs.tolist()):
            top.text(j, count, str(count), ha="center", va="bottom", fontsize=9)
    for r, kind in enumerate(model.kinds):
        ax.bar(x + (r - (k - 1) / 2) * width, u[:, r], width=width, color=KIND_COLORS[r % len(KIND_COLORS)],
               label=f"{kind} used")
    every = max(1, math.ceil(n / 20))  # a readable name under at most 20 nodes, the others ticked only
    ax.set_xticks(x)
    ax.set_xticklabels([node.name if j % every == 0 else "" for j, node in enumerate(model.nodes)],
                       rotation=0 if n <= UPRIGHT_NAMES_MAX else 90)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("utilization (used / capacity)")
    ax.set_xlabel("node")
    ax.axhline(1.0, color="#999999", linewidth=0.8)
    ax.grid(axis="y", alpha=0.3)
    handles = top.get_legend_handles_labels()[0] + ax.get_legend_handles_labels()[0]
    legend_beside(fig, handles, right=LEGEND_WIDTH - 0.6)
    top.set_title(f"{model.policy} on {n} node{'s' if n != 1 else ''}: tick {model.tick}, time {model.clock:g}")


QUEUE = Series("Jobs waiting and running", "jobs",
               (("queue_length", "waiting in the queue", "#e15759"), ("running", "running", "#4e79a7")), integer=True)
WAIT = Series("Wait before a job starts", "wait (time units)",
              (("mean_wait", "mean", "#59a14f"), ("p95_wait", "95th percentile", "#f28e2b")),
              empty="no job has started yet")


def utilization_series(model) -> Series:
    """Utilization of each resource kind over all nodes (the kinds are the model's)."""
    return Series("Utilization of all nodes", "used / capacity",
                  tuple((f"utilization_{kind}", kind, KIND_COLORS[i % len(KIND_COLORS)])
                        for i, kind in enumerate(model.kinds)))


def draw_utilization(model, fig) -> None:
    utilization_series(model).draw(model, fig)
    fig.axes[0].set_ylim(0, 1.05)


def status(model) -> list[str]:
    w = model.mean_wait()
    return [f"Tick {model.tick}", f"time: {model.clock:g}", f"nodes: {len(model.nodes)}", f"policy: {model.policy}",
            f"queue: {len(model.queue)}", f"running: {int(running_jobs(model).sum())}",
            f"completed: {model.completed}", "mean wait: " + (f"{w:.3g}" if math.isfinite(w) else "-"),
            f"timed out: {model.timed_out}", f"rejected: {model.rejected}"]


def finished(model) -> str:
    return f"Stopped at tick {model.tick}. Reset starts a new run."
