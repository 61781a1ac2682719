"""Performance metrics: known answers on tiny series and a plain numpy cross-check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trader.backtest import BacktestResult, run_backtest
from trader.config import BacktestConfig
from trader.metrics import (
    annualized_volatility,
    cagr,
    daily_returns,
    drawdown,
    exposure,
    max_drawdown,
    sharpe,
    summarize,
    total_return,
    trade_win_rate,
)

EQUITY = pd.Series([100.0, 110.0, 99.0, 121.0], index=pd.bdate_range("2024-01-01", periods=4))


def test_known_answers() -> None:
    returns = daily_returns(EQUITY)
    assert returns.tolist() == pytest.approx([0.1, -0.1, 0.2222222222222222])
    assert total_return(EQUITY) == pytest.approx(0.21)
    assert max_drawdown(EQUITY) == pytest.approx(-0.1)
    assert drawdown(EQUITY).tolist() == pytest.approx([0.0, 0.0, -0.1, 0.0])
    # mean 2/27, sample std sqrt(0.0529218107 / 2) -> 7.2287 annualized with sqrt(252)
    mean = (0.1 - 0.1 + 2 / 9) / 3
    std = math.sqrt(((0.1 - mean) ** 2 + (-0.1 - mean) ** 2 + (2 / 9 - mean) ** 2) / 2)
    assert sharpe(returns) == pytest.approx(mean / std * math.sqrt(252))
    assert sharpe(returns) == pytest.approx(7.2287, abs=1e-4)
    assert annualized_volatility(returns) == pytest.approx(std * math.sqrt(252))
    # 3 periods, 3 periods per year -> one year -> CAGR is the total return
    assert cagr(EQUITY, periods_per_year=3) == pytest.approx(0.21)
    assert cagr(EQUITY, periods_per_year=6) == pytest.approx(1.21**2 - 1)


def test_risk_free_is_per_period() -> None:
    returns = daily_returns(EQUITY)
    shifted = sharpe(returns, risk_free=0.01)
    assert shifted == pytest.approx((returns.mean() - 0.01) / returns.std(ddof=1) * math.sqrt(252))


def test_cross_check_with_numpy() -> None:
    rng = np.random.default_rng(7)
    values = 1000 * np.cumprod(1 + rng.normal(0.0005, 0.01, 500))
    equity = pd.Series(values, index=pd.bdate_range("2020-01-01", periods=500))
    r = values[1:] / values[:-1] - 1
    assert daily_returns(equity).to_numpy() == pytest.approx(r)
    assert sharpe(daily_returns(equity)) == pytest.approx(r.mean() / r.std(ddof=1) * np.sqrt(252))
    peak = np.maximum.accumulate(values)
    assert max_drawdown(equity) == pytest.approx(np.min(values / peak - 1))
    worst = min(values[j] / values[: j + 1].max() - 1 for j in range(len(values)))
    assert max_drawdown(equity) == pytest.approx(worst)
    assert cagr(equity) == pytest.approx((values[-1] / values[0]) ** (252 / 499) - 1)


def test_degenerate_inputs() -> None:
    flat = pd.Series([100.0] * 5)
    assert math.isnan(sharpe(daily_returns(flat)))
    assert max_drawdown(flat) == 0.0 and total_return(flat) == 0.0
    one = pd.Series([100.0])
    assert math.isnan(cagr(one)) and math.isnan(sharpe(daily_returns(one)))
    assert math.isnan(annualized_volatility(daily_returns(one)))
    assert math.isnan(total_return(pd.Series([], dtype=float)))
    assert cagr(pd.Series([100.0, 0.0])) == -1.0


def test_exposure_and_win_rate() -> None:
    positions = pd.DataFrame({"A": [0.0, 1.0, 1.0, 0.0], "B": [0.0, 0.0, -2.0, 0.0]})
    assert exposure(positions) == 0.5
    trades = pd.DataFrame({"pnl_net": [5.0, -1.0, 0.0, 3.0], "open": [False, False, False, True]})
    assert trade_win_rate(trades) == pytest.approx(1 / 3)
    assert math.isnan(trade_win_rate(trades[trades["open"]]))
    assert math.isnan(trade_win_rate(trades.iloc[:0]))


def test_summarize_a_backtest() -> None:
    dates = pd.bdate_range("2024-01-01", periods=10)
    opens = np.array([100.0, 101, 102, 103, 104, 106, 105, 107, 108, 110])
    bars = pd.DataFrame(
        {
            "ticker": "AAA",
            "date": dates,
            "open": opens,
            "high": opens * 1.05,
            "low": opens * 0.95,
            "close": opens + 0.5,
            "volume": 1.0,
        }
    )
    targets = pd.DataFrame({"AAA": [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]}, index=dates, dtype=float)
    result = run_backtest(bars, targets, BacktestConfig(cash=10_000.0))
    assert isinstance(result, BacktestResult) and len(result.trades) == 1
    summary = summarize(result)
    assert set(summary) == {
        "total_return",
        "profit",
        "final_value",
        "cagr",
        "sharpe",
        "volatility",
        "max_drawdown",
        "trades",
        "win_rate",
        "exposure",
        "commission_paid",
        "rejected_orders",
        "capped_orders",
    }
    assert summary["trades"] == 1 and summary["rejected_orders"] == 0
    assert summary["final_value"] == pytest.approx(result.equity.iloc[-1])
    assert summary["profit"] == pytest.approx(result.equity.iloc[-1] - 10_000.0)
    assert summary["profit"] == pytest.approx(result.trades["pnl_net"].iloc[0])
    assert summary["commission_paid"] == pytest.approx(result.fills["commission"].sum())
    assert summary["exposure"] == pytest.approx(0.4)  # held at the closes of days 4..7
    assert summary["win_rate"] == 1.0
    assert summary["total_return"] == pytest.approx(summary["profit"] / 10_000.0)
