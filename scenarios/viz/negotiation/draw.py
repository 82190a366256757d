"""What the negotiation page draws, as functions of the model (tested without a browser).

Positions, edge segments and paths come from :class:`NegotiationView`, computed
once per reset; a frame only recolours agents, relabels loads and lays this
tick's messages on the edges they travel.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from mas.agents import STATES
from mas.messages import Performative

STATE_COLORS = {"idle": "#b0b0b0", "announcing": "#f28e2b", "bidding": "#4e79a7", "working": "#59a14f",
                "crashed": "#e15759"}
#: one colour per performative; lost messages are drawn dashed in black
MESSAGE_COLORS = {"cfp": "#f28e2b", "propose": "#4e79a7", "refuse": "#9c755f", "accept-proposal": "#59a14f",
                  "reject-proposal": "#bab0ac", "inform": "#76b7b2", "failure": "#e15759", "lost": "#000000"}
#: above this many agents only agents that hold work are labelled with their load
LABEL_ALL_MAX_N = 60
#: from this many edges on, the edges are drawn once per reset into an image that every frame reuses
EDGE_IMAGE_MIN_EDGES = 1500


def agent_states(model) -> list[str]:
    """Each agent's state (one of :data:`mas.agents.STATES`), by agent index."""
    return [a.state for a in model.agent_list]


def agent_colors(model) -> list[str]:
    return [STATE_COLORS[s] for s in agent_states(model)]


def agent_loads(model) -> np.ndarray:
    """Subtasks each agent holds now."""
    return np.array([a.load for a in model.agent_list], dtype=int)


def labelled_agents(model) -> np.ndarray:
    """The agents whose load is written beside them: all of a small run, the loaded ones of a big run."""
    loads = agent_loads(model)
    return np.arange(model.n) if model.n <= LABEL_ALL_MAX_N else np.flatnonzero(loads > 0)


def edge_widths(costs, low: float = 0.4, high: float = 3.0) -> np.ndarray:
    """Line widths growing linearly with negotiation cost, from ``low`` (cheapest) to ``high`` (dearest)."""
    c = np.asarray(costs, dtype=float)
    if c.size == 0:
        return c
    span = float(c.max() - c.min())
    if span <= 0:
        return np.full(c.size, (low + high) / 2)
    return low + (high - low) * (c - c.min()) / span


def message_traffic(model) -> dict[str, np.ndarray]:
    """This tick's messages per edge: performative (or ``lost``) -> count on each of ``model.edges``.

    A message is counted on every edge of the cheapest path from its sender to
    its receiver (the path it is charged for); messages a crashed agent never
    heard still travelled.
    """
    msgs = model.messages_this_tick()
    out: dict[str, np.ndarray] = {}
    if msgs.size == 0:
        return out
    kind = np.where(msgs["lost"], -1, msgs["performative"].astype(np.int64))
    keys, counts = np.unique(np.stack([kind, msgs["sender"], msgs["receiver"]], axis=1), axis=0, return_counts=True)
    for (k, s, r), c in zip(keys.tolist(), counts.tolist()):
        name = "lost" if k < 0 else Performative(k).fipa
        per_edge = out.setdefault(name, np.zeros(len(model.edges), dtype=np.int64))
        np.add.at(per_edge, model.path_edges(s, r), c)
    return out


def edge_image(model) -> np.ndarray:
    """The graph's edges (width by cost) as an RGBA image over ``model.bounds``, drawn once per model."""
    if model.edge_image is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 9), dpi=100)
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.axis("off")
        x0, x1, y0, y1 = model.bounds
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.add_collection(LineCollection(model.xy[model.edges], linewidths=edge_widths(model.edge_cost, 0.3, 1.5),
                                         colors="#d9d9d9"))
        canvas.draw()
        model.edge_image = np.asarray(canvas.buffer_rgba()).copy()
    return model.edge_image


