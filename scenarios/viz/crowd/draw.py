"""What the crowdsourcing page draws, as functions of the model (tested without a browser)."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from scenarios.viz.figures import LEGEND_WIDTH, Series, legend_beside, plot_margins

TASK_STATES = ("open", "merged", "done", "expired")
TASK_COLORS = {"open": "#4e79a7", "merged": "#b07aa1", "done": "#59a14f", "expired": "#bab0ac"}
WORKER_COLORS = {"waiting": "#f28e2b", "working": "#e15759"}


def task_rects(model) -> dict[str, np.ndarray]:
    """Arrived tasks by state: state -> (k, 4) array of rectangles (x1, y1, x2, y2)."""
    out = {s: [] for s in TASK_STATES}
    for agent in model.task_agents.values():
        out.setdefault(agent.state, []).append(agent.rect)
    return {s: np.array(r, dtype=float).reshape(-1, 4) for s, r in out.items()}


def worker_rects(model) -> dict[str, np.ndarray]:
    """Workers still on the plane by state (waiting, working): state -> (k, 4) acceptable ranges."""
    out = {s: [] for s in WORKER_COLORS}
    for agent in model.worker_agents.values():
        if agent.state in out:
            out[agent.state].append(agent.rect)
    return {s: np.array(r, dtype=float).reshape(-1, 4) for s, r in out.items()}


def corners(rects: np.ndarray) -> np.ndarray:
    """(k, 4, 2) polygon corners of (x1, y1, x2, y2) rectangles (for one PolyCollection per state)."""
    x1, y1, x2, y2 = (rects[:, i] for i in range(4))
    return np.stack([np.stack([x1, y1], 1), np.stack([x2, y1], 1), np.stack([x2, y2], 1),
                     np.stack([x1, y2], 1)], axis=1)


def time_text(model) -> str:
    t = model.time_fed
    return "not started" if t is None else f"{t:.1f}"


def draw_plane(model, fig) -> None:
    """The plane: task rectangles filled by state, worker ranges outlined (dashed while waiting)."""
    plot_margins(fig, left=0.75, right=LEGEND_WIDTH - 0.3, bottom=0.55, top=0.35)
    ax = fig.add_subplot()
    handles = [Patch(visible=False, label="tasks")]
    for state, rects in task_rects(model).items():
        color = TASK_COLORS.get(state, "#999999")
        if len(rects):
            ax.add_collection(PolyCollection(corners(rects), facecolors=color, edgecolors=color, alpha=0.45,
                                             linewidths=0.6, zorder=2))
        handles.append(Patch(facecolor=color, alpha=0.45, label=f"{state} ({len(rects)})"))
    handles.append(Patch(visible=False, label="worker ranges"))
    for state, rects in worker_rects(model).items():
        color = WORKER_COLORS[state]
        if len(rects):
            ax.add_collection(PolyCollection(corners(rects), facecolors="none", edgecolors=color, linewidths=0.9,
                                             linestyles="--" if state == "waiting" else "-", zorder=3))
        handles.append(Patch(facecolor="none", edgecolor=color, label=f"{state} ({len(rects)})",
                             linestyle="--" if state == "waiting" else "-"))
    side = model.settings.plane
    ax.set_xlim(0, side)
    ax.set_ylim(0, side)
    ax.set_aspect("equal")
    ax.set_xlabel("x (plane units)")
    ax.set_ylabel("y (plane units)")
    legend_beside(fig, handles, right=LEGEND_WIDTH - 0.3)
    ax.set_title(f"{model.algorithm.name}: tick {model.tick}, stream time {time_text(model)}")


COUNTS = Series("Tasks and workers on the plane", "count",
                (("completed", "tasks completed", "#59a14f"), ("open_tasks", "tasks open", "#4e79a7"),
                 ("waiting_workers", "workers waiting", "#f28e2b")), integer=True)
AVERAGE_COST = Series("Average cost per completed task", "cost (payment)",
                      (("average_cost", "average cost", "#e15759"),), empty="no task completed yet")


def status(model) -> list[str]:
    cost = f"{model.average_cost:.3g}" if model.completed else "-"
    return [f"Tick {model.tick}" + ("" if model.running else " (stream finished)"),
            f"stream time: {time_text(model)}",
            f"tasks arrived: {len(model.task_agents)}/{model.total_tasks}",
            f"workers arrived: {len(model.worker_agents)}/{model.total_workers}",
            f"tasks completed: {model.completed}", f"average cost: {cost}",
            f"workers used: {len(model.ledger.used)}"]


def finished(model) -> str:
    return (f"Finished at tick {model.tick}: every task and worker of the stream has arrived "
            f"({model.completed} of {model.total_tasks} tasks completed). Reset starts a new stream.")
