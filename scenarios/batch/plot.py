"""Plots of a batch directory: mean and 95% interval over seeds, one PNG per metric.

A metric is either a number per run (plotted against a parameter) or a curve
per run (a list, plotted against its axis metric, e.g. G over k). Lines are
split by a ``hue`` parameter; every other parameter that varies gets its own
panel, so values are only ever averaged over seeds, never over parameters.
The interval is Student's t: mean +- t(0.975, n-1) s / sqrt(n).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from scipy import stats

from mas.errors import InputError
from mas.files import save_figure
from scenarios.batch import registry
from scenarios.batch.config import run_key
from scenarios.batch.registry import PlotDefaults
from scenarios.batch.store import ResultStore


@dataclass(frozen=True)
class Summary:
    """One line per panel and hue: n seeds, and for metrics to minimize the best x."""

    metric: str
    panel: str
    hue: str
    seeds: int
    best_x: Any = None
    best_mean: float | None = None
    best_low: float | None = None
    best_high: float | None = None
    per_seed_mode: Any = None  # the most frequent best x of single runs (curves only)
    per_seed_share: float | None = None
    excluded: int = 0  # non-finite values left out of the means (e.g. infeasible k)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class PlotResult:
    files: list[Path]
    summaries: list[Summary]
    x: str
    hue: str | None
    panels: list[str]


def mean_interval(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the (low, high) Student-t interval; the interval is the mean itself for one value.

    Examples
    --------
    >>> m, lo, hi = mean_interval([1.0, 2.0, 3.0])
    >>> m, round(hi - m, 3)
    (2.0, 2.484)
    """
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return math.nan, math.nan, math.nan
    m = float(a.mean())
    if a.size < 2:
        return m, m, m
    half = float(stats.t.ppf(0.5 + confidence / 2, a.size - 1) * a.std(ddof=1) / math.sqrt(a.size))
    return m, m - half, m + half


def load_rows(directory: str | Path) -> tuple[dict, list[dict]]:
    """The plan and the successful rows of a batch directory."""
    store = ResultStore(directory)
    plan = store.read_plan()
    if plan is None:
        raise InputError("DIR", str(directory), "holds no batch results (no batch.json; run `mas batch` first)")
    rows = [r for r in store.load().values() if r.get("status") == "ok"]
    if plan.get("points") is not None:  # rows of an earlier, different config in the same DIR stay out
        keys = {run_key(plan["scenario"], p, s) for p in plan["points"] for s in plan["seeds"]}
        rows = [r for r in rows if r["key"] in keys]
    if not rows:
        raise InputError("DIR", str(directory), "holds no finished successful runs yet")
    return plan, rows


def plot_batch(directory: str | Path, *, x: str | None = None, y: str | None = None, hue: str | None = None,
               out_dir: str | Path | None = None, logy: bool | None = None) -> PlotResult:
    """Draw ``y`` (default: the scenario's choice, else every numeric metric) against ``x``.

    Parameters
    ----------
    directory : a ``mas batch --out`` directory.
    x : a parameter, or for curve metrics their axis (e.g. ``k``); default the scenario's choice.
    y : one metric; default the scenario's choice, else every numeric metric.
    hue : a parameter that splits lines; default the scenario's choice, else a varying parameter.
    out_dir : where the PNGs go (default DIR/plots).
    logy : a logarithmic y axis; default the scenario's choice per metric.

    Returns
    -------
    PlotResult with the files written and, per panel and line, the best x of
    the metrics the scenario minimizes.

    Raises
    ------
    InputError naming --x, --y or --hue for a name that is no parameter or metric.
    """
    plan, rows = load_rows(directory)
    scenario = _scenario(plan)
    defaults = scenario.plot if scenario else PlotDefaults()
    curves = dict(scenario.curves) if scenario else {}
    params = list(plan.get("params") or rows[0]["params"])
    varying = [p for p in params if len({_hashable(r["params"].get(p)) for r in rows}) > 1]
    metrics = _numeric_metrics(rows)
    axes_names = set(curves.values())
    _check_names(x, y, hue, params, metrics, axes_names)
    if hue is None and defaults.hue in varying:
        hue = defaults.hue
    ys = [y] if y else [m for m in (defaults.y or tuple(metrics)) if m in metrics]
    out = Path(out_dir) if out_dir else Path(directory) / "plots"
    out.mkdir(parents=True, exist_ok=True)
    files, summaries, panels_seen = [], [], []
    used_x = x
    for metric in ys:
        if metric in axes_names:
            continue  # k itself is no result worth a plot
        is_curve = metrics[metric] == "curve"
        mx = _metric_x(metric, x, curves.get(metric) if is_curve else None, is_curve, hue, params, varying,
                       defaults)
        mhue = hue if hue != mx else None
        if mhue is None and hue is None:
            mhue = next((p for p in varying if p != mx), None)
        spec = _Spec(metric, mx, mhue, tuple(p for p in varying if p not in (mx, mhue)), is_curve,
                     curves.get(metric), metric in defaults.minimize,
                     metric in defaults.log_y if logy is None else logy)
        path, summ, panels = _draw(spec, rows, out, plan)
        files.append(path)
        summaries += summ
        panels_seen = panels
        used_x = mx
    if not files:
        raise InputError("--y", y, "nothing to plot")
    return PlotResult(files, summaries, used_x or "", hue, panels_seen)


