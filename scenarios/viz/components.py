"""What the three pages share: a figure component, a status line, controls, the render interval.

A page lists ``figure_component(draw)`` and ``text_component(describe)`` in
``SolaraViz(components=...)`` beside Mesa's ``make_plot_component``; ``draw``
fills a plain ``matplotlib.figure.Figure`` (never pyplot) from the model.
"""

from __future__ import annotations

import os

import solara
from matplotlib.figure import Figure

from mas.compat import update_counter

#: ``mas viz --render-interval N`` reaches the page through this variable (Solara runs the app in its own process)
RENDER_INTERVAL_ENV = "MAS_VIZ_RENDER_INTERVAL"


def render_interval(default: int = 1) -> int:
    """Steps per drawn frame: the page's initial "Render Interval" (raise it for big runs)."""
    raw = os.environ.get(RENDER_INTERVAL_ENV, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return max(1, value)


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


@solara.component
def FigureView(model, draw, figsize):
    update_counter().get()  # redraw after every step, reset and play frame
    fig = Figure(figsize=figsize, layout="constrained")
    draw(model, fig)
    solara.FigureMatplotlib(fig, format="png")


@solara.component
def TextView(model, describe):
    update_counter().get()
    solara.Text(describe(model))


def figure_component(draw, *, page: int = 0, figsize: tuple[float, float] = (6.0, 5.0)):
    """A ``(component, page)`` pair for SolaraViz: the figure ``draw(model, fig)`` fills."""

    def make(model):
        return FigureView(model=model, draw=draw, figsize=figsize)

    return make, page


def text_component(describe, *, page: int = 0):
    """A ``(component, page)`` pair for SolaraViz: the text ``describe(model)`` returns."""

    def make(model):
        return TextView(model=model, describe=describe)

    return make, page
