"""Granville's eight rules on a moving average (seed 000: グランビルの法則)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from trader.signals import Strategy, StrategyParams, hold_positions, sma


class GranvilleParams(StrategyParams):
    ma: int = Field(25, ge=2, le=400, description="days of the simple moving average")
    slope_days: int = Field(
        5, ge=1, le=100, description="the MA's direction: MA today vs MA this many days ago"
    )
    near_pct: float = Field(
        3.0, gt=0.0, le=50.0, description="buy 3 / sell 3: 'close to the MA' is within this %"
    )
    far_pct: float = Field(
        10.0, gt=0.0, le=100.0, description="buy 4 / sell 4: 'far from the MA' is this % or more"
    )
    buy1: bool = Field(True, description="close crosses above a flat or rising MA")
    buy2: bool = Field(True, description="close dips below a rising MA")
    buy3: bool = Field(True, description="close pulls back towards a rising MA and turns up")
    buy4: bool = Field(True, description="close far below a falling MA")
    sell1: bool = Field(True, description="close crosses below a flat or falling MA")
    sell2: bool = Field(True, description="close pops above a falling MA")
    sell3: bool = Field(True, description="close rallies towards a falling MA and turns down")
    sell4: bool = Field(True, description="close far above a rising MA")
    allow_short: bool = Field(False, description="sell signals open shorts (buy signals cover)")


class Granville(Strategy):
    """Granville's rules: four buy and four sell signals from the close and its moving average.

    Seed 000 (グランビルもどきの法則). On day t, with ``MA`` the simple moving average of the
    last ``ma`` closes, the MA is *rising* when ``MA_t > MA_{t-slope_days}``, *falling* when
    ``<``, *flat* when equal; the deviation is ``dev_t = (close_t / MA_t - 1) * 100``. The
    close *crosses above* the MA when ``close_{t-1} <= MA_{t-1}`` and ``close_t > MA_t``
    (*crosses below*: ``close_{t-1} >= MA_{t-1}`` and ``close_t < MA_t``).

    * buy 1: crosses above while the MA is not falling (the MA has stopped declining);
    * buy 2: crosses below while the MA is rising (a dip in an up trend);
    * buy 3: MA rising; yesterday's close was above the MA but within ``near_pct`` % of it
      and lower than the day before; today's close is above the MA and higher than yesterday's
      (a pullback that held above the MA and turned up);
    * buy 4: MA falling and ``dev_t <= -far_pct`` (oversold far below the MA);
    * sell 1-4 mirror them: crosses below a not-rising MA; crosses above a falling MA; a rally
      up to within ``near_pct`` % below a falling MA that turns down while staying below it;
      MA rising and ``dev_t >= far_pct``.

    Long only (default): any enabled buy signal enters, any enabled sell signal exits. With
    ``allow_short`` the sell signals go short and the buy signals cover (a flip is one day).
    A day with both a buy and a sell signal does nothing. No signal before the MA and its
    slope exist (the first ``ma + slope_days - 1`` days).
    """

    name = "granville"
    Params = GranvilleParams

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        p: GranvilleParams = self.params
        buy, sell = granville_signals(frame["close"], p)
        buy, sell = buy & ~sell, sell & ~buy
        if p.allow_short:
            held = hold_positions(buy.astype(float) - sell, np.zeros(len(buy), bool))
        else:
            held = hold_positions(buy, sell)
        return pd.Series(held, index=frame.index)


def granville_signals(close: pd.Series, p: GranvilleParams) -> tuple[np.ndarray, np.ndarray]:
    """(buy, sell) boolean arrays: any enabled buy rule / any enabled sell rule fired on day t."""
    average = sma(close, p.ma)
    slope = average - average.shift(p.slope_days)
    rising, falling = slope > 0, slope < 0
    above, below = close > average, close < average
    prev_close, prev_avg = close.shift(1), average.shift(1)
    cross_up = (prev_close <= prev_avg) & above
    cross_down = (prev_close >= prev_avg) & below
    dev = (close / average - 1.0) * 100.0
    prev_dev = dev.shift(1)
    turned_up = (prev_close < close.shift(2)) & (close > prev_close)
    turned_down = (prev_close > close.shift(2)) & (close < prev_close)
    buys = {
        "buy1": cross_up & (slope >= 0),
        "buy2": cross_down & rising,
        "buy3": rising & above & (prev_close > prev_avg) & (prev_dev <= p.near_pct) & turned_up,
        "buy4": falling & (dev <= -p.far_pct),
    }
    sells = {
        "sell1": cross_down & (slope <= 0),
        "sell2": cross_up & falling,
        "sell3": falling
        & below
        & (prev_close < prev_avg)
        & (prev_dev >= -p.near_pct)
        & turned_down,
        "sell4": rising & (dev >= p.far_pct),
    }
    buy = np.zeros(len(close), dtype=bool)
    sell = np.zeros(len(close), dtype=bool)
    for rule, fired in buys.items():
        if getattr(p, rule):
            buy |= fired.to_numpy(dtype=bool)
    for rule, fired in sells.items():
        if getattr(p, rule):
            sell |= fired.to_numpy(dtype=bool)
    return buy, sell