def _check_names(x, y, hue, params: list[str], metrics: dict[str, str], axes_names: set[str]) -> None:
    """--x, --y and --hue name a parameter, metric or curve axis of these results."""
    if y is not None and y not in metrics:
        raise InputError("--y", y, f"no numeric metric of these results; known: {', '.join(metrics)}")
    if hue is not None and hue not in params:
        raise InputError("--hue", hue, f"not a parameter; known: {', '.join(params)}")
    if x is not None and x not in params and x not in axes_names:
        raise InputError("--x", x, f"not a parameter or curve axis; known: {', '.join(params + sorted(axes_names))}")


def _metric_x(metric: str, x: str | None, axis: str | None, is_curve: bool, hue: str | None, params: list[str],
              varying: list[str], defaults: PlotDefaults) -> str:
    """The x of one metric: a curve's own axis; for a number --x, else the scenario's, else a varying
    parameter other than the hue."""
    if is_curve:
        mx = axis or "index"
        if x is not None and x != mx:
            raise InputError("--x", x, f"{metric} is a curve over {mx}; use --x {mx} or omit --x")
        return mx
    mx = x if x in params else (defaults.x if defaults.x in params else None)
    if mx is None:
        mx = next((p for p in varying if p != hue), None)
    if mx is None:
        raise InputError("--x", x, f"nothing varies to plot {metric} against; name a parameter")
    return mx


@dataclass(frozen=True)
class _Spec:
    """What one metric's figure shows: against which x, split by which hue, in which panels."""

    metric: str
    x: str
    hue: str | None
    facets: tuple[str, ...]  # the other varying parameters: one panel per combination
    is_curve: bool
    axis: str | None  # a curve's axis metric
    minimize: bool  # mark the best x
    logy: bool


def _scenario(plan: dict):
    try:
        return registry.get(plan["scenario"], plan.get("plugins", ()))
    except (InputError, KeyError):
        return None  # results of a scenario this installation lacks: plot them generically


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def _numeric_metrics(rows: list[dict]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for r in rows:
        for name, v in (r.get("metrics") or {}).items():
            if isinstance(v, bool):
                continue
            if isinstance(v, (int, float)):
                kinds.setdefault(name, "scalar")
            elif isinstance(v, list) and v and all(isinstance(e, (int, float)) and not isinstance(e, bool) for e in v):
                kinds.setdefault(name, "curve")
    return kinds


def _label(keys: list[str], values: tuple) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(keys, values)) or "all"


def _points(rows, metric, mx, is_curve, axis):
    """(x, value) pairs of every row (a curve gives one pair per x)."""
    for r in rows:
        v = r["metrics"].get(metric)
        if v is None:
            continue
        if is_curve:
            xs = r["metrics"].get(axis) if axis else None
            xs = xs if isinstance(xs, list) and len(xs) == len(v) else list(range(len(v)))
            for xv, val in zip(xs, v):
                yield r, xv, val
        else:
            yield r, r["params"][mx], v


def _draw(spec: _Spec, rows: list[dict], out: Path, plan: dict):
    """One PNG of ``spec.metric``: a panel per facet combination, a line per hue; the path, the
    summaries and the panel labels."""
    panels: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        panels[tuple(r["params"][k] for k in spec.facets)].append(r)
    keys = sorted(panels, key=lambda t: tuple(map(str, t)))
    ncols = min(3, len(keys))
    nrows = math.ceil(len(keys) / ncols)
    fig = Figure(figsize=(5.2 * ncols, 4.0 * nrows), layout="constrained")
    axs = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    summaries = []
    for ax, pkey in zip(axs, keys):
        summaries += _draw_panel(ax, spec, _label(list(spec.facets), pkey), panels[pkey])
    for ax in axs[len(keys):]:
        ax.set_visible(False)
    seeds = len({r["seed"] for r in rows})
    fig.suptitle(f"{plan.get('scenario', '')}: {spec.metric} by {spec.x}, mean and 95% interval over {seeds} seeds")
    path = out / f"{_safe(spec.metric)}_by_{_safe(spec.x)}.png"
    save_figure(fig, path, dpi=110)
    return path, summaries, [_label(list(spec.facets), k) for k in keys]


