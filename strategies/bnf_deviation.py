"""BNF deviation rate (seed 000: BNF氏の乖離率逆張り): buy far below the moving average."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from trader.signals import Strategy, StrategyParams, hold_positions, sma


class BNFParams(StrategyParams):
    ma: int = Field(25, ge=2, le=400, description="days of the simple moving average")
    entry_pct: float = Field(
        10.0, gt=0.0, lt=100.0, description="buy when the close is at least this % below the MA"
    )
    max_hold: int | None = Field(
        10, ge=1, le=252, description="exit after this many days at the latest (null: no limit)"
    )


class BNFDeviation(Strategy):
    """BNF deviation rate (乖離率): buy a close ``entry_pct`` % or more below its N-day average.

    The contrarian swing trade of BNF (小手川隆) in seed 000. The deviation rate of day t is
    ``(close_t / MA_t - 1) * 100`` with ``MA_t`` the simple moving average of the last ``ma``
    closes (day t included). Entry (long, flat before) when the deviation is ``<= -entry_pct``.
    Exit at the first later close that is back at or above its moving average (reversion,
    deviation >= 0), or at the close ``max_hold`` days after the entry, whichever comes first.
    """

    name = "bnf_deviation"
    Params = BNFParams

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        p: BNFParams = self.params
        close = frame["close"]
        average = sma(close, p.ma)
        deviation = (close / average - 1.0) * 100.0
        entries = (deviation <= -p.entry_pct).to_numpy()
        exits = (close >= average).to_numpy()
        return pd.Series(hold_positions(entries, exits, max_hold=p.max_hold), index=frame.index)
