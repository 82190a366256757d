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
from matplotlib.ticker import MaxNLocator

from mas.agents import STATES
from mas.messages import Performative, to_dicts
from scenarios.viz.figures import LEGEND_WIDTH, Series, column, legend_beside, plot_margins, tick_axis, value_axis

STATE_COLORS = {"idle": "#b0b0b0", "announcing": "#f28e2b", "bidding": "#4e79a7", "working": "#59a14f",
                "crashed": "#e15759"}
#: one colour per performative; lost messages are drawn dashed in black
MESSAGE_COLORS = {"cfp": "#f28e2b", "propose": "#4e79a7", "refuse": "#9c755f", "accept-proposal": "#59a14f",
                  "reject-proposal": "#bab0ac", "inform": "#76b7b2", "failure": "#e15759", "lost": "#000000"}
#: above this many agents only agents that hold work are labelled with their load
LABEL_ALL_MAX_N = 60
#: from this many edges on, the edges are drawn once per reset into an image that every frame reuses
EDGE_IMAGE_MIN_EDGES = 1500
#: at most this many edges carry drawn messages in one frame (the busiest); the legend says how many carried any
MAX_MESSAGE_EDGES = 60
#: the message-trace table lists at most this many messages of a tick (and says how many there were)
TABLE_MAX_ROWS = 40


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


def message_color(name: str) -> str:
    """The colour of a performative (grey for one this view does not know yet)."""
    return MESSAGE_COLORS.get(name, "#7f7f7f")


def busiest_edges(traffic: dict[str, np.ndarray], limit: int = MAX_MESSAGE_EDGES) -> tuple[np.ndarray, int]:
    """The edges to draw messages on: the ``limit`` busiest (all messages summed), and how many carried any.

    A broadcast protocol on a big graph sends messages along every edge; drawn
    all at once they hide the graph, so only the busiest edges are drawn.
    """
    if not traffic:
        return np.empty(0, dtype=np.intp), 0
    total = np.sum(list(traffic.values()), axis=0)
    used = np.flatnonzero(total)
    if used.size <= limit:
        return used, int(used.size)
    keep = used[np.argsort(-total[used], kind="stable")[:limit]]
    return np.sort(keep), int(used.size)


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
    """The topology at the nodes' own positions: edges by cost, this tick's messages on the busiest
    edges, agents by state with their loads."""
    plot_margins(fig, left=0.05, right=LEGEND_WIDTH - 0.2, bottom=0.05, top=0.3)
    ax = fig.add_subplot()
    xy, edges = model.xy, model.edges
    x0, x1, y0, y1 = model.bounds
    segments = xy[edges] if len(edges) else np.empty((0, 2, 2))
    widths = edge_widths(model.edge_cost)
    if len(edges) >= EDGE_IMAGE_MIN_EDGES:  # thousands of lines cost more per frame than one image
        ax.imshow(edge_image(model), extent=(x0, x1, y0, y1), origin="upper", zorder=1)
    else:
        ax.add_collection(LineCollection(segments, linewidths=widths, colors="#cfcfcf", zorder=1))
    handles = []
    if len(edges):
        lo, hi = float(model.edge_cost.min()), float(model.edge_cost.max())
        handles.append(Line2D([], [], color="#bdbdbd", linewidth=0.4, label=f"edge, cost {lo:.3g} (thin)"))
        if hi > lo:
            handles.append(Line2D([], [], color="#bdbdbd", linewidth=3.0, label=f"edge, cost {hi:.3g} (thick)"))
    traffic = message_traffic(model)
    shown, carried = busiest_edges(traffic)
    msgs = model.messages_this_tick()
    counts = _message_counts(msgs)
    for name, per_edge in traffic.items():
        used = shown[per_edge[shown] > 0]
        if used.size:
            ax.add_collection(LineCollection(segments[used], linewidths=1.0 + 1.5 * np.log1p(per_edge[used]),
                                             colors=message_color(name), alpha=0.75, zorder=2,
                                             linestyles="dashed" if name == "lost" else "solid"))
        handles.append(Line2D([], [], color=message_color(name), linewidth=2,
                              label=f"{name}: {counts.get(name, 0)} message{'s' if counts.get(name, 0) != 1 else ''}",
                              linestyle="--" if name == "lost" else "-"))
    if carried > shown.size:
        handles.append(Line2D([], [], linestyle="", label=f"({shown.size} busiest of {carried} edges)"))
    states = agent_states(model)
    size = max(14.0, min(180.0, 5000.0 / max(model.n, 1)))
    crashed = np.array([s == "crashed" for s in states])
    colors = np.array(agent_colors(model))
    ax.scatter(xy[~crashed, 0], xy[~crashed, 1], s=size, c=colors[~crashed], edgecolors="#333333",
               linewidths=0.6, zorder=3)
    if crashed.any():
        ax.scatter(xy[crashed, 0], xy[crashed, 1], s=size * 1.3, c=STATE_COLORS["crashed"], marker="X", zorder=3)
    loads = agent_loads(model)
    named = model.names != [str(j) for j in range(model.n)]  # a file's node names are worth showing
    for j in labelled_agents(model).tolist():
        text = f"{model.names[j]}: {loads[j]}" if named else str(loads[j])
        ax.annotate(text, xy[j], xytext=(4, 4), textcoords="offset points", fontsize=9, zorder=4)
    present = [s for s in STATES if s in states]
    agents = [Line2D([], [], marker="X" if s == "crashed" else "o", linestyle="", markersize=8,
                     color=STATE_COLORS[s], label=f"agent {s}") for s in present]
    legend_beside(
        fig,
        agents + handles,
        right=LEGEND_WIDTH - 0.2,
        title="numbers: subtasks held",
        title_fontsize=10,
        alignment="left",
    )
    ax.set_title(f"{model.protocol.name} on {model.topology_name} (n = {model.n}, m = {model.m}): tick {model.tick}"
                 + (", finished" if model.done else ""), loc="left", fontsize=11)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def _message_counts(msgs: np.ndarray) -> dict[str, int]:
    """Messages of this tick by performative (lost ones under ``lost``)."""
    kind = np.where(msgs["lost"], -1, msgs["performative"].astype(np.int64))
    keys, counts = np.unique(kind, return_counts=True)
    return {("lost" if k < 0 else Performative(k).fipa): int(c) for k, c in zip(keys.tolist(), counts.tolist())}


