"""Performance measures of a backtest, as pure functions on pandas objects.

Conventions: ``equity`` is the portfolio value at each trading day's close (a Series, oldest
first); ``returns`` are simple per-period returns; "periods" are trading days, annualized with
``periods_per_year`` (252 by default), never with calendar days. Undefined values are NaN.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from trader.backtest import BacktestResult

PERIODS_PER_YEAR = 252
# A standard deviation of per-period returns below this counts as zero (flat equity).
_ZERO_STD = 1e-12


def daily_returns(equity: pd.Series) -> pd.Series:
    """Simple returns ``r_t = E_t / E_{t-1} - 1``; one fewer value than ``equity``."""
    values = equity.astype(float)
    return (values / values.shift(1) - 1.0).iloc[1:]


def total_return(equity: pd.Series) -> float:
    """Compounded return over the whole series: ``E_last / E_first - 1`` (NaN when empty)."""
    if len(equity) == 0:
        return math.nan
    return float(equity.iloc[-1] / equity.iloc[0] - 1.0)


def cagr(equity: pd.Series, periods_per_year: int = PERIODS_PER_YEAR) -> float:
    """Compound annual growth rate from the number of periods, not calendar time.

    ``(E_last / E_first) ** (periods_per_year / n) - 1`` with ``n = len(equity) - 1`` periods;
    NaN with fewer than two values, -1 when the equity ends at or below zero.
    """
    n = len(equity) - 1
    if n < 1:
        return math.nan
    growth = float(equity.iloc[-1] / equity.iloc[0])
    if growth <= 0:
        return -1.0
    return growth ** (periods_per_year / n) - 1.0


def annualized_volatility(returns: pd.Series, periods_per_year: int = PERIODS_PER_YEAR) -> float:
    """``std(r, ddof=1) * sqrt(periods_per_year)``; NaN with fewer than two returns."""
    if len(returns) < 2:
        return math.nan
    return float(returns.std(ddof=1) * math.sqrt(periods_per_year))


def sharpe(
    returns: pd.Series, risk_free: float = 0.0, periods_per_year: int = PERIODS_PER_YEAR
) -> float:
    """Annualized Sharpe ratio ``mean(r - rf) / std(r - rf, ddof=1) * sqrt(periods_per_year)``.

    ``risk_free`` is a per-period rate. NaN with fewer than two returns or when the standard
    deviation is zero (below 1e-12, e.g. a strategy that never trades): a ratio is undefined
    there, and NaN keeps it out of rankings instead of pretending to 0.
    """
    if len(returns) < 2:
        return math.nan
    excess = returns.astype(float) - risk_free
    std = float(excess.std(ddof=1))
    if not std > _ZERO_STD:
        return math.nan
    return float(excess.mean()) / std * math.sqrt(periods_per_year)


def drawdown(equity: pd.Series) -> pd.Series:
    """Fraction below the running peak at each point: ``E_t / max(E_0..E_t) - 1`` (<= 0)."""
    values = equity.astype(float)
    return values / values.cummax() - 1.0


def max_drawdown(equity: pd.Series) -> float:
    """Deepest drawdown, a negative fraction (``min_t drawdown_t``; 0 when never below a peak)."""
    if len(equity) == 0:
        return math.nan
    return float(drawdown(equity).min())


def exposure(positions: pd.DataFrame) -> float:
    """Share of days (rows) holding any nonzero position in any ticker; NaN with no days."""
    if len(positions) == 0:
        return math.nan
    return float((positions.to_numpy(dtype=float) != 0).any(axis=1).mean())


def _closed(trades: pd.DataFrame) -> pd.DataFrame:
    if "open" in trades.columns:
        return trades[~trades["open"].astype(bool)]
    return trades


def trade_win_rate(trades: pd.DataFrame) -> float:
    """Share of closed trades with ``pnl_net > 0`` (open ones are ignored); NaN when none."""
    closed = _closed(trades)
    if len(closed) == 0:
        return math.nan
    return float((closed["pnl_net"].to_numpy(dtype=float) > 0).mean())


def summarize(
    result: BacktestResult, periods_per_year: int = PERIODS_PER_YEAR
) -> dict[str, float | int]:
    """The headline numbers of a backtest.

    ``profit`` and ``final_value`` are in money (``equity`` starts at the starting cash, since no
    order can fill on the first day); ``trades`` counts closed round trips; ``commission_paid``
    sums every fill's commission; ``rejected_orders`` and ``capped_orders`` are the result's
    counts. Returns, Sharpe and volatility come from daily returns of ``equity``.
    """
    equity = result.equity
    returns = daily_returns(equity)
    first = float(equity.iloc[0]) if len(equity) else math.nan
    last = float(equity.iloc[-1]) if len(equity) else math.nan
    return {
        "total_return": total_return(equity),
        "profit": last - first,
        "final_value": last,
        "cagr": cagr(equity, periods_per_year),
        "sharpe": sharpe(returns, periods_per_year=periods_per_year),
        "volatility": annualized_volatility(returns, periods_per_year),
        "max_drawdown": max_drawdown(equity),
        "trades": len(_closed(result.trades)),
        "win_rate": trade_win_rate(result.trades),
        "exposure": exposure(result.positions),
        "commission_paid": float(np.sum(result.fills["commission"].to_numpy(dtype=float))),
        "rejected_orders": int(result.rejected),
        "capped_orders": int(result.capped),
    }
