"""Figures the commands draw (matplotlib's object API: no global pyplot state, no display)."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from mas.files import save_figure


def plot_k_curves(path, ks, series: dict[str, tuple[list[float], list[float]]], title: str, best_k=None) -> None:
    """D(k) and G(k) side by side; ``series`` maps a label to (D values, G values)."""
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_d, ax_g = fig.subplots(1, 2)
    for label, (D, G) in series.items():
        ax_d.plot(ks, [v if math.isfinite(v) else math.nan for v in D], marker="o", label=label)
        ax_g.plot(ks, [v if math.isfinite(v) else math.nan for v in G], marker="o", label=label)
    if best_k is not None:
        ax_g.axvline(best_k, color="grey", linestyle="--", linewidth=1, label=f"best k = {best_k}")
    ax_d.set(xlabel="participants k", ylabel="total cost D", title="D(k)")
    ax_g.set(xlabel="participants k", ylabel="objective G = D k^-kappa", title="G(k)")
    for ax in (ax_d, ax_g):
        ax.set_xticks(list(ks))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    save_figure(fig, path, dpi=120)
