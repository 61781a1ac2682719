"""Backtest execution: next-open fills, costs, sizing, shorts, shared cash, gaps in the data.

Every test asserts how many fills/trades happened: backtrader drops refused orders quietly.
Day numbers in comments are 0-based bar indices.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trader.backtesting import ENGINES, BacktestResult, run_backtest
from trader.backtesting.round_trips import round_trips
from trader.backtesting.rules import SIZE_HAIRCUT, Plan, RefusedOrder, Request, plan_rebalance
from trader.config import BacktestConfig
from trader.errors import DataError
from trader.signals import buy_and_hold_targets

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
DATES = pd.bdate_range("2024-01-01", periods=10)
CASH = 10_000.0
C, S = 0.001, 0.0005
CONFIG = BacktestConfig(cash=CASH, commission=C, slippage=S, sizing="fractional")


def bars_for(
    ticker: str, opens: list[float], closes: list[float] | None = None, drop: tuple[int, ...] = ()
) -> pd.DataFrame:
    """Bars on DATES with these opens/closes; high/low 5% outside, so slippage is never capped."""
    o = np.asarray(opens, dtype=float)
    c = o + 0.5 if closes is None else np.asarray(closes, dtype=float)
    frame = pd.DataFrame(
        {
            "ticker": ticker,
            "date": DATES[: len(o)],
            "open": o,
            "high": np.maximum(o, c) * 1.05,
            "low": np.minimum(o, c) * 0.95,
            "close": c,
            "volume": 1_000.0,
        }
    )
    return frame.drop(index=list(drop)).reset_index(drop=True)


def targets_for(**columns: list[float]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=DATES[:n], dtype=float)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Every known-answer test runs on both engines."""
    return str(request.param)


OPENS = [100.0, 101.0, 102.0, 103.0, 104.0, 106.0, 105.0, 107.0, 108.0, 110.0]
FLIP = [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]  # long decided at day 3's close, flat at day 7's


def unit(open_: float) -> float:
    return open_ * (1 + S) * (1 + C)


def test_flip_fills_at_next_open_with_costs(engine: str) -> None:
    result = run_backtest(bars_for("AAA", OPENS), targets_for(AAA=FLIP), CONFIG, engine=engine)
    fills, trades = result.fills, result.trades
    assert len(fills) == 2 and len(trades) == 1 and result.rejected == 0 and result.capped == 0
    shares = CASH * (1 - SIZE_HAIRCUT) / unit(OPENS[4])
    buy, sell = fills.iloc[0], fills.iloc[1]
    assert buy["date"] == DATES[4] and sell["date"] == DATES[8]
    assert buy["price"] == pytest.approx(OPENS[4] * (1 + S), rel=1e-12)
    assert sell["price"] == pytest.approx(OPENS[8] * (1 - S), rel=1e-12)
    assert buy["size"] == pytest.approx(shares, rel=1e-12)
    assert sell["size"] == pytest.approx(-shares, rel=1e-12)
    for fill in (buy, sell):
        assert fill["value"] == pytest.approx(abs(fill["size"]) * fill["price"], rel=1e-12)
        assert fill["commission"] == pytest.approx(C * fill["value"], rel=1e-12)
    gross = shares * (sell["price"] - buy["price"])
    trade = trades.iloc[0]
    assert trade["direction"] == "long" and not trade["open"]
    assert trade["entry_date"] == DATES[4] and trade["exit_date"] == DATES[8]
    assert trade["bars_held"] == 4 and trade["size"] == pytest.approx(shares)
    assert trade["pnl"] == pytest.approx(gross, rel=1e-9)
    net = gross - buy["commission"] - sell["commission"]
    assert trade["pnl_net"] == pytest.approx(net, rel=1e-9)
    assert result.equity.iloc[-1] == pytest.approx(CASH + net, rel=1e-12)
    held = result.positions["AAA"]
    assert (held.iloc[:4] == 0).all() and np.allclose(held.iloc[4:8], shares, rtol=1e-12)
    assert (held.iloc[8:] == 0).all()
    # marked at the close while holding
    cash_after = CASH - buy["value"] - buy["commission"]
    assert result.cash.iloc[5] == pytest.approx(cash_after, rel=1e-12)
    assert result.equity.iloc[5] == pytest.approx(cash_after + shares * (OPENS[5] + 0.5), rel=1e-12)
    assert list(result.equity.index) == list(DATES)


