"""`Sweep`: many backtests of one set of bars, each the compiled loop alone.

Its equity, cash, fill count and capped count are `run_backtest`'s (fast engine, itself proven
equal to backtrader in tests/test_engine_parity.py) bit for bit, on the same random markets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from test_engine_parity import PROPERTY, Case, cases

from trader.backtesting import Sweep, run_backtest
from trader.errors import DataError


@PROPERTY
@given(cases())
def test_a_sweep_run_is_run_backtest_bit_for_bit(case: Case) -> None:
    tickers = list(case.targets.columns)
    sweep = Sweep(case.bars, tickers, case.config)
    want = run_backtest(case.bars, case.targets, case.config)
    for targets in (case.targets, sweep.align(case.targets)):
        got = sweep.run(targets)
        np.testing.assert_array_equal(got.equity.to_numpy(), want.equity.to_numpy())
        np.testing.assert_array_equal(got.cash.to_numpy(), want.cash.to_numpy())
        assert got.equity.index.equals(want.equity.index)
        assert (got.fills, got.capped) == (len(want.fills), want.capped)


def _market() -> tuple[pd.DataFrame, pd.DataFrame]:
    days = pd.bdate_range("2024-01-01", periods=30)
    frames = []
    for i, name in enumerate(("AAA", "BBB")):
        close = 20.0 * (1 + i) * 1.01 ** np.arange(30)
        frames.append(
            pd.DataFrame(
                {
                    "ticker": name,
                    "date": days,
                    "open": close,
                    "high": close * 1.01,
                    "low": close * 0.99,
                    "close": close,
                    "volume": 1.0,
                }
            )
        )
    bars = pd.concat(frames, ignore_index=True).iloc[1:]  # AAA starts a day late
    targets = pd.DataFrame(1.0, index=days, columns=["AAA", "BBB"])
    targets.iloc[::4] = -0.5
    return bars, targets


def test_a_window_of_days_and_a_sweep_of_many_targets() -> None:
    bars, targets = _market()
    sweep = Sweep(bars, ["AAA", "BBB"], {"commission": 0.001}, start="2024-01-05", end="2024-02-01")
    assert sweep.tickers == ["AAA", "BBB"] and sweep.days[0] == pd.Timestamp("2024-01-05")
    for scale in (0.25, 0.5, 1.0):
        want = run_backtest(
            bars, targets * scale, {"commission": 0.001}, start="2024-01-05", end="2024-02-01"
        )
        got = sweep.run(sweep.align(targets) * scale)
        np.testing.assert_array_equal(got.equity.to_numpy(), want.equity.to_numpy())


def test_targets_a_sweep_cannot_trade_are_refused_with_one_line() -> None:
    bars, targets = _market()
    sweep = Sweep(bars, ["AAA", "BBB"])
    with pytest.raises(DataError, match=r"expected an array of shape \(30, 2\), got \(30, 3\)"):
        sweep.run(np.zeros((30, 3)))
    wild = sweep.align(targets)
    wild[7, 1] = 1.5
    with pytest.raises(DataError, match=r"BBB: target 1\.5 on 2024-01-10 is outside"):
        sweep.run(wild)
    with pytest.raises(DataError, match="no column for ticker"):
        sweep.run(targets[["AAA"]])
    twice = pd.concat([targets.iloc[:2], targets.iloc[:1]])
    with pytest.raises(DataError, match="duplicated date 2024-01-01"):
        sweep.run(twice)
    with pytest.raises(DataError, match="ZZZ"):
        Sweep(bars, ["AAA", "ZZZ"])
    with pytest.raises(DataError, match="tickers: none given"):
        Sweep(bars, [])
    with pytest.raises(DataError, match="tickers: duplicated"):
        Sweep(bars, ["AAA", "AAA"])
    assert Sweep(bars, "AAA").tickers == ["AAA"]
