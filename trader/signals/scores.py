"""Predictions to target positions.

A model's raw output becomes one direction score per (ticker, day): positive means "up" (see
`trader.models.to_score`). The score decided at day t's close becomes a target position that the
backtest executes at day t+1's open: +1 long when ``score > long_threshold``; -1 short when
shorts are allowed and ``score < -short_threshold``; otherwise 0 (flat).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from trader.config import SignalConfig
from trader.errors import DataError


def score_frame(tickers: np.ndarray, dates: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Scores as a date x ticker frame (NaN where a ticker has no prediction that day)."""
    long = pd.DataFrame({"ticker": tickers, "date": pd.DatetimeIndex(dates), "score": scores})
    return long.pivot(index="date", columns="ticker", values="score").sort_index()


def targets_from_scores(scores: pd.DataFrame, config: SignalConfig) -> pd.DataFrame:
    """Target positions (+1, 0, -1) from a date x ticker score frame; no score means flat."""
    values = scores.to_numpy(dtype=float)
    target = np.where(values > config.long_threshold, 1.0, 0.0)
    if config.allow_short:
        target = np.where(values < -config.short_threshold, -1.0, target)
    target[np.isnan(values)] = 0.0
    return pd.DataFrame(target, index=scores.index, columns=scores.columns)


def buy_and_hold_targets(
    bars: pd.DataFrame, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Target 1 for every ticker of ``bars`` on every date in ``[start, end]``.

    Like any signal decided on the first day, it enters at the open of each ticker's second bar
    and holds to the end.
    """
    dates = pd.to_datetime(bars["date"]).dt.normalize()
    keep = pd.Series(True, index=bars.index)
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    if end is not None:
        keep &= dates <= pd.Timestamp(end)
    index = pd.DatetimeIndex(sorted(dates[keep].unique()), name="date")
    tickers = sorted(bars.loc[keep, "ticker"].astype(str).unique())
    if not tickers:
        raise DataError(f"buy and hold: no bars between {start} and {end}")
    return pd.DataFrame(1.0, index=index, columns=tickers)
