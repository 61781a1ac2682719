"""PNG charts drawn with matplotlib directly (backtrader's own plotting breaks on current
matplotlib): equity against buy-and-hold, drawdown, training curves.

Names (tickers, models, strategies, run ids) are drawn literally: every text passes through
`literal`, so a ``$`` never starts matplotlib's math mode.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from trader.evaluate import drawdown


def literal(text: object) -> str:
    """``text`` as matplotlib draws it literally (``$`` escaped: no mathtext)."""
    return str(text).replace("$", r"\$")


def equity_chart(equity: dict[str, pd.Series], path: Path, title: str) -> Path:
    """Portfolio value of each strategy, as growth of 1."""
    fig, ax = plt.subplots(figsize=(10, 5))
    for name, series in equity.items():
        ax.plot(
            series.index,
            series / series.iloc[0],
            label=literal(name),
            lw=2 if name != "buy_and_hold" else 1.5,
            ls="--" if name == "buy_and_hold" else "-",
        )
    ax.set_title(literal(title))
    ax.set_ylabel("growth of 1")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    return _save(fig, path)


def drawdown_chart(equity: dict[str, pd.Series], path: Path) -> Path:
    """Drawdown from the running peak of each strategy."""
    fig, ax = plt.subplots(figsize=(10, 4))
    for name, series in equity.items():
        ax.plot(series.index, drawdown(series) * 100, label=literal(name))
    ax.set_title("Drawdown")
    ax.set_ylabel("% below peak")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    return _save(fig, path)


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
                        range(1, len(values) + 1),
                        values,
                        ls=style,
                        color=shade,
                        label=literal(label),
                    )
            ax.set_title(literal(f"{name}: {key}"))
            ax.set_xlabel("epoch")
            ax.grid(alpha=0.3)
            ax.legend(fontsize="x-small")
    return _save(fig, path)


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