def draw_topology(model, fig) -> None:
    """The topology at the nodes' own positions: edges by cost, messages, agents by state with loads."""
    ax = fig.add_subplot()
    xy, edges = model.xy, model.edges
    x0, x1, y0, y1 = model.bounds
    segments = xy[edges] if len(edges) else np.empty((0, 2, 2))
    if len(edges) >= EDGE_IMAGE_MIN_EDGES:  # thousands of lines cost more per frame than one image
        ax.imshow(edge_image(model), extent=(x0, x1, y0, y1), origin="upper", zorder=1)
    else:
        ax.add_collection(LineCollection(segments, linewidths=edge_widths(model.edge_cost), colors="#d9d9d9",
                                         zorder=1))
    handles = []
    for name, per_edge in message_traffic(model).items():
        used = np.flatnonzero(per_edge)
        widths = 1.0 + 1.5 * np.log1p(per_edge[used])
        ax.add_collection(LineCollection(segments[used], linewidths=widths, colors=MESSAGE_COLORS[name], alpha=0.7,
                                         linestyles="dashed" if name == "lost" else "solid", zorder=2))
        handles.append(Line2D([], [], color=MESSAGE_COLORS[name], label=f"{name} ({int(per_edge.sum())} hops)",
                              linestyle="--" if name == "lost" else "-"))
    states = agent_states(model)
    size = max(12.0, min(160.0, 4000.0 / max(model.n, 1)))
    crashed = np.array([s == "crashed" for s in states])
    colors = np.array(agent_colors(model))
    ax.scatter(xy[~crashed, 0], xy[~crashed, 1], s=size, c=colors[~crashed], edgecolors="#333333",
               linewidths=0.5, zorder=3)
    if crashed.any():
        ax.scatter(xy[crashed, 0], xy[crashed, 1], s=size, c=STATE_COLORS["crashed"], marker="X", zorder=3)
    loads = agent_loads(model)
    named = model.names != [str(j) for j in range(model.n)]  # a file's node names are worth showing
    for j in labelled_agents(model).tolist():
        text = f"{model.names[j]}: {loads[j]}" if named else str(loads[j])
        ax.annotate(text, xy[j], xytext=(4, 4), textcoords="offset points", fontsize=7, zorder=4)
    present = [s for s in STATES if s in states]
    handles = [Line2D([], [], marker="o", linestyle="", color=STATE_COLORS[s], label=s) for s in present] + handles
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
    ax.set_title(f"{model.protocol.name} on {model.topology_name}, n={model.n}, m={model.m}: tick {model.tick}"
                 + (" (done)" if model.done else ""), fontsize=9)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def gk_curve(model) -> tuple[np.ndarray, np.ndarray, int | None]:
    """The coordinator's G(k) for k = 1..n (nan where no set of size k covers every subtask) and the best k."""
    rows = model.sweep.rows
    ks = np.array([r.k for r in rows], dtype=int)
    G = np.array([r.G if math.isfinite(r.G) else math.nan for r in rows], dtype=float)
    return ks, G, model.sweep.best_k


def draw_gk(model, fig) -> None:
    """G(k) of the coordinator's best set of each size, the best k, and where the protocol stands now."""
    ax = fig.add_subplot()
    ks, G, best = gk_curve(model)
    ax.plot(ks, G, marker="o" if ks.size <= 40 else None, markersize=3, label=f"G(k), {model.sweep.strategy}")
    if best is not None:
        g_best = G[best - 1]
        ax.axvline(best, color="grey", linestyle="--", linewidth=1)
        ax.plot([best], [g_best], marker="*", markersize=12, color="#e15759", linestyle="",
                label=f"best k = {best}, G = {g_best:.3g}")
    score = model.current_score()
    if score.working and math.isfinite(score.G):
        ax.plot([len(score.working)], [score.G], marker="D", color="#59a14f", linestyle="",
                label=f"{model.protocol.name} now: k = {len(score.working)}, G = {score.G:.3g}")
    ax.set(xlabel="participants k", ylabel="G = D k^-kappa", title="Coordinator: G(k) and the best k")
    if np.isfinite(G).any() and np.nanmax(G) / max(np.nanmin(G), 1e-12) > 50:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)


def status(model) -> str:
    """One line of text: the tick counter and the latest values of the plotted series."""
    score = model.current_score()
    msgs = model.messages_this_tick()
    g = f"{score.G:.4g}" if math.isfinite(score.G) else "-"
    return (f"Tick {model.tick}{' (done)' if model.done else ''} | agents: {model.n}, subtasks: {model.m} | "
            f"messages this tick: {msgs.size} "
            f"(lost {int(msgs['lost'].sum())}) | sent: {model.channel.sent} | D: {score.D:.4g} | G: {g} | "
            f"allocated: {int((model.allocation >= 0).sum())}/{model.m} | best k: {model.sweep.best_k}")


def gk_key(model) -> tuple:
    """What the G(k) panel shows that can change during a run: where the protocol's allocation stands."""
    score = model.current_score()
    return len(score.working), score.G


def d_and_g_axes(ax) -> None:
    """``post_process`` for the D-and-G plot: G (a k^-kappa fraction of D) on its own right-hand axis."""
    lines = ax.get_lines()
    if len(lines) < 2:
        return
    d, g = lines[0], lines[1]
    twin = ax.twinx()
    few = len(g.get_xdata()) <= 60  # markers, so that a lone defined value shows too
    twin.plot(g.get_xdata(), g.get_ydata(), color=g.get_color(), label=g.get_label(), marker="." if few else None)
    g.remove()
    ax.set_ylabel("D (total cost)", color=d.get_color())
    twin.set_ylabel("G = D k^-kappa", color=g.get_color())
    ax.legend(handles=[d, *twin.get_lines()], loc="upper left")
    ax.grid(alpha=0.3)
