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
    ``fills`` lists every executed order. ``rejected`` is always 0 in a returned result: an
    order the broker refuses fails the backtest with `RefusedOrder` instead (the field stays
    for the summaries and stored runs). ``capped`` counts openings cut or dropped by the cash
    rule (long buys cut to the cash left, short sales dropped while the cash is below zero).
    """

    equity: pd.Series
    cash: pd.Series
    positions: pd.DataFrame
    trades: pd.DataFrame
    fills: pd.DataFrame
    rejected: int
    capped: int = 0
