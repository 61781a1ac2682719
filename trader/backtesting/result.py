"""What a backtest returns, whichever engine ran it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class BacktestResult:
    """What one backtest produced; every frame is indexed or dated by trading day.

    ``equity``/``cash``/``positions`` are taken at each day's close (the union of the tickers'
    dates; a ticker without a bar that day is valued at its last close). ``trades`` has one row
    per round trip, still-open ones last-close marked with ``open=True`` and ``exit_date=NaT``.
    ``fills`` lists every executed order. ``rejected`` counts orders backtrader refused
    (margin, rejected, cancelled, expired): 0 in a sound run. ``capped`` counts long buys cut
    to the cash left because other positions had grown past their weight.
    """

    equity: pd.Series
    cash: pd.Series
    positions: pd.DataFrame
    trades: pd.DataFrame
    fills: pd.DataFrame
    rejected: int
    capped: int = 0
