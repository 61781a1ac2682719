"""The research protocol as a library: the audit fails a leaking run, replay names what changed."""

from __future__ import annotations

import pandas as pd
import pytest

from trader import ingest, pipeline
from trader.audit import run_audit
from trader.config import RunConfig, parse_config
from trader.replay import replay
from trader.store import Store

TINY = {
    "data": {"tickers": ["AAPL"], "start": "2016-09-01", "source": "sample"},
    "window": {"length": 5, "features": ["log_return"]},
    "models": [{"name": "dense", "kind": "dense", "units": [4], "epochs": 1, "batch_size": 256}],
    "protocol": {"folds": 2, "min_train_days": 150},
    "strategies": [{"name": "n_day_decline"}],
}


def tiny(**window: object) -> RunConfig:
    data = {**TINY, "window": {**TINY["window"], **window}}
    return parse_config(data)


@pytest.fixture(scope="module")
def bars() -> pd.DataFrame:
    frame = ingest.read_sample(["AAPL"])
    return frame[frame["date"] >= "2016-09-01"].reset_index(drop=True)


def test_audit_passes_the_real_pipeline(bars: pd.DataFrame) -> None:
    result = run_audit(tiny(), bars)
    assert result.passed, result.verdict
    assert result.verdict.startswith("PASS")


def test_audit_fails_a_run_whose_features_peek_ahead(bars: pd.DataFrame) -> None:
    leaking = tiny(features=["log_return", "canary_next_return"])
    result = run_audit(leaking, bars)
    assert not result.passed
    failed = {c.name for c in result.checks if not c.passed}
    assert "future perturbation" in failed
    assert result.verdict.startswith("FAIL: future perturbation")
    detail = next(c.detail for c in result.checks if c.name == "future perturbation")
    assert "changed" in detail


def test_replay_after_a_data_change_names_the_data(store: Store) -> None:
    ingest.ingest(store, ingest.read_sample(["AAPL"]), source="sample", origin="sample")
    config = tiny()
    trained = pipeline.train(config, store)
    report = pipeline.backtest(trained.run_id, store)

    same = replay(report["record_id"], store)
    assert same.identical, same.differences
    assert same.compared == ["predictions", "trades", "metrics"]

    # a correction of one day's prices inside the test period (all of OHLC, still valid bars)
    stored = store.read_bars(["AAPL"], source="sample")
    day = stored["date"].iloc[-60]
    row = stored[stored["date"] == day].copy()
    for col in ("open", "high", "low", "close"):
        row[col] = row[col] * 1.05
    row = row[["ticker", "date", "open", "high", "low", "close", "volume"]]
    ingest.ingest(store, row, source="sample", origin="price correction")

    changed = replay(report["record_id"], store)
    assert not changed.identical
    assert any(d.startswith("predictions:") for d in changed.differences)
    assert "the data slice changed (different data hash)" in changed.causes
