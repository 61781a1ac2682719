"""Moving-average cross: long while the fast average is above the slow one."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from trader.signals import Strategy, StrategyParams, sma


class MACrossParams(StrategyParams):
    fast: int = Field(25, ge=1, le=1000, description="days of the fast simple moving average")
    slow: int = Field(75, ge=2, le=1000, description="days of the slow simple moving average")
    allow_short: bool = Field(False, description="short while fast < slow instead of flat")

    @model_validator(mode="after")
    def _ordered(self) -> MACrossParams:
        if self.fast >= self.slow:
            raise ValueError(f"fast ({self.fast}) must be shorter than slow ({self.slow})")
        return self


class MACross(Strategy):
    """Moving-average cross: long while SMA(fast) > SMA(slow), flat (or short) otherwise.

    Both averages are simple moving averages of the close over the last ``fast``/``slow`` days
    ending at the decision day. The position is +1 when the fast average is strictly above the
    slow one (golden cross), and 0 — or -1 with ``allow_short`` — when it is strictly below
    (dead cross); equal averages and the first ``slow - 1`` days (no slow average yet) are flat.
    """

    name = "ma_cross"
    Params = MACrossParams

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        p: MACrossParams = self.params
        close = frame["close"]
        fast, slow = sma(close, p.fast), sma(close, p.slow)
        target = np.where(fast > slow, 1.0, 0.0)
        if p.allow_short:
            target = np.where(fast < slow, -1.0, target)
        return pd.Series(target, index=frame.index)
