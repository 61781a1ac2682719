"""PNG charts drawn with matplotlib directly (backtrader's own plotting breaks on current
matplotlib): equity against buy-and-hold, drawdown, training curves."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from trader.metrics import drawdown


def equity_chart(equity: dict[str, pd.Series], path: Path, title: str) -> Path:
    """Portfolio value of each strategy, as growth of 1."""
    fig, ax = plt.subplots(figsize=(10, 5))
    for name, series in equity.items():
        ax.plot(
            series.index,
            series / series.iloc[0],
            label=name,
            lw=2 if name != "buy_and_hold" else 1.5,
            ls="--" if name == "buy_and_hold" else "-",
        )
    ax.set_title(title)
    ax.set_ylabel("growth of 1")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    return _save(fig, path)


def drawdown_chart(equity: dict[str, pd.Series], path: Path) -> Path:
    """Drawdown from the running peak of each strategy."""
    fig, ax = plt.subplots(figsize=(10, 4))
    for name, series in equity.items():
        ax.plot(series.index, drawdown(series) * 100, label=name)
    ax.set_title("Drawdown")
    ax.set_ylabel("% below peak")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    return _save(fig, path)


def training_chart(histories: dict[str, dict[str, list[float]]], path: Path) -> Path:
    """Loss and first metric per epoch, training and validation, one column per model."""
    names = list(histories)
    fig, axes = plt.subplots(
        2, max(len(names), 1), figsize=(5 * max(len(names), 1), 7), squeeze=False
    )
    for col, name in enumerate(names):
        hist = histories[name]
        metrics = [k for k in hist if not k.startswith("val_") and k != "loss"]
        for row, key in enumerate(["loss", metrics[0] if metrics else None]):
            ax = axes[row][col]
            if key is None:
                ax.axis("off")
                continue
            ax.plot(range(1, len(hist[key]) + 1), hist[key], label=key)
            if f"val_{key}" in hist:
                ax.plot(
                    range(1, len(hist[f"val_{key}"]) + 1), hist[f"val_{key}"], label=f"val_{key}"
                )
            ax.set_title(f"{name}: {key}")
            ax.set_xlabel("epoch")
            ax.grid(alpha=0.3)
            ax.legend()
    return _save(fig, path)


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
