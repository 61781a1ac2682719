"""PNG charts drawn with matplotlib directly (backtrader's own plotting breaks on current
matplotlib): equity against buy-and-hold, drawdown, training curves. Every contender has its own
colour, line style (and past 40, marker), so none is mistaken for another.

Names (tickers, models, strategies, run ids) are drawn literally: every text passes through
`literal`, so a ``$`` never starts matplotlib's math mode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from trader.evaluate import drawdown

BENCHMARK = "buy_and_hold"
_COLORS = [plt.get_cmap("tab10")(i) for i in range(10)]
_LINES = ["-", "--", ":", "-."]
_MARKERS = ["", "o", "s", "^", "x"]


Style = dict[str, Any]  # keyword arguments of ``Axes.plot``


def literal(text: object) -> str:
    """``text`` as matplotlib draws it literally (``$`` escaped: no mathtext)."""
    return str(text).replace("$", r"\$")


def line_styles(names: list[str], emphasized: frozenset[str] = frozenset()) -> dict[str, Style]:
    """A distinct look per contender: buy-and-hold black dashed, the others by position.

    The i-th other contender gets colour ``i mod 10`` of tab10, line style ``i // 10 mod 4`` and,
    past 40 contenders, a marker: no two lines share colour, style and marker below 200.
    Emphasized names (the models) are drawn thicker.
    """
    out: dict[str, Style] = {}
    others = [n for n in names if n != BENCHMARK]
    for i, name in enumerate(others):
        marker = _MARKERS[(i // 40) % len(_MARKERS)]
        out[name] = {
            "color": _COLORS[i % 10],
            "ls": _LINES[(i // 10) % 4],
            "lw": 2.2 if name in emphasized else 1.3,
            "marker": marker or None,
            "markevery": 0.1 if marker else None,
        }
    if BENCHMARK in names:
        out[BENCHMARK] = {"color": "black", "ls": "--", "lw": 2.0, "marker": None}
    return out


def _legend(ax: Axes, n: int) -> None:
    ax.legend(fontsize="small" if n <= 12 else "x-small", ncol=1 if n <= 12 else 2, loc="best")


def equity_figure(
    equity: dict[str, pd.Series], title: str, models: frozenset[str] = frozenset()
) -> Figure:
    """Portfolio value of each strategy, as growth of 1; every contender drawn differently."""
    fig, ax = plt.subplots(figsize=(10, 5))
    styles = line_styles(list(equity), models)
    for name, series in equity.items():
        ax.plot(series.index, series / series.iloc[0], label=literal(name), **styles[name])
    ax.set_title(literal(title))
    ax.set_ylabel("growth of 1")
    ax.grid(alpha=0.3)
    _legend(ax, len(equity))
    fig.autofmt_xdate()
    return fig


def equity_chart(
    equity: dict[str, pd.Series], path: Path, title: str, models: frozenset[str] = frozenset()
) -> Path:
    """`equity_figure` saved as a PNG."""
    return save_figure(equity_figure(equity, title, models), path)


def drawdown_chart(
    equity: dict[str, pd.Series], path: Path, models: frozenset[str] = frozenset()
) -> Path:
    """Drawdown from the running peak of each strategy (same looks as the equity chart)."""
    fig, ax = plt.subplots(figsize=(10, 4))
    styles = line_styles(list(equity), models)
    for name, series in equity.items():
        ax.plot(series.index, drawdown(series) * 100, label=literal(name), **styles[name])
    ax.set_title("Drawdown")
    ax.set_ylabel("% below peak")
    ax.grid(alpha=0.3)
    _legend(ax, len(equity))
    fig.autofmt_xdate()
    return save_figure(fig, path)


def training_chart(histories: dict[str, list[dict[str, list[float]]]], path: Path) -> Path:
    """Loss and first metric per epoch, one column per model, one line pair per fold.

    Solid lines are training, dashed lines validation; later folds are drawn darker.
    """
    names = list(histories)
    fig, axes = plt.subplots(
        2, max(len(names), 1), figsize=(5 * max(len(names), 1), 7), squeeze=False
    )
    for col, name in enumerate(names):
        folds = histories[name]
        first = folds[0] if folds else {}
        metrics = [k for k in first if not k.startswith("val_") and k != "loss"]
        for row, key in enumerate(["loss", metrics[0] if metrics else None]):
            ax = axes[row][col]
            if key is None or not folds:
                ax.axis("off")
                continue
            for k, hist in enumerate(folds):
                shade = plt.cm.Blues(0.4 + 0.6 * (k + 1) / len(folds))
                for series, style in ((key, "-"), (f"val_{key}", "--")):
                    values = hist.get(series, [])
                    if not values:
                        continue
                    label = f"fold {k + 1} {series}" if len(folds) > 1 else series
                    ax.plot(
                        range(1, len(values) + 1), values, ls=style, color=shade,
                        label=literal(label),
                    )  # fmt: skip
            ax.set_title(literal(f"{name}: {key}"))
            ax.set_xlabel("epoch")
            ax.grid(alpha=0.3)
            ax.legend(fontsize="x-small")
    return save_figure(fig, path)


def save_figure(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
