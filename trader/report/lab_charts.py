"""Charts of the experiment lab: accuracy against training time (seed 003's comparison), a
heat map of a two-key grid, and every activation with its derivative (seed 001)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from trader.report.charts import literal, save_figure


def tradeoff_chart(
    table: pd.DataFrame, x: str, y: str, group: str | None, path: Path, title: str
) -> Path:
    """One point per configuration (``x`` against ``y``), coloured by ``group`` if given."""
    fig, ax = plt.subplots(figsize=(8, 5))
    groups = table.groupby(group, sort=True) if group else [("", table)]
    markers = "osD^v<>pP*Xh"
    for i, (name, rows) in enumerate(groups):
        label = literal(name) if str(name) else None
        ax.scatter(rows[x], rows[y], label=label, marker=markers[i % len(markers)])
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel(y.replace("_", " "))
    ax.set_title(literal(title))
    ax.grid(alpha=0.3)
    if group:
        ax.legend(fontsize="x-small", ncols=2)
    return save_figure(fig, path)


def heatmap_chart(
    table: pd.DataFrame, rows: str, columns: str, value: str, path: Path, title: str
) -> Path:
    """``value`` over a two-key grid (mean over seeds), annotated."""
    grid = table.pivot_table(index=rows, columns=columns, values=value, aggfunc="mean")
    fig, ax = plt.subplots(figsize=(1.2 * len(grid.columns) + 3, 0.5 * len(grid.index) + 2))
    image = ax.imshow(grid.to_numpy(float), cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(grid.columns)), [literal(c) for c in grid.columns], rotation=45)
    ax.set_yticks(range(len(grid.index)), [literal(r) for r in grid.index])
    ax.set_xlabel(columns.split(":", 1)[-1])
    ax.set_ylabel(rows.split(":", 1)[-1])
    for (i, j), v in np.ndenumerate(grid.to_numpy(float)):
        if math.isfinite(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="w", fontsize="small")
    fig.colorbar(image, ax=ax, label=value.replace("_", " "))
    ax.set_title(literal(title))
    return save_figure(fig, path)


def activation_chart(
    curves: dict[str, tuple[np.ndarray, np.ndarray]], x: np.ndarray, path: Path
) -> Path:
    """A small panel per activation: the function and its derivative."""
    names = sorted(curves)
    cols = 6
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.2 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        values, slope = curves[name]
        ax.plot(x, values, lw=1.8, label="f(x)")
        ax.plot(x, slope, lw=1.2, ls="--", label="f'(x)")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_title(name, fontsize="small")
        ax.tick_params(labelsize="x-small")
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize="x-small")
    fig.suptitle("Activations (solid) and their derivatives (dashed)")
    return save_figure(fig, path)
