"""Live windows are the training windows; live targets are the strategy's targets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trader.config import RunConfig
from trader.data import read_sample
from trader.operations.live import LiveModel, latest_windows, targets_for
from trader.operations.registry import ModelInfo
from trader.research import Scaler, build_windows
from trader.signals import MODEL_STRATEGY, load


def live_model(config: RunConfig, scaler: Scaler) -> LiveModel:
    info = ModelInfo(
        id="m-test", run_id="r", name="dense", created_at=dt.datetime.now(dt.UTC),
        tickers=config.data.tickers, source="sample", path="", file_sha256="",
        config=config.model_dump(mode="json"), data_hash="", first_date=dt.date(2013, 1, 1),
        last_date=dt.date(2018, 1, 1), versions={}, git_commit=None, reference={},
    )  # fmt: skip
    return LiveModel(info, None, config, config.models[0], scaler, "binary", 2)


@pytest.mark.parametrize("features", [["log_return", "volume_change"], ["return", "ohlc"]])
def test_latest_windows_equal_the_training_windows(features: list[str]) -> None:
    bars = read_sample(["AAPL", "MSFT", "ORCL"])
    bars = bars[bars["date"] <= "2014-03-31"]
    config = RunConfig.model_validate({"data": {"tickers": ["AAPL", "MSFT", "ORCL"]},
                                       "window": {"length": 7, "features": features}})  # fmt: skip
    built = build_windows(bars, config.window)
    x, hashes = latest_windows(live_model(config, built.scaler), bars, ["MSFT", "AAPL", "ORCL"])
    for row, ticker in enumerate(["MSFT", "AAPL", "ORCL"]):
        last = np.flatnonzero(built.tickers == ticker)[-1]
        np.testing.assert_allclose(x[row], built.take(np.array([last]))[0], rtol=1e-6, atol=1e-6)
    assert len(set(hashes)) == 3


def test_fast_targets_are_the_strategy_s_targets() -> None:
    bars = read_sample(["AAPL", "MSFT"])
    bars = bars[(bars["date"] >= "2018-01-02") & (bars["date"] <= "2018-01-31")]
    dates = pd.DatetimeIndex(sorted(set(bars["date"])))
    rng = np.random.default_rng(3)
    scores = pd.DataFrame(rng.uniform(-1, 1, (len(dates), 2)), index=dates,
                          columns=["AAPL", "MSFT"])  # fmt: skip
    scores.iloc[4, 1] = np.nan  # a day without a signal
    for signal in ({"long_threshold": 0.2}, {"allow_short": True, "short_threshold": 0.3},
                   {"min_hold": 3, "allow_short": True}):  # fmt: skip
        config = RunConfig.model_validate({"signal": signal})
        expected = load(MODEL_STRATEGY, config.signal.model_dump()).targets(bars, scores)
        live = live_model(config, Scaler.identity(2))
        for day in dates[[0, 4, 10, -1]]:
            got = targets_for(live, bars, scores.loc[:day], day)
            pd.testing.assert_series_equal(got, expected.loc[day].rename(day), check_names=False)