def test_integer_sizing_floors_shares(engine: str) -> None:
    config = CONFIG.model_copy(update={"sizing": "integer"})
    result = run_backtest(bars_for("AAA", OPENS), targets_for(AAA=FLIP), config, engine=engine)
    assert len(result.fills) == 2 and len(result.trades) == 1 and result.rejected == 0
    size = result.fills["size"].iloc[0]
    assert size == math.floor(CASH / unit(OPENS[4])) == 96
    assert result.cash.min() >= 0
    frac = run_backtest(bars_for("AAA", OPENS), targets_for(AAA=FLIP), CONFIG, engine=engine)
    assert frac.fills["size"].iloc[0] > size
    assert frac.fills["size"].iloc[0] % 1 != 0


@pytest.mark.parametrize("drift", [-2.0, 2.0])
def test_short_trade_pnl_sign(drift: float, engine: str) -> None:
    opens = [100.0 + drift * i for i in range(10)]
    target = [-x for x in FLIP]
    result = run_backtest(bars_for("AAA", opens), targets_for(AAA=target), CONFIG, engine=engine)
    assert len(result.fills) == 2 and len(result.trades) == 1 and result.rejected == 0
    sell, cover = result.fills.iloc[0], result.fills.iloc[1]
    assert sell["size"] < 0 and cover["size"] == pytest.approx(-sell["size"])
    assert sell["price"] == pytest.approx(opens[4] * (1 - S))
    assert cover["price"] == pytest.approx(opens[8] * (1 + S))
    trade = result.trades.iloc[0]
    assert trade["direction"] == "short"
    assert trade["pnl"] == pytest.approx(-sell["size"] * (sell["price"] - cover["price"]))
    assert np.sign(trade["pnl"]) == -np.sign(drift)
    assert result.equity.iloc[-1] == pytest.approx(CASH + trade["pnl_net"], rel=1e-12)
    assert (result.positions["AAA"].iloc[4:8] < 0).all()


def test_two_tickers_share_cash_half_each(engine: str) -> None:
    bars = pd.concat([bars_for("AAA", OPENS), bars_for("BBB", [x / 2 for x in OPENS])])
    ones = [1.0] * 10
    result = run_backtest(bars, targets_for(AAA=ones, BBB=ones), CONFIG, engine=engine)
    assert len(result.fills) == 2 and len(result.trades) == 2 and result.rejected == 0
    assert set(result.fills["date"]) == {DATES[1]}
    for fill in result.fills.itertuples():
        assert fill.value + fill.commission == pytest.approx(CASH / 2, rel=1e-8)
    assert result.cash.iloc[-1] == pytest.approx(0.0, abs=1e-4)
    assert result.trades["open"].all()


def test_position_cap_sizes_each_position_to_its_share_of_the_portfolio(engine: str) -> None:
    bars = pd.concat([bars_for("AAA", OPENS), bars_for("BBB", [x / 2 for x in OPENS])])
    ones = [1.0] * 10
    config = CONFIG.model_copy(update={"position_cap": 0.25})
    result = run_backtest(bars, targets_for(AAA=ones, BBB=ones), config, engine=engine)
    assert len(result.fills) == 2 and result.rejected == 0 and result.capped == 0
    for fill in result.fills.itertuples():
        assert fill.value + fill.commission == pytest.approx(CASH * 0.25, rel=1e-8)
    assert result.cash.iloc[-1] == pytest.approx(CASH * 0.5, rel=1e-8)  # half stays in cash


