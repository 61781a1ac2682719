"""RCI three lines (seed 000: 鳥居万友美氏の手法, RCIの3本使い)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from pydantic import Field, model_validator

from trader.signals import Strategy, StrategyParams, hold_positions


class RCIParams(StrategyParams):
    short: int = Field(9, ge=2, le=400, description="days of the short RCI (entry timing)")
    mid: int = Field(26, ge=2, le=400, description="days of the middle RCI")
    long: int = Field(52, ge=2, le=400, description="days of the long RCI")
    oversold: float = Field(-80.0, ge=-100.0, le=100.0, description="oversold level")
    overbought: float = Field(80.0, ge=-100.0, le=100.0, description="overbought level")
    mid_max: float | None = Field(
        0.0,
        ge=-100.0,
        le=100.0,
        description="entry needs the middle RCI below this (null: not checked)",
    )
    long_max: float | None = Field(
        0.0,
        ge=-100.0,
        le=100.0,
        description="entry needs the long RCI below this (null: not checked)",
    )
    max_hold: int | None = Field(
        None, ge=1, le=252, description="exit after this many days at the latest (null: no limit)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> RCIParams:
        if not self.short < self.mid < self.long:
            raise ValueError(f"need short < mid < long, got {self.short}, {self.mid}, {self.long}")
        if self.oversold >= self.overbought:
            raise ValueError(
                f"oversold ({self.oversold}) must be below overbought ({self.overbought})"
            )
        return self


class RCIThreeLines(Strategy):
    """RCI three lines: buy when the short RCI turns up out of oversold in a low market.

    The Rank Correlation Index over the last n closes (day t included) compares the date ranks
    (newest = 1) with the price ranks (highest = 1, ties get their average rank):
    ``RCI = (1 - 6 * sum(d^2) / (n * (n^2 - 1))) * 100`` with d the difference of the two ranks
    of each day; +100 means n closes rising every day, -100 falling every day. Three lines are
    used (seed 000, the three-RCI method of 鳥居万友美): short (9), middle (26), long (52).

    * entry (long, when flat): the short RCI crosses up through ``oversold``
      (``short_{t-1} <= -80 < short_t``) while the middle RCI is below ``mid_max`` and the
      long RCI below ``long_max`` (default 0: both still in their lower half, i.e. the short
      line turns up at a bottom of a pullback or of a down trend);
    * exit: the short RCI crosses down through ``overbought`` (``short_{t-1} >= 80 > short_t``,
      the rebound is exhausted), or ``max_hold`` days after the entry when set.

    No signal before the long RCI exists (its first ``long - 1`` days).
    """

    name = "rci"
    Params = RCIParams

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        p: RCIParams = self.params
        close = frame["close"]
        short, mid, long = rci(close, p.short), rci(close, p.mid), rci(close, p.long)
        entries = (short.shift(1) <= p.oversold) & (short > p.oversold) & long.notna()
        if p.mid_max is not None:
            entries &= mid < p.mid_max
        if p.long_max is not None:
            entries &= long < p.long_max
        exits = (short.shift(1) >= p.overbought) & (short < p.overbought)
        held = hold_positions(entries.to_numpy(), exits.to_numpy(), max_hold=p.max_hold)
        return pd.Series(held, index=frame.index)


def rci(close: pd.Series, n: int) -> pd.Series:
    """The n-day Rank Correlation Index of ``close`` (NaN for the first n - 1 days)."""
    values = close.to_numpy(dtype=float)
    out = np.full(len(values), np.nan)
    if len(values) >= n:
        windows = pd.DataFrame(sliding_window_view(values, n))
        price_rank = windows.rank(axis=1, ascending=False, method="average").to_numpy()
        date_rank = np.arange(n, 0, -1, dtype=float)  # oldest day n ... newest day 1
        d2 = ((date_rank - price_rank) ** 2).sum(axis=1)
        out[n - 1 :] = (1.0 - 6.0 * d2 / (n * (n * n - 1.0))) * 100.0
    return pd.Series(out, index=close.index)
