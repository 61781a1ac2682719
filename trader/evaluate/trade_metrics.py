"""Trade-level measures of a backtest: win rate, profit factor, expectancy.

``trades`` is the round-trip table of `trader.backtesting.BacktestResult`
(columns ``pnl_net``, ``size``, ``entry_price`` and ``open``; see
`trader.backtesting.round_trips.round_trips`). Only closed round trips count: a still-open trip is
marked to the last close and its result is not final.

Trade win rate is not prediction hit rate. The trade win rate here is the share of closed round
trips that made money after costs: one number per trade, whatever the predictions in between.
The prediction hit rate (`trader.evaluate.scoring.hit_rate`) is the share of daily direction calls
that matched the realized direction, one per prediction, costs ignored. A model can call direction
well and still lose on trades (costs, sizing, a few large losses), and the other way round.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def closed_trades(trades: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``trades`` that are closed (all of them when there is no ``open`` column)."""
    if "open" in trades.columns:
        return trades[~trades["open"].astype(bool)]
    return trades


def _net(trades: pd.DataFrame) -> np.ndarray:
    return closed_trades(trades)["pnl_net"].to_numpy(dtype=float)


def trade_win_rate(trades: pd.DataFrame) -> float:
    """Share of closed trades with ``pnl_net > 0`` (open ones are ignored); NaN when none.

    A break-even trade (``pnl_net == 0``) is not a win. Not the prediction hit rate: see the
    module notes.
    """
    pnl = _net(trades)
    if len(pnl) == 0:
        return math.nan
    return float((pnl > 0).mean())


def profit_factor(trades: pd.DataFrame) -> float:
    """Gross profit over gross loss of closed trades: ``sum(p > 0) / |sum(p < 0)|``, p = pnl_net.

    NaN with no closed trades or when every trade broke even; ``inf`` when there are profits and
    no losing trade. Above 1 means the winners earned more than the losers lost.
    """
    pnl = _net(trades)
    gains, losses = float(pnl[pnl > 0].sum()), float(-pnl[pnl < 0].sum())
    if losses > 0:
        return gains / losses
    return math.inf if gains > 0 else math.nan


def expectancy(trades: pd.DataFrame) -> float:
    """Mean net result per closed trade in money: ``sum(pnl_net) / n_closed``; NaN when none.

    Equals ``win_rate * mean_win - (1 - win_rate) * mean_loss``.
    """
    pnl = _net(trades)
    return float(pnl.mean()) if len(pnl) else math.nan


def trade_returns(trades: pd.DataFrame) -> pd.Series:
    """Net return of each closed trade on the capital it committed.

    ``pnl_net / (size * entry_price)``, where ``size`` is the largest absolute position of the
    trip; the sign is the trade's result for longs and shorts alike.
    """
    closed = closed_trades(trades)
    committed = closed["size"].to_numpy(dtype=float) * closed["entry_price"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = closed["pnl_net"].to_numpy(dtype=float) / np.abs(committed)
    return pd.Series(values, index=closed.index, name="trade_return")


def expectancy_return(trades: pd.DataFrame) -> float:
    """Mean of `trade_returns` over closed trades (per-trade return expectancy); NaN when none."""
    values = trade_returns(trades).to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else math.nan