def test_position_cap_above_equal_weight_lets_cash_run_out_in_ticker_order(engine: str) -> None:
    names = ("AAA", "BBB", "CCC")
    bars = pd.concat([bars_for(t, OPENS) for t in names])
    # CCC is long from day 0; AAA and BBB want in from day 2, when most cash is taken
    config = CONFIG.model_copy(update={"position_cap": 0.6})
    targets = targets_for(AAA=[0, 0, 1, 1, 1], BBB=[0, 0, 1, 1, 1], CCC=[1, 1, 1, 1, 1])
    result = run_backtest(bars.groupby("ticker").head(5), targets, config, engine=engine)
    # AAA's buy is cut, BBB's is dropped: both count as capped, and nothing is rejected
    assert len(result.fills) == 2 and result.rejected == 0 and result.capped == 2
    first, second = result.fills.itertuples()
    assert first.ticker == "CCC" and first.value + first.commission == pytest.approx(6000.0)
    # AAA (first in ticker order) gets the cash that is left; BBB's buy is cut to nothing
    assert second.ticker == "AAA" and second.date == DATES[3]
    assert second.value + second.commission == pytest.approx(4000.0, rel=1e-6)
    assert result.cash.min() >= 0


def test_position_cap_is_validated() -> None:
    with pytest.raises(ValueError, match="position_cap"):
        BacktestConfig(position_cap=1.5)
    assert BacktestConfig().weight(4) == 0.25
    assert BacktestConfig(position_cap=0.1).weight(4) == 0.1


def test_buy_and_hold_matches_close_over_second_open(engine: str) -> None:
    raw = pd.read_csv(SAMPLE / "AAPL.csv", parse_dates=["date"]).head(60).assign(ticker="AAPL")
    hold = buy_and_hold_targets(raw)
    assert hold.shape == (60, 1) and (hold == 1.0).all().all()
    result = run_backtest(
        raw, hold, BacktestConfig(cash=CASH, commission=C, slippage=S), engine=engine
    )
    assert len(result.fills) == 1 and len(result.trades) == 1 and result.rejected == 0
    assert result.fills["date"].iloc[0] == raw["date"].iloc[1]
    day2 = raw.iloc[1]
    fill = min(day2["open"] * (1 + S), day2["high"])  # slippage is capped at the day's high
    shares = CASH * (1 - SIZE_HAIRCUT) / unit(day2["open"])
    expected = CASH - shares * fill * (1 + C) + shares * raw["close"].iloc[-1]
    assert result.equity.iloc[-1] == pytest.approx(expected, rel=1e-9)
    approx = CASH * raw["close"].iloc[-1] / (day2["open"] * (1 + S) * (1 + C))
    assert result.equity.iloc[-1] == pytest.approx(approx, rel=1e-3)
    trade = result.trades.iloc[0]
    assert trade["open"] and pd.isna(trade["exit_date"]) and trade["bars_held"] == 58
    assert trade["exit_price"] == raw["close"].iloc[-1]
    assert trade["pnl"] == pytest.approx(shares * (raw["close"].iloc[-1] - trade["entry_price"]))


def test_missing_days_align_and_off_bar_targets_are_ignored(engine: str) -> None:
    a = bars_for("AAA", [100.0] * 10, closes=[100.0] * 10)  # loses its costs: BBB is not capped
    b = bars_for("BBB", [x * 2 for x in OPENS], drop=(3, 4))
    # BBB: long decided at day 2; days 3-4 have no BBB bar, so their 0 is ignored.
    targets = targets_for(AAA=[0, 0, 1, 1, 1, 1, 1, 1, 1, 1], BBB=[0, 0, 1, 0, 0, 1, 1, 1, 1, 1])
    result = run_backtest(pd.concat([a, b]), targets, CONFIG, engine=engine)
    assert len(result.fills) == 2 and len(result.trades) == 2
    assert result.rejected == 0 and result.capped == 0
    fills = result.fills.set_index("ticker")
    assert fills.loc["AAA", "date"] == DATES[3]
    assert fills.loc["BBB", "date"] == DATES[5]  # the next BBB bar after day 2
    assert fills.loc["BBB", "price"] == pytest.approx(OPENS[5] * 2 * (1 + S))
    assert list(result.equity.index) == list(DATES)
    assert (result.positions["BBB"].iloc[:5] == 0).all() and result.positions["BBB"].iloc[5] > 0
    # BBB is sized from the portfolio value at day 4's close, half of it
    value4 = result.equity.iloc[4]
    expected = 0.5 * value4 * (1 - SIZE_HAIRCUT) / unit(OPENS[5] * 2)
    assert fills.loc["BBB", "size"] == pytest.approx(expected, rel=1e-12)
    assert result.trades.set_index("ticker").loc["BBB", "bars_held"] == 4  # bars 3..7 of its 8


