"""The fast engine equals the backtrader adapter, and the adapter never refuses an order.

Property tests on random markets: 1-4 tickers with gaps (late starts, early ends, missing days),
prices that jump (a short gapping up past the cash), opens on the day's high or low (slippage
hits the bound), random long/short/fractional/NaN targets held for random streaks, caps,
integer and fractional sizing, costs. Every fill, round trip, position, the cash and the whole
equity curve must agree to 1e-9 (`trader.backtesting.differences`), ``capped`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trader.backtesting import (
    BacktestResult,
    check_parity,
    differences,
    execution_targets,
    fast_kernel,
    run_backtest,
)
from trader.backtesting.round_trips import round_trips
from trader.backtesting.rules import checked_inputs
from trader.config import BacktestConfig

NAMES = ("AAA", "BBB", "CCC", "DDD")


@dataclass(frozen=True)
class Case:
    bars: pd.DataFrame
    targets: pd.DataFrame
    config: BacktestConfig


def _prices(rng: np.random.Generator, days: int, jumpy: bool, edges: float) -> pd.DataFrame:
    moves = rng.normal(0.0, 0.03, days)
    if jumpy:  # rare large moves: +-60 % to x4, enough to make a short's cover unaffordable
        jumps = rng.random(days) < 0.15
        moves[jumps] = rng.choice([-0.6, 0.8, 1.5, 3.0], jumps.sum())
    close = 50.0 * np.exp(np.cumsum(np.log1p(np.maximum(moves, -0.9))))
    opens = close * np.exp(rng.normal(0.0, 0.02, days))
    high = np.maximum(opens, close) * (1.0 + rng.uniform(0.0, 0.03, days))
    low = np.minimum(opens, close) * (1.0 - rng.uniform(0.0, 0.03, days))
    at_edge = rng.random(days)  # the open is the day's high (or low): slippage is capped there
    high = np.where(at_edge < edges / 2, np.maximum(opens, close), high)
    low = np.where((at_edge >= edges / 2) & (at_edge < edges), np.minimum(opens, close), low)
    return pd.DataFrame({"open": opens, "high": high, "low": low, "close": close})


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(1, 4))
    days = draw(st.integers(3, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dates = pd.bdate_range("2024-01-01", periods=days)
    gaps = draw(st.sampled_from([0.0, 0.1, 0.3]))
    jumpy = draw(st.booleans())
    frames = []
    for name in NAMES[:n]:
        keep = rng.random(days) >= gaps
        first, last = sorted(rng.integers(0, days, 2)) if rng.random() < 0.3 else (0, days - 1)
        keep[:first] = keep[last + 1 :] = False
        keep[first] = True
        prices = _prices(rng, days, jumpy, edges=0.3)
        frame = prices.assign(ticker=name, date=dates, volume=1000.0)[keep]
        frames.append(frame)
    bars = pd.concat(frames, ignore_index=True)
    style = draw(st.sampled_from(["sign", "fraction", "mixed"]))
    levels = {
        "sign": [-1.0, 0.0, 1.0],
        "fraction": [-1.0, -0.55, -0.2, 0.0, 0.25, 0.5, 0.8, 1.0],
        "mixed": [-1.0, -0.3, 0.0, 0.4, 1.0, np.nan],
    }[style]
    hold = draw(st.sampled_from([0.0, 0.5, 0.8]))  # chance a target repeats (no churn)
    values = rng.choice(levels, (days, n))
    for t in range(1, days):
        same = rng.random(n) < hold
        values[t, same] = values[t - 1, same]
    if style == "fraction" and draw(st.booleans()):
        values = np.round(rng.uniform(-1.0, 1.0, (days, n)), 3)
    targets = pd.DataFrame(values, index=dates, columns=list(NAMES[:n]))
    config = BacktestConfig(
        cash=draw(st.sampled_from([2_000.0, 100_000.0])),
        commission=draw(st.sampled_from([0.0, 0.001, 0.02])),
        slippage=draw(st.sampled_from([0.0, 0.0005, 0.05])),
        sizing=draw(st.sampled_from(["fractional", "integer"])),
        position_cap=draw(st.sampled_from([None, 0.2, 0.5, 0.75, 1.0])),
    )
    return Case(bars, targets, config)


def _run(case: Case, engine: str) -> BacktestResult:
    return run_backtest(case.bars, case.targets, case.config, engine=engine)


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(cases())
def test_fast_engine_equals_backtrader(case: Case) -> None:
    fast, reference = _run(case, "fast"), _run(case, "backtrader")
    assert differences(fast, reference) == []
    assert fast.rejected == reference.rejected == 0


@PROPERTY
@given(cases())
def test_adapter_refuses_nothing_and_every_close_executes(case: Case) -> None:
    """Sales before buys: no order is ever refused, and a target 0 always leaves the ticker flat
    (before the fix a refused cover left shorts and longs stuck open until the end)."""
    result = _run(case, "backtrader")  # raises RefusedOrder on any refusal
    assert result.rejected == 0
    frames = {
        t: g.set_index("date").sort_index() for t, g in case.bars.groupby("ticker", sort=True)
    }
    schedule = execution_targets(case.targets, frames)
    for ticker, frame in frames.items():
        held = result.positions[ticker].reindex(frame.index).to_numpy()
        flat = schedule[ticker] == 0
        assert (held[flat] == 0).all(), f"{ticker}: a close did not execute"


def _short_squeeze(growth: float) -> Case:
    """Two shorts and two longs (equal weight), all closed on the same day after the shorts'
    prices were multiplied by ``growth``: the issue's example of refused covers."""
    dates = pd.bdate_range("2024-01-01", periods=6)
    rows = []
    for name in NAMES:
        path = [100.0, 100.0, 100.0, 100.0 * growth, 100.0 * growth, 100.0 * growth]
        if name in ("CCC", "DDD"):
            path = [100.0] * 6
        for day, price in zip(dates, path, strict=True):
            rows.append((name, day, price, price * 1.01, price * 0.99, price, 1000.0))
    bars = pd.DataFrame(rows, columns=["ticker", "date", "open", "high", "low", "close", "volume"])
    side = {"AAA": -1.0, "BBB": -1.0, "CCC": 1.0, "DDD": 1.0}
    targets = pd.DataFrame(
        {n: [s, s, s, 0.0, 0.0, 0.0] for n, s in side.items()}, index=dates, dtype=float
    )
    return Case(bars, targets, BacktestConfig(cash=100_000.0))


