"""Performance metrics: known answers on tiny series, numpy and quantstats cross-checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trader.backtesting import BacktestResult, run_backtest
from trader.config import BacktestConfig
from trader.evaluate.metrics import (
    annualized_volatility,
    cagr,
    calmar,
    daily_returns,
    drawdown,
    exposure,
    max_drawdown,
    max_drawdown_duration,
    periods_per_year,
    risk_free_per_period,
    sharpe,
    sortino,
    summarize,
    total_return,
    trade_win_rate,
    turnover,
)
from trader.evaluate.trade_metrics import (
    closed_trades,
    expectancy,
    expectancy_return,
    profit_factor,
    trade_returns,
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
        "sortino",
        "calmar",
        "volatility",
        "max_drawdown",
        "max_drawdown_duration",
        "trades",
        "win_rate",
        "profit_factor",
        "expectancy",
        "exposure",
        "turnover",
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
    assert summary["expectancy"] == pytest.approx(summary["profit"])  # one closed trade
    assert summary["profit_factor"] == math.inf  # a winner and no loser
    equity = result.equity
    traded = result.fills["value"].sum()
    assert len(result.fills) == 2 and traded > 2 * 9_000
    assert summary["turnover"] == pytest.approx(traded / equity.mean() * 252 / 9)
    assert summary["max_drawdown_duration"] == max_drawdown_duration(equity)
    assert summary["sortino"] == pytest.approx(sortino(daily_returns(equity)), nan_ok=True)
    assert summary["calmar"] == pytest.approx(calmar(equity), nan_ok=True)
    # an annual risk-free rate lowers Sharpe by the per-period rate
    with_rf = summarize(result, risk_free_annual=0.05)
    rf = 1.05 ** (1 / 252) - 1
    assert with_rf["sharpe"] == pytest.approx(sharpe(daily_returns(equity), rf))
    assert with_rf["sharpe"] < summary["sharpe"]
    assert with_rf["total_return"] == summary["total_return"]


def test_sortino_known_answer() -> None:
    returns = daily_returns(EQUITY)  # 0.1, -0.1, 2/9
    # mean 2/27; downside deviation over all 3 periods: sqrt((0 + 0.01 + 0) / 3)
    expected = (2 / 27) / math.sqrt(0.01 / 3) * math.sqrt(252)
    assert sortino(returns) == pytest.approx(expected)
    assert sortino(returns) == pytest.approx(20.3670, abs=1e-4)
    # target 0.1 per period: excess 0, -0.2, 11/90 -> mean -7/270, DD sqrt(0.04 / 3)
    assert sortino(returns, risk_free=0.1) == pytest.approx(
        (-7 / 270) / math.sqrt(0.04 / 3) * math.sqrt(252)
    )
    assert math.isnan(sortino(pd.Series([0.01, 0.02, 0.03])))  # never below the target
    assert math.isnan(sortino(pd.Series([0.01])))
    assert math.isnan(sortino(pd.Series([], dtype=float)))


def test_drawdown_duration_and_calmar() -> None:
    assert max_drawdown_duration(EQUITY) == 1
    assert max_drawdown_duration(pd.Series([100.0, 110, 99, 105, 121])) == 2
    # two drawdowns, the second longer and still open at the end
    assert max_drawdown_duration(pd.Series([1.0, 0.9, 1.0, 2.0, 1.5, 1.6, 1.9, 1.8])) == 4
    assert max_drawdown_duration(pd.Series([1.0, 2.0, 3.0])) == 0
    assert max_drawdown_duration(pd.Series([3.0, 2.0, 1.0])) == 2
    assert max_drawdown_duration(pd.Series([], dtype=float)) == 0
    # 3 periods per year: CAGR = 0.21, max drawdown -0.1
    assert calmar(EQUITY, periods_per_year=3) == pytest.approx(2.1)
    assert calmar(EQUITY) == pytest.approx((1.21 ** (252 / 3) - 1) / 0.1)
    assert math.isnan(calmar(pd.Series([1.0, 2.0, 3.0])))  # no drawdown
    assert math.isnan(calmar(pd.Series([1.0])))


def test_periods_per_year_inferred() -> None:
    assert periods_per_year(pd.bdate_range("2020-01-01", periods=600)) == 252.0
    assert periods_per_year(pd.date_range("2020-01-01", periods=800, freq="D")) == 365.0
    assert periods_per_year(pd.date_range("2020-01-01", periods=150, freq="W")) == 52.0
    assert periods_per_year(pd.date_range("2020-01-31", periods=40, freq="ME")) == 12.0
    assert periods_per_year(pd.date_range("2020-03-31", periods=20, freq="QE")) == 4.0
    # NYSE-like: business days without 9 holidays a year still snap to 252
    days = pd.bdate_range("2018-01-01", "2023-12-31")
    assert periods_per_year(days[np.arange(len(days)) % 29 != 0]) == 252.0
    hourly = periods_per_year(pd.date_range("2020-01-01", periods=24 * 400, freq="h"))
    assert hourly == pytest.approx(24 * 365.25, rel=1e-3)  # no standard frequency: raw
    assert periods_per_year(pd.RangeIndex(10)) == 252.0
    assert periods_per_year(pd.DatetimeIndex(["2020-01-01"])) == 252.0
    assert periods_per_year(pd.DatetimeIndex(["2020-01-01", "2020-01-01"])) == 252.0
    assert periods_per_year(pd.RangeIndex(10), default=12) == 12.0


def test_risk_free_per_period() -> None:
    rf = risk_free_per_period(0.05)
    assert (1 + rf) ** 252 == pytest.approx(1.05)
    assert risk_free_per_period(0.21, periods_per_year=2) == pytest.approx(0.1)
    assert risk_free_per_period(0.0) == 0.0


def test_turnover() -> None:
    fills = pd.DataFrame({"value": [100.0, 110.0], "commission": [0.0, 0.0]})
    # traded 210 over mean equity 107.5, across 3 periods
    per_period = 210 / 107.5 / 3
    assert turnover(fills, EQUITY, annualize=False) == pytest.approx(per_period)
    assert turnover(fills, EQUITY) == pytest.approx(per_period * 252)
    assert turnover(fills, EQUITY, periods_per_year=3) == pytest.approx(210 / 107.5)
    assert turnover(fills.iloc[:0], EQUITY) == 0.0
    assert math.isnan(turnover(fills, EQUITY.iloc[:1]))


TRADES = pd.DataFrame(
    {
        "pnl_net": [5.0, -1.0, 0.0, -2.0, 3.0],
        "size": [10.0, 5.0, 1.0, 4.0, 2.0],
        "entry_price": [10.0, 20.0, 50.0, 5.0, 100.0],
        "open": [False, False, False, False, True],
    }
)


def test_trade_metrics_known_answers() -> None:
    assert len(closed_trades(TRADES)) == 4
    assert trade_win_rate(TRADES) == pytest.approx(0.25)  # break-even is not a win
    assert profit_factor(TRADES) == pytest.approx(5 / 3)
    assert expectancy(TRADES) == pytest.approx((5 - 1 + 0 - 2) / 4)
    assert trade_returns(TRADES).tolist() == pytest.approx([0.05, -0.01, 0.0, -0.1])
    assert expectancy_return(TRADES) == pytest.approx((0.05 - 0.01 - 0.1) / 4)
    # expectancy = win_rate * mean win - loss_rate * mean loss
    assert expectancy(TRADES) == pytest.approx(0.25 * 5 - 0.75 * (3 / 3))
    winners = TRADES.iloc[[0, 2]]
    assert profit_factor(winners) == math.inf
    assert math.isnan(profit_factor(TRADES.iloc[[2]]))  # only break-even
    no_trades = TRADES.iloc[4:]  # only an open trade
    assert math.isnan(profit_factor(no_trades)) and math.isnan(expectancy(no_trades))
    assert math.isnan(expectancy_return(no_trades)) and len(trade_returns(no_trades)) == 0
    # without an "open" column every row counts
    assert expectancy(TRADES.drop(columns="open")) == pytest.approx(5 / 5)


@pytest.fixture(scope="module")
def random_returns() -> pd.Series:
    rng = np.random.default_rng(11)
    values = rng.standard_t(4, 1000) * 0.01 + 0.0004  # fat tails, a small drift
    return pd.Series(values, index=pd.bdate_range("2019-01-02", periods=1000))


def _equity(returns: pd.Series) -> pd.Series:
    start = pd.Series([100.0], index=[returns.index[0] - pd.Timedelta(days=1)])
    return pd.concat([start, 100.0 * (1 + returns).cumprod()])


@pytest.mark.filterwarnings("ignore")
def test_cross_check_with_quantstats(random_returns: pd.Series) -> None:
    qs = pytest.importorskip("quantstats")
    r, equity = random_returns, _equity(random_returns)
    assert daily_returns(equity).to_numpy() == pytest.approx(r.to_numpy())
    assert sharpe(r) == pytest.approx(qs.stats.sharpe(r, periods=252))
    assert sortino(r) == pytest.approx(qs.stats.sortino(r, periods=252))
    assert annualized_volatility(r) == pytest.approx(qs.stats.volatility(r, periods=252))
    assert max_drawdown(equity) == pytest.approx(qs.stats.max_drawdown(r))
    assert cagr(equity) == pytest.approx(qs.stats.cagr(r, periods=252))
    assert calmar(equity) == pytest.approx(qs.stats.calmar(r, periods=252))
    assert total_return(equity) == pytest.approx(qs.stats.comp(r))
    # quantstats takes an annual risk-free rate and deannualizes it by compounding
    rf = risk_free_per_period(0.04)
    assert sharpe(r, rf) == pytest.approx(qs.stats.sharpe(r, rf=0.04, periods=252))
    assert sortino(r, rf) == pytest.approx(qs.stats.sortino(r, rf=0.04, periods=252))
    # other annualizations
    assert sharpe(r, periods_per_year=52) == pytest.approx(qs.stats.sharpe(r, periods=52))
    assert cagr(equity, 12) == pytest.approx(qs.stats.cagr(r, periods=12))


def test_sortino_against_numpy(random_returns: pd.Series) -> None:
    x = random_returns.to_numpy()
    downside = np.sqrt(np.mean(np.where(x < 0, x, 0.0) ** 2))
    assert sortino(random_returns) == pytest.approx(x.mean() / downside * np.sqrt(252))
    values = _equity(random_returns).to_numpy()
    wet = np.maximum.accumulate(values) > values
    runs = "".join("1" if w else "0" for w in wet).split("0")
    assert max_drawdown_duration(_equity(random_returns)) == max(len(s) for s in runs)
