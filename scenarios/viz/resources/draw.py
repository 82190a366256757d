"""What the resources page draws, as functions of the model (tested without a browser)."""

from __future__ import annotations

import math

import numpy as np

KIND_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948")


def utilization(model) -> np.ndarray:
    """(nodes, kinds) used / capacity of every node and resource kind, in [0, 1] (0 where a node lacks a kind)."""
    cap, free = model.capacity, model.free
    return np.divide(cap - free, cap, out=np.zeros_like(cap), where=cap > 0)


def running_jobs(model) -> np.ndarray:
    """Jobs running on each node now."""
    return np.array([len(n.running) for n in model.nodes], dtype=int)


def draw_nodes(model, fig) -> None:
    """One group of bars per node: its utilization of each resource kind, running jobs above it."""
    ax = fig.add_subplot()
    u = utilization(model)
    n, k = u.shape
    width = 0.8 / max(k, 1)
    x = np.arange(n)
    for r, kind in enumerate(model.kinds):
        ax.bar(x + (r - (k - 1) / 2) * width, u[:, r], width=width, color=KIND_COLORS[r % len(KIND_COLORS)],
               label=kind)
    for j, count in enumerate(running_jobs(model).tolist()):
        ax.text(j, 1.02, f"{count} job{'s' if count != 1 else ''}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, [node.name for node in model.nodes], rotation=0 if n <= 12 else 90, fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("utilization")
    ax.axhline(1.0, color="#999999", linewidth=0.8)
    ax.set_title(f"{model.policy}: time {model.clock:g}, queue {len(model.queue)}, "
                 f"done {model.completed}", fontsize=9)
    ax.legend(loc="upper right", fontsize=7, ncol=k, bbox_to_anchor=(1.0, -0.08 if n <= 12 else -0.2))


def status(model) -> str:
    w = model.mean_wait()
    return (f"Tick {model.tick} | time {model.clock:g} | queue: {len(model.queue)} | running: "
            f"{int(running_jobs(model).sum())} | completed: {model.completed} | mean wait: "
            + (f"{w:.3g}" if math.isfinite(w) else "-") + f" | timed out: {model.timed_out} | rejected: {model.rejected}")