def gk_curve(model) -> tuple[np.ndarray, np.ndarray, int | None]:
    """The coordinator's G(k) for k = 1..n (nan where no set of size k covers every subtask) and the best k."""
    rows = model.sweep.rows
    ks = np.array([r.k for r in rows], dtype=int)
    G = np.array([r.G if math.isfinite(r.G) else math.nan for r in rows], dtype=float)
    return ks, G, model.sweep.best_k


def draw_gk(model, fig) -> None:
    """G(k) of the coordinator's best set of each size, the best k, and where the protocol stands now."""
    plot_margins(fig)
    ax = fig.add_subplot()
    ks, G, best = gk_curve(model)
    ax.plot(ks, G, marker="o" if ks.size <= 40 else None, markersize=3.5, label=f"G(k), {model.sweep.strategy} sets")
    if best is not None:
        g_best = G[best - 1]
        ax.axvline(best, color="grey", linestyle="--", linewidth=1)
        ax.plot([best], [g_best], marker="*", markersize=13, color="#e15759", linestyle="",
                label=f"best: k = {best}, G = {g_best:.3g}")
    score = model.current_score()
    if score.working and math.isfinite(score.G):
        ax.plot([len(score.working)], [score.G], marker="D", color="#59a14f", linestyle="",
                label=f"{model.protocol.name} now: k = {len(score.working)}, G = {score.G:.3g}")
    ax.set(xlabel="participants k", ylabel="G = D / k^kappa", title="Coordinator's G(k) and the best k")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0.5, ks.size + 0.5)
    if np.isfinite(G).any() and np.nanmax(G) / max(np.nanmin(G), 1e-12) > 50:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right")


#: messages per tick (undefined at tick 0: no tick has run)
MESSAGES = Series(
    "Messages per tick",
    "messages",
    (("messages", "sent", "#4e79a7"), ("lost_this_tick", "lost", "#e15759")),
    empty="no tick has run yet",
    integer=True,
)


def draw_messages(model, fig) -> None:
    MESSAGES.draw(model, fig)


def versus_optimum(model) -> tuple[np.ndarray, np.ndarray]:
    """D / least D and G / least G of the protocol's allocation after every tick (NaN until defined; 1 = optimal)."""
    g_best, _ = model.best_G
    D = column(model, "D") / model.optimum.D if model.optimum.D > 0 else np.full(len(column(model, "D")), np.nan)
    G = column(model, "G") / g_best if math.isfinite(g_best) and g_best > 0 else np.full(D.size, np.nan)
    return D, G


