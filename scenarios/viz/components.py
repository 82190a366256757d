"""The page every model shares (Solara): run controls, parameter controls, status line, figure grid, table.

A page is ``page(title, make_model, params, main=..., side=[...], below=[...], status=..., finished=...)``:
the main figure on the left, as large as the window allows, the line plots
stacked beside it, a table below. Everything the panels show is a function of
the model (``draw(model, fig)`` fills a matplotlib Figure, see
:mod:`scenarios.viz.figures`; ``rows(model)`` gives a table), so the pictures
are tested without a browser.

The page is our own rather than Mesa's ``SolaraViz``: Mesa 3.3 and 3.5 lay
their components out in a draggable grid that fails to load under the Vue 3
front end current Solara serves, show no slider values, and keep Pause greyed
without saying why when a run ends. Only the model is Mesa's.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import solara
import solara.lab

from scenarios.viz.figures import DPI, render_png

#: ``mas viz --render-interval N`` reaches the page through this variable (Solara runs the app in its own process)
RENDER_INTERVAL_ENV = "MAS_VIZ_RENDER_INTERVAL"
#: ``mas viz --topology-file FILE`` likewise
TOPOLOGY_ENV = "MAS_VIZ_TOPOLOGY"
#: milliseconds between two frames while playing (a slider on the page changes it)
PLAY_DELAY_MS = 100

try:  # the "This website runs on Solara" banner sits on the bottom-right plot; `mas viz` also sets
    # SOLARA_THEME_SHOW_BANNER=False, this covers `solara run` of a page module
    from solara.server import settings as _settings

    _settings.theme.show_banner = False
except Exception:  # pragma: no cover - a Solara without its server settings
    pass


def render_interval(default: int = 1) -> int:
    """Steps per drawn frame: the page's initial "Render interval" (raise it for big runs)."""
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


# -- parameter controls --------------------------------------------------------------------
def slider(label: str, value, low, high, step=1, *, hidden: Callable | None = None,
           note: Callable | None = None) -> dict:
    """A model parameter control: a slider with its value shown beside its label.

    ``hidden(values)`` true: the control is not shown (the parameter does not
    apply), ``note(values)`` is shown in its place.
    """
    kind = "SliderFloat" if isinstance(step, float) else "SliderInt"
    return {"type": kind, "value": value, "label": label, "min": low, "max": high, "step": step,
            "hidden": hidden, "note": note}


def select(label: str, value, values) -> dict:
    return {"type": "Select", "value": value, "values": list(values), "label": label}


