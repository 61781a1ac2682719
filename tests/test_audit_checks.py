"""The audit's checks catch what they are meant to catch (and nothing else)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trader.backtesting import run_backtest
from trader.config import BacktestConfig
from trader.data import ingestion as ingest
from trader.data.validate import validate_bars
from trader.evaluate.audit_checks import changed_until, fill_timing_violations, perturb_after

CUT = pd.Timestamp("2017-06-30")


def _bars() -> pd.DataFrame:
    bars = ingest.read_sample(["AAPL", "ORCL"])
    return bars[bars["date"] >= "2017-01-01"].reset_index(drop=True)


def test_perturbation_changes_only_the_future() -> None:
    bars = _bars()
    out = perturb_after(bars, CUT)
    past = bars["date"] <= CUT
    pd.testing.assert_frame_equal(out[past], bars[past])
    assert (out.loc[~past, "close"] != bars.loc[~past, "close"]).all()
    for ticker, group in out.groupby("ticker"):
        validate_bars(group.reset_index(drop=True), f"perturbed {ticker}")


def test_changed_until_reports_only_rows_up_to_the_cut() -> None:
    a = pd.DataFrame(
        {
            "model": ["m"] * 3,
            "date": pd.to_datetime(["2017-06-29", "2017-06-30", "2017-07-03"]),
            "score": [0.1, 0.2, 0.3],
        }
    )
    b = a.assign(score=[0.1, 0.2, 0.9])
    assert changed_until(a, b, CUT, ["model", "date"], "score") == []
    c = a.assign(score=[0.1, 0.25, 0.3])
    assert changed_until(a, c, CUT, ["model", "date"], "score") == ["m 2017-06-30: 0.2 -> 0.25"]


def test_fill_timing_passes_the_engine_and_catches_shifted_decisions() -> None:
    bars = _bars()
    dates = pd.DatetimeIndex(sorted(bars["date"].unique()))
    rng = np.random.default_rng(0)
    targets = pd.DataFrame(
        rng.choice([-1.0, 0.0, 1.0], size=(len(dates), 2)), index=dates, columns=["AAPL", "ORCL"]
    )
    config = BacktestConfig(commission=0.001, slippage=0.001)
    result = run_backtest(bars, targets, config)
    assert len(result.fills) > 100
    assert fill_timing_violations(bars, targets, result, config) == []
    # claiming the decisions were made a day later (an engine that filled on the decision day)
    late = targets.shift(1)
    assert fill_timing_violations(bars, late, result, config)
    # a fill at the close instead of the open is caught too
    at_close = result.fills.copy()
    first = at_close.iloc[0]
    close = bars[(bars["ticker"] == first["ticker"]) & (bars["date"] == first["date"])]["close"]
    at_close.loc[0, "price"] = float(close.iloc[0])
    moved = type(result)(**{**result.__dict__, "fills": at_close})
    assert any(
        "not at that day's open" in p for p in fill_timing_violations(bars, targets, moved, config)
    )
