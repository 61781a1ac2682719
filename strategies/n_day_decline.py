"""N-day decline (seed 000: 3日続落投資法): buy after N lower closes in a row, hold K days."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from trader.signals import Strategy, StrategyParams, hold_positions


class NDayDeclineParams(StrategyParams):
    n: int = Field(3, ge=1, le=50, description="consecutive lower closes that trigger a buy")
    hold: int = Field(5, ge=1, le=252, description="days the position is held")


class NDayDecline(Strategy):
    """N-day decline: buy after ``n`` consecutive lower closes, sell ``hold`` days later.

    The "3日続落" (three-day decline) contrarian rule of seed 000. Day t is a down day when its
    close is strictly below the previous close (an unchanged close breaks the run). When days
    t-n+1 .. t are all down days (n+1 closes are needed), the rule goes long at day t's close
    (filled at day t+1's open) and exits at the close of day t+hold (filled at day t+hold+1's
    open: ``hold`` bars in the market). Declines while holding are ignored; a new run of ``n``
    down days can trigger an entry from the day after the exit.
    """

    name = "n_day_decline"
    Params = NDayDeclineParams

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        p: NDayDeclineParams = self.params
        close = frame["close"]
        down = (close < close.shift(1)).astype(float)
        entries = (down.rolling(p.n, min_periods=p.n).sum() == p.n).to_numpy()
        held = hold_positions(entries, np.zeros(len(entries), bool), max_hold=p.hold)
        return pd.Series(held, index=frame.index)