def initial_values(params: dict) -> dict:
    """Parameter name -> start value (plain values pass through: fixed parameters)."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


def shown_value(spec: dict, value) -> str:
    """A slider value as the page writes it (floats with the step's decimals)."""
    if spec["type"] == "SliderFloat":
        step = f"{spec['step']:g}"
        decimals = len(step.split(".")[1]) if "." in step else 0
        return f"{float(value):.{decimals}f}"
    return str(value)


@solara.component
def Control(name: str, spec: dict, values: solara.Reactive):
    def change(value, name=name):
        values.value = {**values.value, name: value}

    current = values.value[name]
    if spec.get("hidden") is not None and spec["hidden"](values.value):
        if spec.get("note") is not None:
            solara.Text(spec["note"](values.value), classes=["mas-note"])
        return
    if spec["type"] == "Select":
        solara.Select(spec["label"], values=spec["values"], value=current, on_value=change)
        return
    with solara.Column(gap="0px", classes=["mas-control"]):
        with solara.Row(justify="space-between", classes=["mas-control-label"]):
            solara.Text(spec["label"])
            solara.Text(shown_value(spec, current), classes=["mas-value"])
        widget = solara.SliderFloat if spec["type"] == "SliderFloat" else solara.SliderInt
        widget("", value=current, min=spec["min"], max=spec["max"], step=spec["step"], on_value=change)


@solara.component
def Setting(label: str, value: solara.Reactive, low: int, high: int, step: int, unit: str = ""):
    """A control of the page itself (not the model): label, value, slider."""
    with solara.Column(gap="0px", classes=["mas-control"]):
        with solara.Row(justify="space-between", classes=["mas-control-label"]):
            solara.Text(label)
            solara.Text(f"{value.value}{unit}", classes=["mas-value"])
        solara.SliderInt("", value=value, min=low, max=high, step=step)


# -- panels ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """A panel drawn by ``draw(model, fig)`` at ``size`` inches and ``dpi``; redrawn each frame, or only
    when ``key(model)`` changes. The page scales the image to its column, so the text size on screen
    follows ``size`` (smaller: larger text) and the sharpness ``dpi``."""

    draw: Callable
    size: tuple[float, float] = (6.0, 3.0)
    key: Callable | None = None
    name: str = ""
    dpi: int = DPI


@dataclass(frozen=True)
class Table:
    """A panel showing ``rows(model) -> (caption, columns, rows)`` as an HTML table."""

    rows: Callable
    name: str = ""


def table_html(caption: str, columns, rows) -> str:
    """An HTML table (every cell escaped)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows)
    return (f"<div class='mas-caption'>{html.escape(caption)}</div>"
            f"<table class='mas-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


@solara.component
def FigureView(model, panel: Figure, frame: int, role: str):
    token = frame if panel.key is None else panel.key(model)
    png = solara.use_memo(lambda: render_png(model, panel.draw, panel.size, panel.dpi), dependencies=[model, token])
    solara.Image(png, classes=["mas-figure", f"mas-{role}"] + ([f"mas-panel-{panel.name}"] if panel.name else []))


@solara.component
def TableView(model, panel: Table, frame: int):
    caption, columns, rows = panel.rows(model)
    solara.HTML(tag="div", unsafe_innerHTML=table_html(caption, columns, rows),
                classes=["mas-table-wrap"] + ([f"mas-panel-{panel.name}"] if panel.name else []))


def _panel(model, panel, frame, role):
    if isinstance(panel, Table):
        TableView(model, panel, frame)
    else:
        FigureView(model, panel, frame, role)


CSS = """
.mas-page { display: grid; grid-template-columns: 300px minmax(0, 1fr); gap: 14px; align-items: start; }
.mas-sidebar { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; padding-right: 2px; }
.mas-sidebar .v-card-title, .mas-sidebar .v-card__title { font-size: 17px; padding-bottom: 4px; }
.mas-title { font-size: 22px; font-weight: 600; margin: 0 0 8px 2px; }
.mas-content { min-width: 0; padding-right: 12px; }
.mas-status { display: flex; flex-wrap: wrap; column-gap: 14px; row-gap: 2px; font-size: 15px;
              padding: 2px 4px 6px 4px; }
.mas-status span { white-space: nowrap; }
.mas-status span.mas-head { font-weight: 600; }
.mas-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 10px; align-items: start; }
.mas-side-column { display: flex; flex-direction: column; gap: 6px; min-width: 0; }
img.mas-figure { display: block; width: 100%; height: auto; object-fit: contain; object-position: left top; }
img.mas-main { max-height: calc(100vh - 90px); }
img.mas-side { max-height: calc((100vh - 110px) / var(--mas-side, 3)); }
.mas-below { margin-top: 10px; }
.mas-table-wrap { max-height: 45vh; overflow: auto; }
.mas-caption { font-weight: 600; margin: 4px 0; }
table.mas-table { border-collapse: collapse; font-size: 14px; }
table.mas-table th, table.mas-table td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: right; }
table.mas-table th { position: sticky; top: 0; background: #f5f5f5; }
.mas-control { width: 100%; }
.mas-control-label { font-size: 14px; margin-bottom: -6px; }
.mas-value { font-weight: 600; font-variant-numeric: tabular-nums; }
.mas-note { font-size: 14px; color: #555; margin: 4px 0 10px 0; }
.mas-run-note { font-size: 14px; color: #8a4b00; margin-top: 6px; }
div[style*="right: 0px; bottom: 0px"] { display: none !important; }
"""


def status_items(text_or_items) -> list[str]:
    if isinstance(text_or_items, str):
        return [s.strip() for s in text_or_items.split("|")]
    return list(text_or_items)


@solara.component
def StatusLine(model, status, frame: int):
    items = status_items(status(model))
    spans = " ".join(f"<span class='{'mas-head' if i == 0 else ''}'>{html.escape(s)}</span>"
                    for i, s in enumerate(items))
    solara.HTML(tag="div", unsafe_innerHTML=spans, classes=["mas-status"])


@solara.component
def Shell(title: str, make_model: Callable, params: dict, main: Figure, side: list, below: list,
          status: Callable, finished: Callable):
    """The page: controls in the sidebar, the status line, the main figure beside the side panels."""
    values = solara.use_reactive(initial_values(params))
    model = solara.use_reactive(solara.use_memo(lambda: make_model(**initial_values(params)), dependencies=[]))
    frame = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(render_interval())
    delay = solara.use_reactive(PLAY_DELAY_MS)
    error = solara.use_reactive("")
    run = _Run(make_model, values, model, frame, playing, interval, delay, error)
    solara.lab.use_task(run.play_loop, dependencies=[playing.value], prefer_threaded=True)

    solara.Style(CSS)
    solara.Title(title)
    with solara.Div(classes=["mas-page"]):
        with solara.Div(classes=["mas-sidebar"]):
            _sidebar(title, params, run, finished)
        with solara.Div(classes=["mas-content"]):
            _content(model.value, status, main, side, below, frame.value)


@dataclass
class _Run:
    """The page's run state (Solara reactives) and what Play, Step and Reset do to it."""

    make_model: Callable
    values: solara.Reactive
    model: solara.Reactive
    frame: solara.Reactive
    playing: solara.Reactive
    interval: solara.Reactive
    delay: solara.Reactive
    error: solara.Reactive

    def advance(self, count: int) -> None:
        m = self.model.value
        for _ in range(count):
            if not m.running:
                break
            m.step()
        self.frame.value += 1

    def play_loop(self) -> None:
        try:
            while self.playing.value and self.model.value.running:
                time.sleep(self.delay.value / 1000)
                self.advance(self.interval.value)
        except Exception as exc:  # shown on the page, not only in the server log
            self.error.value = f"error in step: {exc}"
        self.playing.value = False

    def reset(self) -> None:
        self.playing.value = False
        self.error.value = ""
        try:
            self.model.value = self.make_model(**self.values.value)
        except ValueError as exc:
            self.error.value = str(exc)
        self.frame.value += 1


def _sidebar(title: str, params: dict, run: _Run, finished: Callable) -> None:
    m = run.model.value
    done = not m.running
    playing = run.playing
    solara.HTML(tag="h1", unsafe_innerHTML=html.escape(title), classes=["mas-title"])
    with solara.Card("Run", margin=0):
        with solara.Row(justify="space-between"):
            solara.Button("Reset", color="primary", on_click=run.reset)
            solara.Button("❚❚ Pause" if playing.value else "▶ Play", color="primary",
                          on_click=lambda: playing.set(not playing.value), disabled=done and not playing.value)
            solara.Button("Step", color="primary", on_click=lambda: run.advance(run.interval.value),
                          disabled=playing.value or done)
        if done:
            solara.Text(finished(m), classes=["mas-run-note"])
        if run.error.value:
            solara.Error(run.error.value)
        Setting("Render interval (ticks per frame)", run.interval, 1, 100, 1)
        Setting("Play delay", run.delay, 0, 1000, 10, " ms")
    with solara.Card("Model parameters", subtitle="Reset applies them", margin=0, style={"margin-top": "10px"}):
        for name, spec in params.items():
            if isinstance(spec, dict):
                Control(name, spec, run.values)


def _content(m, status, main, side, below, frame):
    StatusLine(m, status, frame)
    with solara.Div(classes=["mas-grid"], style={"--mas-side": str(max(len(side), 1))}):
        with solara.Div(classes=["mas-main-column"]):
            _panel(m, main, frame, "main")
        with solara.Div(classes=["mas-side-column"]):
            for panel in side:
                _panel(m, panel, frame, "side")
    if below:
        with solara.Div(classes=["mas-below"]):
            for panel in below:
                _panel(m, panel, frame, "below")
