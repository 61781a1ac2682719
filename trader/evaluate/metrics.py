"""Performance measures of a backtest, as pure functions on pandas objects.

Conventions: ``equity`` is the portfolio value at each trading day's close (a Series, oldest
first); ``returns`` are simple per-period returns; "periods" are trading days, annualized with
``periods_per_year`` (252 by default, or `periods_per_year` inferred from a date index), never
with calendar days. A risk-free rate given to a ratio is per period; convert an annual rate with
`risk_free_per_period`. Undefined values are NaN.

Trade-level measures (win rate, profit factor, expectancy) live in `trader.evaluate.trade_metrics`;
prediction hit rate lives in `trader.evaluate.scoring`. Uncertainty (bootstrap intervals,
probabilistic and deflated Sharpe ratios, a binomial test of hit rate) lives in
`trader.evaluate.stats`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trader.evaluate.trade_metrics import closed_trades, expectancy, profit_factor, trade_win_rate

if TYPE_CHECKING:
    from trader.backtesting import BacktestResult

PERIODS_PER_YEAR = 252
# A standard deviation of per-period returns below this counts as zero (flat equity).
_ZERO_STD = 1e-12
# Frequencies an inferred number of periods per year snaps to: trading days, calendar days,
# weeks, months, quarters, years.
_STANDARD_FREQUENCIES = (252.0, 365.0, 52.0, 12.0, 4.0, 1.0)
_SNAP = math.log(1.2)  # snap when within 20% (252 and 365 are 45% apart)
_DAYS_PER_YEAR = 365.25


def periods_per_year(index: pd.Index, default: float = PERIODS_PER_YEAR) -> float:
    """Periods per year inferred from a DatetimeIndex: ``(n - 1) / (span in days / 365.25)``.

    The estimate snaps to the nearest standard frequency (252 trading days, 365 calendar days,
    52 weeks, 12 months, 4 quarters, 1 year) when within 20% of it, so business days with
    holidays give exactly 252; otherwise (intraday bars, odd sampling) the raw estimate is
    returned. ``default`` (252) for anything other than a DatetimeIndex of two distinct dates.
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return float(default)
    span_days = (index.max() - index.min()) / pd.Timedelta(days=1)
    if not span_days > 0:
        return float(default)
    estimate = (len(index) - 1) / (span_days / _DAYS_PER_YEAR)
    nearest = min(_STANDARD_FREQUENCIES, key=lambda f: abs(math.log(estimate / f)))
    return nearest if abs(math.log(estimate / nearest)) <= _SNAP else float(estimate)


def risk_free_per_period(annual_rate: float, periods_per_year: float = PERIODS_PER_YEAR) -> float:
    """The per-period rate that compounds to ``annual_rate``: ``(1 + R) ** (1 / ppy) - 1``."""
    return math.pow(1.0 + annual_rate, 1.0 / periods_per_year) - 1.0


def daily_returns(equity: pd.Series) -> pd.Series:
    """Simple returns ``r_t = E_t / E_{t-1} - 1``; one fewer value than ``equity``."""
    values = equity.astype(float)
    return (values / values.shift(1) - 1.0).iloc[1:]


def total_return(equity: pd.Series) -> float:
    """Compounded return over the whole series: ``E_last / E_first - 1`` (NaN when empty).

    The same as ``prod(1 + r_t) - 1`` over the `daily_returns`.
    """
    if len(equity) == 0:
        return math.nan
    return float(equity.iloc[-1] / equity.iloc[0] - 1.0)


def cagr(equity: pd.Series, periods_per_year: float = PERIODS_PER_YEAR) -> float:
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
    return math.pow(growth, periods_per_year / n) - 1.0


def annualized_volatility(returns: pd.Series, periods_per_year: float = PERIODS_PER_YEAR) -> float:
    """``std(r, ddof=1) * sqrt(periods_per_year)``; NaN with fewer than two returns."""
    if len(returns) < 2:
        return math.nan
    return float(returns.std(ddof=1) * math.sqrt(periods_per_year))


