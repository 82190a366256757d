"""What the three pages share: a figure component, a status line, controls, the render interval.

A page lists ``figure_component(draw)`` and ``text_component(describe)`` in
``SolaraViz(components=...)`` beside Mesa's ``make_plot_component``; ``draw``
fills a plain ``matplotlib.figure.Figure`` (never pyplot) from the model.
"""

from __future__ import annotations

import io
import os

import solara
from matplotlib.figure import Figure

from mas.compat import update_counter

#: ``mas viz --render-interval N`` reaches the page through this variable (Solara runs the app in its own process)
RENDER_INTERVAL_ENV = "MAS_VIZ_RENDER_INTERVAL"
#: ``mas viz --topology-file FILE`` likewise
TOPOLOGY_ENV = "MAS_VIZ_TOPOLOGY"


def render_interval(default: int = 1) -> int:
    """Steps per drawn frame: the page's initial "Render Interval" (raise it for big runs)."""
    raw = os.environ.get(RENDER_INTERVAL_ENV, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return max(1, value)


def topology_file():
    """The graph of ``mas viz --topology-file FILE`` (node names kept; no positions: a seeded spring
    layout, once), or None."""
    path = os.environ.get(TOPOLOGY_ENV, "")
    if not path:
        return None
    import topologies

    graph = topologies.load(path, layout="spring", seed=0)
    graph.name = os.path.basename(path)
    return graph


def integer_ticks(ax) -> None:
    """``post_process`` for Mesa's plot components: whole-number step axis, light grid."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)


def slider(label: str, value, low, high, step=1) -> dict:
    """A model parameter control in Mesa's ``model_params`` shape."""
    kind = "SliderFloat" if isinstance(step, float) else "SliderInt"
    return {"type": kind, "value": value, "label": label, "min": low, "max": high, "step": step}


def select(label: str, value, values) -> dict:
    return {"type": "Select", "value": value, "values": list(values), "label": label}


def render_png(model, draw, figsize=(6.0, 5.0), dpi: int = 80) -> bytes:
    """``draw(model, fig)`` on a fresh Figure, as PNG bytes (what a figure component shows)."""
    fig = Figure(figsize=figsize, dpi=dpi)
    draw(model, fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


@solara.component
def FigureView(model, draw, figsize, key=None, caption=None):
    frame = update_counter().get()  # read on every render: redraw after each step, reset and play frame
    # a figure whose content changes rarely (key given) is drawn again only when its key changes
    token = frame if key is None else key(model)
    png = solara.use_memo(lambda: render_png(model, draw, figsize), dependencies=[model, token])
    with solara.Column(gap="2px"):
        if caption is not None:
            solara.Text(caption(model), classes=["mas-status"])
        solara.Image(png)


@solara.component
def TextView(model, describe):
    update_counter().get()
    solara.Text(describe(model))


def figure_component(draw, *, page: int = 0, figsize: tuple[float, float] = (6.0, 5.0), key=None, caption=None):
    """A ``(component, page)`` pair for SolaraViz: the figure ``draw(model, fig)`` fills.

    ``key(model)``: the figure is drawn again only when this value changes (for
    panels that change rarely); ``caption(model)``: a line of text shown above it.
    """

    def make(model):
        return FigureView(model=model, draw=draw, figsize=figsize, key=key, caption=caption)

    return make, page


def text_component(describe, *, page: int = 0):
    """A ``(component, page)`` pair for SolaraViz: the text ``describe(model)`` returns."""

    def make(model):
        return TextView(model=model, describe=describe)

    return make, page