def test_real_orcl_gaps_align(engine: str) -> None:
    frames = [
        pd.read_csv(SAMPLE / f"{t}.csv", parse_dates=["date"]).assign(ticker=t)
        for t in ("AAPL", "ORCL")
    ]
    bars = pd.concat(frames, ignore_index=True)
    result = run_backtest(bars, buy_and_hold_targets(bars), CONFIG, engine=engine)
    union = sorted(set(frames[0]["date"]) | set(frames[1]["date"]))
    assert len(frames[1]) < len(frames[0]) and list(result.equity.index) == union
    assert len(result.fills) == 2 and len(result.trades) == 2 and result.rejected == 0
    assert result.trades["open"].all() and result.capped == 0


def test_tickers_starting_late_and_ending_early(engine: str) -> None:
    a = bars_for("AAA", OPENS, drop=(7, 8, 9))  # ends after day 6
    b = bars_for("BBB", [x * 2 for x in OPENS], drop=(0, 1, 2, 3))  # starts on day 4
    ones = [1.0] * 10
    result = run_backtest(pd.concat([a, b]), targets_for(AAA=ones, BBB=ones), CONFIG, engine=engine)
    assert len(result.fills) == 2 and len(result.trades) == 2 and result.rejected == 0
    assert list(result.fills["date"]) == [DATES[1], DATES[5]]  # each ticker's second bar
    assert list(result.equity.index) == list(DATES)
    shares = result.positions["AAA"].iloc[-1]
    # after its last bar AAA is valued at its last close (day 6)
    expected = result.cash.iloc[-1] + shares * (OPENS[6] + 0.5)
    expected += result.positions["BBB"].iloc[-1] * (OPENS[9] * 2 + 0.5)
    assert result.equity.iloc[-1] == pytest.approx(expected, rel=1e-12)
    assert result.capped == 1  # AAA grew past half of the portfolio before BBB's first buy


def test_nan_target_is_flat(engine: str) -> None:
    target = [np.nan, 1, 1, np.nan, np.nan, 1, 1, 1, 1, 1]
    result = run_backtest(bars_for("AAA", OPENS), targets_for(AAA=target), CONFIG, engine=engine)
    assert list(result.fills["date"]) == [DATES[2], DATES[4], DATES[6]]
    assert len(result.trades) == 2 and result.trades["open"].tolist() == [False, True]
    assert result.rejected == 0


