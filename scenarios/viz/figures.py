"""The figures every page shares, matplotlib only (no Solara): PNG rendering, time series, axes.

A page's panels are plain functions ``draw(model, fig)`` filling a
``matplotlib.figure.Figure`` (never pyplot). :func:`render_png` draws one at a
fixed pixel size with the page's text sizes; :class:`Series` describes a line
plot of DataCollector columns with a title, a y label and readable names, and
:func:`draw_series` draws it, leaving out every value that is not yet defined
(NaN or inf) instead of drawing it as 0.

Examples
--------
>>> from mas.resources.dynamic.model import AllocationModel
>>> m = AllocationModel(2, rng=1)
>>> spec = Series("Wait", "time units", (("mean_wait", "mean wait", "#59a14f"),), empty="no job has waited yet")
>>> render_png(m, spec.draw, (4, 3)).startswith(b"\\x89PNG")
True
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

#: the pages' text sizes in points; figures are drawn at :data:`DPI`, so 11 pt is about 15 px
STYLE = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "xtick.labelsize": 10,
         "ytick.labelsize": 10, "legend.fontsize": 10, "axes.titleweight": "bold"}
DPI = 100
#: the x axis of every time series: the model's ``tick`` (one Step)
TICK_LABEL = "tick"


def render_png(model, draw, figsize=(6.0, 5.0), dpi: int = DPI) -> bytes:
    """``draw(model, fig)`` on a fresh ``figsize`` inch Figure, as PNG bytes of exactly that size.

    The size is kept (no tight bounding box), so every frame of a panel has the
    same pixel size and the page's layout does not jump. Panels place their axes
    with :func:`plot_margins` (fixed margins: a layout engine would double the
    drawing time), a legend beside the axes with :func:`legend_beside`.
    """
    with rc_context(STYLE):
        fig = Figure(figsize=figsize, dpi=dpi)
        draw(model, fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def plot_margins(fig, *, left=0.8, right=0.2, bottom=0.55, top=0.4) -> None:
    """Fixed margins in inches for a one-axes line plot (title, tick label, y label), instead of a layout
    engine: half the drawing time of a frame, and the axes never move between frames."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)


#: inches kept free right of a main figure's axes for its legend
LEGEND_WIDTH = 2.6


def legend_beside(fig, handles, *, right: float = LEGEND_WIDTH, **options) -> None:
    """The legend in the strip of ``right`` inches right of the axes (the margin :func:`plot_margins` left)."""
    w, h = fig.get_size_inches()
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(1 - (right - 0.1) / w, 1 - 0.3 / h),
               frameon=False, **options)


def column(model, name: str) -> np.ndarray:
    """One DataCollector model column as floats (None, inf: NaN -- undefined, not drawn)."""
    values = model.datacollector.model_vars.get(name, [])
    out = np.array([math.nan if v is None else v for v in values], dtype=float)
    out[~np.isfinite(out)] = math.nan
    return out


def tick_axis(ax, last_tick: int, *, minimum: int = 10) -> None:
    """Whole-number tick axis from 0 to at least ``minimum`` (never an empty -0.04..0.04 range)."""
    ax.set_xlim(0, max(int(last_tick), minimum))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(TICK_LABEL)
    ax.grid(alpha=0.3)


def nothing_yet(ax, text: str) -> None:
    """Say in the middle of empty axes why nothing is drawn (y axis without a made-up range)."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#666666", wrap=True)
    ax.set_yticks([])


def value_axis(ax, values: np.ndarray, *, integer: bool = False, zero: bool = True) -> None:
    """A y range around the defined ``values`` (from 0 where ``zero``), never a zero-height range."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return
    low, high = float(finite.min()), float(finite.max())
    if zero:
        low = min(low, 0.0)
    if high - low <= 0:
        high = low + (1.0 if high == 0 else abs(high) * 0.2)
    pad = 0.06 * (high - low)
    ax.set_ylim(low - (0 if zero and low == 0 else pad), high + pad)
    if integer:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))


@dataclass(frozen=True)
class Series:
    """A line plot of DataCollector columns against the tick.

    title, ylabel : what the plot shows and in which unit.
    lines : (column, legend name, colour) per line.
    empty : the text shown while no line has a defined value (what it waits for).
    integer : whole-number y axis (counts).
    """

    title: str
    ylabel: str
    lines: tuple[tuple[str, str, str], ...]
    empty: str = "nothing to draw yet"
    integer: bool = False

    def draw(self, model, fig) -> None:
        draw_series(model, fig, self)


def tick_of(model) -> int:
    """The page's tick counter (each model keeps its own: Mesa's differs between releases)."""
    return int(getattr(model, "tick", getattr(model, "ticks", 0)))


def draw_series(model, fig, spec: Series) -> None:
    """``spec``'s columns against the tick; undefined values (NaN, inf) are left out, not drawn as 0."""
    plot_margins(fig)
    ax = fig.add_subplot()
    ax.set_title(spec.title)
    ax.set_ylabel(spec.ylabel)
    defined = []
    for name, label, color in spec.lines:
        y = column(model, name)
        x = np.arange(y.size)
        few = np.isfinite(y).sum() <= 60  # markers, so that a single defined value shows too
        ax.plot(x, y, color=color, label=label, marker="o" if few else None, markersize=3.5, linewidth=1.8)
        defined.append(y)
    values = np.concatenate(defined) if defined else np.empty(0)
    tick_axis(ax, tick_of(model))
    if not np.isfinite(values).any():
        nothing_yet(ax, spec.empty)
        return
    value_axis(ax, values, integer=spec.integer)
    ax.legend(loc="best", frameon=True, framealpha=0.85)