def draw_versus_optimum(model, fig) -> None:
    """This protocol's D and G over time, each relative to the coordinator's optimum (least D over all
    participant sets, least G over k): 1 is optimal."""
    plot_margins(fig)
    ax = fig.add_subplot()
    D, G = versus_optimum(model)
    x = np.arange(D.size)
    opt = model.optimum
    g_best, k_best = model.best_G
    few = np.isfinite(D).sum() <= 60
    name = model.protocol.name
    now_d = f"{D[-1] * opt.D:.3g}" if D.size and np.isfinite(D[-1]) else "-"
    now_g = f"{G[-1] * g_best:.3g}" if G.size and np.isfinite(G[-1]) else "-"
    ax.axhline(1.0, color="#333333", linestyle="--", linewidth=1.2, label="optimum")
    ax.plot(x, D, color="#59a14f", marker="o" if few else None, markersize=3.5,
            label=f"D: {now_d} vs least {opt.D:.3g}" + ("" if opt.exact else " (best found)"))
    ax.plot(x, G, color="#f28e2b", marker="s" if few else None, markersize=3.5,
            label=f"G: {now_g} vs least {g_best:.3g} (k = {k_best})")
    ax.set_title(f"{name} against the coordinator's optimum")
    ax.set_ylabel(f"{name} / optimum")
    tick_axis(ax, model.tick)
    ratios = np.concatenate([D, G, [1.0]])
    value_axis(ax, ratios, zero=False)
    if np.nanmax(ratios) > 5 and np.nanmin(ratios) > 0:  # a D many times the optimum would flatten G
        ax.set_yscale("log")
        ax.set_ylim(np.nanmin(ratios) / 1.25, np.nanmax(ratios) * 1.25)
    ax.legend(loc="best", fontsize=9, framealpha=0.85)
    if not np.isfinite(D).any():
        ax.text(0.5, 0.3, "nothing allocated yet", transform=ax.transAxes, ha="center", color="#666666")


def message_rows(model) -> tuple[str, list[str], list[list]]:
    """The message trace of the current tick: caption, columns, one row per message (at most
    :data:`TABLE_MAX_ROWS`)."""
    msgs = model.messages_this_tick()
    total = int(msgs.size)
    if model.tick == 0:
        caption = "Messages of the current tick: none yet (no tick has run)"
    elif total > TABLE_MAX_ROWS:
        caption = f"Messages sent in tick {model.tick}: {total} (the first {TABLE_MAX_ROWS} shown)"
    else:
        caption = f"Messages sent in tick {model.tick}: {total}"
    rows = []
    for d in to_dicts(msgs[:TABLE_MAX_ROWS]):
        rows.append([model.names[d["sender"]], model.names[d["receiver"]], d["performative"],
                     d["subtask"] if d["subtask"] >= 0 else "-",
                     f"{d['content']:.4g}" if math.isfinite(d["content"]) else "-",
                     f"{d['cost']:.3g}", "lost" if d["lost"] else ""])
    return caption, ["sender", "receiver", "performative", "subtask", "content (bid, price)", "cost", ""], rows


def status(model) -> list[str]:
    """The status line: the tick, then the latest values, each a short item of its own."""
    score = model.current_score()
    msgs = model.messages_this_tick()
    allocated = int((model.allocation >= 0).sum())
    defined = allocated > 0
    g = f"{score.G:.4g}" if defined and math.isfinite(score.G) else "-"
    return [f"Tick {model.tick}" + (" (finished)" if model.done else ""),
            f"agents: {model.n}", f"subtasks: {model.m}",
            (f"messages this tick: {msgs.size} (lost {int(msgs['lost'].sum())})" if model.tick else
             "messages this tick: -"),
            f"messages so far: {model.channel.sent}",
            f"allocated: {allocated}/{model.m}",
            "D: " + (f"{score.D:.4g}" if defined else "-"), f"G: {g}",
            f"least D: {model.optimum.D:.4g}", f"best k: {model.sweep.best_k}"]


def finished(model) -> str:
    """Why Play and Step are off once the run is over."""
    score = model.current_score()
    left = int((model.allocation < 0).sum())
    how = f"D = {score.D:.4g}" if left == 0 else f"{left} subtask{'s' if left != 1 else ''} left unallocated"
    return (f"Finished at tick {model.tick}: {model.protocol.name} is done ({how}). "
            "Reset starts a new run with the parameters below.")


def gk_key(model) -> tuple:
    """What the G(k) panel shows that can change during a run: where the protocol's allocation stands."""
    score = model.current_score()
    return len(score.working), score.G
