"""The research protocol as a library: the audit fails a leaking run, replay names what changed."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from trader import pipeline
from trader.config import RunConfig, parse_config
from trader.data import Store
from trader.data import ingestion as ingest
from trader.evaluate.audit import run_audit
from trader.research import windows

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


def test_audit_fails_a_run_whose_features_peek_ahead(
    bars: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pipeline whose features look one day ahead (a bug planted in the feature code) fails."""
    honest = windows.compute_features

    def peeking(frame: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
        out = honest(frame, features)
        return out.assign(log_return=out["log_return"].shift(-1).fillna(0.0))

    monkeypatch.setattr(windows, "compute_features", peeking)
    result = run_audit(tiny(), bars)
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

    same = pipeline.replay(report["record_id"], store)
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

    changed = pipeline.replay(report["record_id"], store)
    assert not changed.identical
    assert any(d.startswith("predictions:") for d in changed.differences)
    assert "the data slice changed (different data hash)" in changed.causes


def test_holdout_protocol_predicts_only_its_test_period(bars: pd.DataFrame) -> None:
    from trader.research.oos import out_of_sample

    config = parse_config({**TINY, "protocol": {"kind": "holdout"}})
    result = out_of_sample(bars, config, progress=lambda *_: None)
    assert len(result.folds) == 1
    fold = result.folds[0]
    predictions = result.predictions
    assert set(predictions["model"]) == {"dense", "always_long", "majority_class",
                                         "previous_direction", "linear"}  # fmt: skip
    assert predictions["date"].min() == fold.test_start
    assert predictions["date"].max() == fold.test_end
    assert fold.val_end < fold.test_start


def test_rolling_walk_forward_with_horizon_and_embargo_predicts_each_day_once(
    bars: pd.DataFrame,
) -> None:
    from trader.research.oos import out_of_sample

    data = {
        **TINY,
        "window": {**TINY["window"], "horizon": 3, "label": "multiclass"},
        "protocol": {"folds": 3, "mode": "rolling", "train_days": 150, "min_train_days": 150,
                     "embargo_days": 2},
    }  # fmt: skip
    result = out_of_sample(bars, parse_config(data), progress=lambda *_: None)
    predictions = result.predictions
    assert len(result.folds) == 3
    for model, rows in predictions.groupby("model"):
        assert not rows.duplicated(["ticker", "date"]).any(), model
        assert rows["date"].is_monotonic_increasing, model
        for fold in result.folds:
            inside = rows[rows["fold"] == fold.index]["date"]
            assert inside.min() >= fold.test_start and inside.max() <= fold.test_end
    # rolling: every fold trains on the same number of days, ending before its test fold
    assert all(f.fit_end < f.val_start <= f.val_end < f.test_start for f in result.folds)
    assert result.samples[0]["fit"] == pytest.approx(result.samples[-1]["fit"], abs=3)
