"""Run statistics of the dynamic model with batch-means confidence intervals.

The time after the warm-up is cut into equal batches; each figure is measured
in each batch (time averages for queue length, jobs in system, utilization and
the empty-system probability; job averages, by arrival time, for waits) and the
interval is the Student-t interval of the batch means. Batches much longer than
a busy period are nearly independent, which is what the interval assumes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import stdtrit


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its confidence interval."""

    mean: float
    low: float
    high: float

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    def to_dict(self) -> dict:
        return {"mean": self.mean, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class RunSummary:
    """What a run of the dynamic model measured after its warm-up."""

    horizon: float
    warmup: float
    batches: int
    confidence: float
    arrived: int
    completed: int
    timed_out: int
    rejected: int
    throughput: Estimate
    rho: Estimate  # mean utilization over all kinds (with one kind: busy servers / servers)
    utilization: dict[str, Estimate]
    P0: Estimate
    erlang_c: Estimate
    Lq: Estimate
    L: Estimate
    Wq: Estimate
    W: Estimate
    p95_wait: Estimate

    def to_dict(self) -> dict:
        out = {}
        for k, v in self.__dict__.items():
            if isinstance(v, Estimate):
                out[k] = v.to_dict()
            elif isinstance(v, dict):
                out[k] = {kk: vv.to_dict() for kk, vv in v.items()}
            else:
                out[k] = v
        return out


def _estimate(values: np.ndarray, confidence: float, upper: float = np.inf) -> Estimate:
    """Mean of the batch values and its Student-t interval, clipped to the figure's range [0, upper]."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan)
    mean = float(v.mean())
    if v.size < 2:
        return Estimate(mean, float("-inf"), float("inf"))
    half = float(stdtrit(v.size - 1, 0.5 + confidence / 2) * v.std(ddof=1) / np.sqrt(v.size))
    return Estimate(mean, max(mean - half, 0.0), min(mean + half, upper))


def _window_means(t: np.ndarray, v: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Time averages of the step function (value v[k] from t[k] on) over consecutive windows."""
    v = np.asarray(v, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    area = np.vstack([np.zeros((1, v.shape[1])), np.cumsum(v[:-1] * np.diff(t)[:, None], axis=0)])
    k = np.searchsorted(t, edges, side="right") - 1
    F = area[k] + v[k] * (edges - t[k])[:, None]
    return np.diff(F, axis=0) / np.diff(edges)[:, None]


def summarize(model, *, batches: int = 20, confidence: float = 0.95) -> RunSummary:
    """Steady-state figures of ``model`` (an ``AllocationModel``) from its warm-up to its clock."""
    if not 0 < confidence < 1:
        from mas.errors import InputError

        raise InputError("confidence", confidence, "must be between 0 and 1")
    start, end = model.warmup, model.clock
    if end <= start:
        from mas.errors import InputError

        raise InputError("horizon", end, f"must exceed the warm-up {start:g}")
    edges = np.linspace(start, end, batches + 1)
    history = model.history()
    t, q, n, used = history.t, history.queue, history.in_system, history.used
    total = model.capacity.sum(axis=0)
    util = np.divide(used, total, out=np.zeros_like(used), where=total > 0)
    q_b = _window_means(t, q, edges)[:, 0]
    n_b = _window_means(t, n, edges)[:, 0]
    empty_b = _window_means(t, (n == 0).astype(float), edges)[:, 0]
    util_b = _window_means(t, util, edges)
    has = total > 0
    rho_b = util_b[:, has].mean(axis=1) if has.any() else np.zeros(batches)

    rec = np.array(model.waits, dtype=float).reshape(-1, 3)
    arr, wait, serv = rec[:, 0], rec[:, 1], rec[:, 2]
    which = np.searchsorted(edges, arr, side="right") - 1
    wq_b, w_b, c_b, p95_b = (np.full(batches, np.nan) for _ in range(4))
    for b in range(batches):
        sel = which == b
        if sel.any():
            wq_b[b] = wait[sel].mean()
            w_b[b] = (wait[sel] + serv[sel]).mean()
            c_b[b] = (wait[sel] > 1e-12).mean()
            p95_b[b] = np.percentile(wait[sel], 95)
    fin = model.completion_times()
    thr_b = np.histogram(fin, bins=edges)[0] / np.diff(edges)
    est = lambda x: _estimate(x, confidence)  # noqa: E731
    frac = lambda x: _estimate(x, confidence, upper=1.0)  # noqa: E731  (probabilities, utilizations)
    return RunSummary(
        horizon=end, warmup=start, batches=batches, confidence=confidence, arrived=model.arrived,
        completed=model.completed, timed_out=model.timed_out, rejected=model.rejected,
        throughput=est(thr_b), rho=frac(rho_b),
        utilization={k: frac(util_b[:, r]) for r, k in enumerate(model.kinds)},
        P0=frac(empty_b), erlang_c=frac(c_b), Lq=est(q_b), L=est(n_b), Wq=est(wq_b), W=est(w_b),
        p95_wait=est(p95_b),
    )