def sharpe(
    returns: pd.Series, risk_free: float = 0.0, periods_per_year: float = PERIODS_PER_YEAR
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


def sortino(
    returns: pd.Series, risk_free: float = 0.0, periods_per_year: float = PERIODS_PER_YEAR
) -> float:
    """Annualized Sortino ratio ``mean(x) / DD * sqrt(periods_per_year)``, ``x = r - rf``.

    ``DD = sqrt(sum(min(x_t, 0) ** 2) / n)`` is the downside deviation below the per-period
    ``risk_free`` target, averaged over all ``n`` periods (not only the losing ones), as in
    Sortino & Price (1994), empyrical and quantstats. NaN with fewer than two returns or no
    period below the target.
    """
    if len(returns) < 2:
        return math.nan
    excess = returns.to_numpy(dtype=float) - risk_free
    downside = math.sqrt(float(np.mean(np.minimum(excess, 0.0) ** 2)))
    if not downside > _ZERO_STD:
        return math.nan
    return float(excess.mean()) / downside * math.sqrt(periods_per_year)


def drawdown(equity: pd.Series) -> pd.Series:
    """Fraction below the running peak at each point: ``E_t / max(E_0..E_t) - 1`` (<= 0)."""
    values = equity.astype(float)
    return values / values.cummax() - 1.0


def max_drawdown(equity: pd.Series) -> float:
    """Deepest drawdown, a negative fraction (``min_t drawdown_t``; 0 when never below a peak)."""
    if len(equity) == 0:
        return math.nan
    return float(drawdown(equity).min())


def max_drawdown_duration(equity: pd.Series) -> int:
    """Longest time under water, in bars: the most consecutive bars below the previous peak.

    A bar is under water when ``E_t < max(E_0..E_t)``; the run ends at the first bar back at or
    above the peak, and a drawdown still open at the end counts up to the last bar. So
    100, 110, 99, 105, 121 gives 2 (the bars at 99 and 105). 0 when never under water or empty.
    """
    under = (drawdown(equity) < 0).to_numpy()
    longest = run = 0
    for flag in under:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def calmar(equity: pd.Series, periods_per_year: float = PERIODS_PER_YEAR) -> float:
    """Calmar ratio ``cagr / |max_drawdown|`` over the whole series (not a trailing 36 months).

    NaN when there is no drawdown (or fewer than two values).
    """
    depth = max_drawdown(equity)
    if not depth < 0:
        return math.nan
    return cagr(equity, periods_per_year) / abs(depth)


def exposure(positions: pd.DataFrame) -> float:
    """Share of days (rows) holding any nonzero position in any ticker; NaN with no days."""
    if len(positions) == 0:
        return math.nan
    return float((positions.to_numpy(dtype=float) != 0).any(axis=1).mean())


def turnover(
    fills: pd.DataFrame,
    equity: pd.Series,
    periods_per_year: float = PERIODS_PER_YEAR,
    *,
    annualize: bool = True,
) -> float:
    """Two-sided turnover: traded value as a multiple of the average equity.

    ``T = sum(|fill value|) / mean(equity)`` over the whole backtest counts buys and sells alike
    (a round trip of the whole book is 2). Annualized (the default) it is
    ``T * periods_per_year / n`` with ``n = len(equity) - 1`` periods; with ``annualize=False``
    it is ``T / n``, per period. 0 without fills; NaN with fewer than two equity values.
    """
    n = len(equity) - 1
    if n < 1:
        return math.nan
    average = float(equity.astype(float).mean())
    if not average > 0:
        return math.nan
    traded = float(np.abs(fills["value"].to_numpy(dtype=float)).sum()) if len(fills) else 0.0
    per_period = traded / average / n
    return per_period * periods_per_year if annualize else per_period


def summarize(
    result: BacktestResult,
    periods_per_year: float = PERIODS_PER_YEAR,
    *,
    risk_free_annual: float = 0.0,
) -> dict[str, float | int]:
    """The headline numbers of a backtest.

    ``profit`` and ``final_value`` are in money (``equity`` starts at the starting cash, since no
    order can fill on the first day); ``trades`` counts closed round trips; ``commission_paid``
    sums every fill's commission; ``rejected_orders`` and ``capped_orders`` are the result's
    counts. Returns, Sharpe, Sortino and volatility come from daily returns of ``equity``;
    Sharpe and Sortino are of the excess over ``risk_free_annual`` (an annual rate, converted
    with `risk_free_per_period`). ``win_rate``, ``profit_factor`` and ``expectancy`` (net money
    per closed trade) are over closed trades; ``max_drawdown_duration`` is in bars; ``turnover``
    is annualized two-sided (see `turnover`). ``periods_per_year`` defaults to 252; pass
    ``periods_per_year(result.equity.index)`` to infer it.
    """
    equity = result.equity
    returns = daily_returns(equity)
    rf = risk_free_per_period(risk_free_annual, periods_per_year)
    first = float(equity.iloc[0]) if len(equity) else math.nan
    last = float(equity.iloc[-1]) if len(equity) else math.nan
    return {
        "total_return": total_return(equity),
        "profit": last - first,
        "final_value": last,
        "cagr": cagr(equity, periods_per_year),
        "sharpe": sharpe(returns, rf, periods_per_year),
        "sortino": sortino(returns, rf, periods_per_year),
        "calmar": calmar(equity, periods_per_year),
        "volatility": annualized_volatility(returns, periods_per_year),
        "max_drawdown": max_drawdown(equity),
        "max_drawdown_duration": max_drawdown_duration(equity),
        "trades": len(closed_trades(result.trades)),
        "win_rate": trade_win_rate(result.trades),
        "profit_factor": profit_factor(result.trades),
        "expectancy": expectancy(result.trades),
        "exposure": exposure(result.positions),
        "turnover": turnover(result.fills, equity, periods_per_year),
        "commission_paid": float(np.sum(result.fills["commission"].to_numpy(dtype=float))),
        "rejected_orders": int(result.rejected),
        "capped_orders": int(result.capped),
    }