def test_fractional_target_and_no_churn(engine: str) -> None:
    target = [0, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    result = run_backtest(bars_for("AAA", OPENS), targets_for(AAA=target), CONFIG, engine=engine)
    assert len(result.fills) == 2 and len(result.trades) == 1 and result.rejected == 0
    first, second = result.fills["size"]
    value4 = result.equity.iloc[4]
    assert second == pytest.approx(0.5 * value4 * (1 - SIZE_HAIRCUT) / unit(OPENS[5]) - first)
    assert second < 0 and result.trades["size"].iloc[0] == pytest.approx(first)
    half = run_backtest(
        bars_for("AAA", OPENS), targets_for(AAA=[0, 0.5] + [0.5] * 8), CONFIG, engine=engine
    )
    assert len(half.fills) == 1
    assert half.fills["value"].iloc[0] == pytest.approx(CASH / 2 / (1 + C), rel=1e-8)


def test_long_to_short_flip_is_two_orders_two_trades(engine: str) -> None:
    target = [0, 1, 1, -1, -1, -1, -1, -1, 0, 0]
    result = run_backtest(bars_for("AAA", OPENS), targets_for(AAA=target), CONFIG, engine=engine)
    assert len(result.fills) == 4 and len(result.trades) == 2 and result.rejected == 0
    assert list(result.fills["date"]) == [DATES[2], DATES[4], DATES[4], DATES[9]]
    assert result.fills["size"].iloc[1] == pytest.approx(-result.fills["size"].iloc[0])
    assert result.trades["direction"].tolist() == ["long", "short"]
    assert not result.trades["open"].any()
    assert result.positions["AAA"].iloc[-1] == 0


def test_start_end_window(engine: str) -> None:
    ones = [1.0] * 10
    result = run_backtest(
        bars_for("AAA", OPENS),
        targets_for(AAA=ones),
        CONFIG,
        start=DATES[3].date(),
        end=DATES[7].date(),
        engine=engine,
    )
    assert list(result.equity.index) == list(DATES[3:8])
    assert list(result.fills["date"]) == [DATES[4]] and len(result.trades) == 1
    assert result.trades["bars_held"].iloc[0] == 3


def test_buy_is_capped_to_cash_when_a_holding_grew(engine: str) -> None:
    grown = [100.0, 100.0, 150.0, 200.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0]
    bars = pd.concat([bars_for("AAA", grown, closes=grown), bars_for("BBB", OPENS)])
    targets = targets_for(AAA=[1.0] * 10, BBB=[0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    result = run_backtest(bars, targets, CONFIG, engine=engine)
    assert len(result.fills) == 2 and result.rejected == 0 and result.capped == 1
    bbb = result.fills[result.fills["ticker"] == "BBB"].iloc[0]
    assert bbb["value"] + bbb["commission"] == pytest.approx(result.cash.iloc[4], rel=1e-8)
    assert result.cash.min() >= 0


def test_slippage_is_capped_at_the_high(engine: str) -> None:
    bars = bars_for("AAA", OPENS)
    bars.loc[4, "high"] = OPENS[4]  # opens at its high: a buy cannot pay more
    result = run_backtest(bars, targets_for(AAA=FLIP), CONFIG, engine=engine)
    assert len(result.fills) == 2 and result.rejected == 0
    assert result.fills["price"].iloc[0] == OPENS[4]


def test_zero_costs_trade_at_the_open(engine: str) -> None:
    config = BacktestConfig(cash=CASH, commission=0.0, slippage=0.0)
    result = run_backtest(bars_for("AAA", OPENS), targets_for(AAA=FLIP), config, engine=engine)
    assert result.fills["price"].tolist() == [OPENS[4], OPENS[8]]
    assert result.fills["commission"].sum() == 0.0 and len(result.trades) == 1
    assert result.equity.iloc[-1] == pytest.approx(CASH * OPENS[8] / OPENS[4], rel=1e-8)


def test_no_signal_no_trades(engine: str) -> None:
    result = run_backtest(
        bars_for("AAA", OPENS), targets_for(AAA=[0.0] * 10), CONFIG, engine=engine
    )
    assert isinstance(result, BacktestResult)
    assert len(result.fills) == 0 and len(result.trades) == 0 and result.rejected == 0
    assert (result.equity == CASH).all()
    assert list(result.trades.columns) == [
        "ticker",
        "direction",
        "entry_date",
        "exit_date",
        "size",
        "entry_price",
        "exit_price",
        "pnl",
        "pnl_net",
        "bars_held",
        "open",
    ]


def test_input_errors(engine: str) -> None:
    bars = bars_for("AAA", OPENS)
    with pytest.raises(DataError, match="ZZZ"):
        run_backtest(bars, targets_for(AAA=FLIP, ZZZ=FLIP), CONFIG, engine=engine)
    with pytest.raises(DataError, match="outside"):
        run_backtest(bars, targets_for(AAA=[0, 2] + [0] * 8), CONFIG, engine=engine)
    with pytest.raises(DataError, match="no bars between"):
        run_backtest(
            bars,
            targets_for(AAA=FLIP),
            CONFIG,
            start=pd.Timestamp("2030-01-01").date(),
            engine=engine,
        )
    broken = bars.copy()
    broken.loc[2, "open"] = np.nan
    with pytest.raises(DataError, match="AAA"):
        run_backtest(broken, targets_for(AAA=FLIP), CONFIG, engine=engine)


def test_a_refused_order_fails_the_backtest_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import trader.backtesting.backtrader_adapter as backtest

    def oversized(requests: list[Request], **kwargs: object) -> Plan:
        plan = plan_rebalance(requests, **kwargs)  # type: ignore[arg-type]
        return Plan([(t, size * 3) for t, size in plan.orders], plan.capped)

    monkeypatch.setattr(backtest, "plan_rebalance", oversized)
    with pytest.raises(
        RefusedOrder, match=r"refused AAA buy of [0-9.]+ shares on 2024-01-05 \(Margin\)"
    ):
        run_backtest(bars_for("AAA", OPENS), targets_for(AAA=FLIP), CONFIG, engine="backtrader")


def test_the_fast_engine_names_a_refused_order_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled loop reports the first opening that would leave the cash below zero (what
    backtrader refuses); the engine raises naming it."""
    from trader.backtesting import fast, fast_kernel

    def refusing(*args: np.ndarray) -> tuple[int, int, int]:
        fill_ticker, fill_day, fill_size = args[-5:-2]
        fill_ticker[0], fill_day[0], fill_size[0] = 0, 4, 12.5
        return 1, 0, 0

    monkeypatch.setattr(fast.fast_kernel, "simulate", refusing)
    assert fast_kernel.NO_REFUSAL == -1
    with pytest.raises(RefusedOrder, match=r"refused AAA buy of 12.5 shares on 2024-01-05"):
        run_backtest(bars_for("AAA", OPENS), targets_for(AAA=FLIP), CONFIG)


def test_non_numeric_targets(engine: str) -> None:
    targets = pd.DataFrame({"AAA": ["up"] * 10}, index=DATES)
    with pytest.raises(DataError, match="numbers"):
        run_backtest(bars_for("AAA", OPENS), targets, CONFIG, engine=engine)


def test_plan_orders_reductions_first_then_shorts_then_longs() -> None:
    requests = [
        Request("AAA", 1.0, 0.0, 10.0),
        Request("BBB", -1.0, 0.0, 10.0),
        Request("CCC", 0.0, 50.0, 10.0),
        Request("DDD", -1.0, 20.0, 10.0),
    ]
    plan = plan_rebalance(requests, weight=0.25, value=4000.0, cash=0.0, config=CONFIG)
    tickers = [t for t, _ in plan.orders]
    assert tickers == ["CCC", "DDD", "BBB", "DDD", "AAA"]
    assert plan.orders[0][1] == -50.0 and plan.orders[1][1] == -20.0
    # AAA's buy is paid with the sale and the shorts: not capped
    assert plan.capped == 0 and plan.orders[-1][1] > 0


def test_round_trips_split_a_fill_that_crosses_zero() -> None:
    frames = {"AAA": bars_for("AAA", OPENS).set_index("date")}
    fills = pd.DataFrame(
        {
            "ticker": "AAA",
            "date": [DATES[1], DATES[3], DATES[5]],
            "size": [10.0, -30.0, 20.0],
            "price": [100.0, 110.0, 90.0],
            "value": [1000.0, 3300.0, 1800.0],
            "commission": [1.0, 3.0, 2.0],
        }
    )
    trips = round_trips(fills, frames)
    assert len(trips) == 2 and trips["direction"].tolist() == ["long", "short"]
    assert trips["pnl"].tolist() == pytest.approx([100.0, 400.0])
    assert trips["pnl_net"].tolist() == pytest.approx([100.0 - 2.0, 400.0 - 4.0])
    assert trips["size"].tolist() == [10.0, 20.0] and trips["bars_held"].tolist() == [2, 2]