@pytest.mark.parametrize("engine", ["backtrader", "fast"])
def test_covers_are_paid_from_the_same_days_sales(engine: str) -> None:
    case = _short_squeeze(growth=2.5)  # covers 62,500 each: cash 100,000 pays only one
    result = _run(case, engine)
    assert result.rejected == 0 and len(result.fills) == 8
    assert (result.positions.iloc[-1] == 0).all()
    day = result.fills[result.fills["date"] == case.targets.index[4]]
    assert day["ticker"].tolist() == ["CCC", "DDD", "AAA", "BBB"]  # sales, then covers
    assert result.cash.min() > 0 and result.cash.iloc[-1] == pytest.approx(result.equity.iloc[-1])


@pytest.mark.parametrize("engine", ["backtrader", "fast"])
def test_a_cover_the_cash_cannot_pay_still_executes(engine: str) -> None:
    case = _short_squeeze(growth=8.0)  # covers cost 400,000, cash and sales 150,000
    result = _run(case, engine)
    assert result.rejected == 0 and (result.positions.iloc[-1] == 0).all()
    assert result.cash.iloc[-1] < 0  # the overdraft is the loss; nothing stays stuck open
    assert result.equity.iloc[-1] == pytest.approx(result.cash.iloc[-1])
    # once the value is below zero, new targets size to nothing
    again = case.targets.copy()
    again.iloc[4:] = 1.0
    late = run_backtest(case.bars, again, case.config, engine=engine)
    assert (late.positions.iloc[-1] == 0).all()


def test_check_parity_reports_agreement() -> None:
    case = _short_squeeze(growth=2.0)
    parity = check_parity(case.bars, case.targets, case.config, label="squeeze")
    assert parity.agree and parity.fills == 8 and parity.days == 6
    assert parity.as_dict()["agree"] is True and parity.as_dict()["portfolio"] == "squeeze"


def test_differences_name_what_differs() -> None:
    case = _short_squeeze(growth=2.0)
    result = _run(case, "fast")
    moved = result.equity.copy()
    moved.iloc[-1] *= 1 + 1e-6
    changed = BacktestResult(
        equity=moved,
        cash=result.cash,
        positions=result.positions,
        trades=result.trades.iloc[:-1],
        fills=result.fills.assign(price=result.fills["price"] * (1 + 1e-12)),
        rejected=0,
        capped=1,
    )
    found = differences(changed, result)
    assert any(f.startswith("capped") for f in found)
    assert any(f.startswith("equity on 2024-01-08") for f in found)
    assert any(f.startswith("trades:") for f in found)
    assert not any(f.startswith("fills") for f in found)  # 1e-12 is within the tolerance


@PROPERTY
@given(cases())
def test_compiled_round_trips_are_the_python_ones_bit_for_bit(case: Case) -> None:
    """The fast engine pairs fills with `trip_table` compiled, the adapter with it as Python."""
    fills = _run(case, "fast").fills
    _, frames, _ = checked_inputs(case.bars, case.targets, case.config)
    python = round_trips(fills, frames)
    compiled = round_trips(fills, frames, pairing=fast_kernel.trips)
    pd.testing.assert_frame_equal(python, compiled, check_exact=True)