def _draw_panel(ax, spec: _Spec, panel: str, prow: list[dict]) -> list[Summary]:
    """One panel: a line per hue value over the x values of its rows."""
    groups: dict[Any, list[dict]] = defaultdict(list)
    for r in prow:
        groups[r["params"][spec.hue] if spec.hue else None].append(r)
    all_x = sorted({xv for _, xv, _ in _points(prow, spec.metric, spec.x, spec.is_curve, spec.axis)}, key=_sort_key)
    numeric_x = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in all_x)
    pos = {v: (v if numeric_x else i) for i, v in enumerate(all_x)}
    summaries = []
    for gval in sorted(groups, key=lambda v: str(v)):
        summary = _draw_line(ax, spec, panel, gval, groups[gval], pos)
        if summary is not None:
            summaries.append(summary)
    _style_axes(ax, spec, panel, all_x, numeric_x)
    return summaries


def _draw_line(ax, spec: _Spec, panel: str, gval: Any, grows: list[dict], pos: dict) -> Summary | None:
    """Mean and interval of one hue value's rows (None when no value is finite), the best x starred."""
    by_x: dict[Any, list[float]] = defaultdict(list)
    excluded = 0
    for _, xv, val in _points(grows, spec.metric, spec.x, spec.is_curve, spec.axis):
        if isinstance(val, (int, float)) and math.isfinite(val):
            by_x[xv].append(float(val))
        else:
            excluded += 1
    xs = sorted(by_x, key=_sort_key)
    if not xs:
        return None
    st = [mean_interval(by_x[v]) for v in xs]
    px = [pos[v] for v in xs]
    mean = [s[0] for s in st]
    label = f"{spec.hue}={gval}" if spec.hue else spec.metric
    if spec.minimize:
        i = int(np.argmin(mean))
        label += f" (best {spec.x} = {xs[i]})"
    line, = ax.plot(px, mean, marker="o", markersize=3, label=label)
    ax.fill_between(px, [s[1] for s in st], [s[2] for s in st], color=line.get_color(), alpha=0.2, linewidth=0)
    seeds = len({r["seed"] for r in grows})
    summary = dict(metric=spec.metric, panel=panel, hue=str(gval) if spec.hue else "", seeds=seeds,
                   excluded=excluded)
    if spec.minimize:
        ax.plot([px[i]], [mean[i]], marker="*", markersize=16, color=line.get_color(),
                markeredgecolor="black", zorder=5, linestyle="none")
        summary.update(best_x=xs[i], best_mean=mean[i], best_low=st[i][1], best_high=st[i][2])
        if spec.is_curve:
            summary.update(_per_run_best(grows, spec.metric, spec.axis))
    return Summary(**summary)


def _style_axes(ax, spec: _Spec, panel: str, all_x: list, numeric_x: bool) -> None:
    if not numeric_x:
        ax.set_xticks(range(len(all_x)), [str(v) for v in all_x])
    elif len(all_x) <= (25 if spec.is_curve else 12):
        ax.set_xticks(all_x)
    ax.set(xlabel=spec.x, ylabel=spec.metric + (" (log scale)" if spec.logy else ""),
           title=panel if spec.facets else "")
    if spec.logy:
        ax.set_yscale("log")
        plain = FuncFormatter(lambda v, _: f"{v:g}")
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def _per_run_best(rows: list[dict], metric: str, axis: str | None) -> dict:
    best = []
    for r in rows:
        v = np.array([e if isinstance(e, (int, float)) else math.inf for e in r["metrics"][metric]], dtype=float)
        if not np.isfinite(v).any():
            continue
        xs = r["metrics"].get(axis) if axis else None
        xs = xs if isinstance(xs, list) and len(xs) == len(v) else list(range(len(v)))
        best.append(xs[int(np.argmin(v))])
    if not best:
        return {}
    mode, count = Counter(best).most_common(1)[0]
    return {"per_seed_mode": mode, "per_seed_share": count / len(best)}


def _sort_key(v: Any):
    return (0, v, "") if isinstance(v, (int, float)) and not isinstance(v, bool) else (1, 0, str(v))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
