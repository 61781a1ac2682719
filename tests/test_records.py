"""Run records in the database (SQLite and PostgreSQL), and provenance helpers."""

from __future__ import annotations

import pandas as pd
import pytest

from trader.data import Store
from trader.data.records import (
    RunRecord,
    get_run,
    list_runs,
    run_predictions,
    run_trades,
    save_run,
)
from trader.errors import ConfigError
from trader.provenance import data_hash, git_commit, package_versions


def _predictions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": ["lstm", "lstm", "dense"],
            "ticker": ["AAPL", "AAPL", "AAPL"],
            "date": pd.to_datetime(["2017-01-03", "2017-01-04", "2017-01-03"]),
            "score": [0.25, -0.5, 0.125],
        }
    )


def _trades() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy": ["lstm", "lstm"],
            "ticker": ["AAPL", "AAPL"],
            "direction": ["long", "short"],
            "entry_date": pd.to_datetime(["2017-01-04", "2017-01-06"]),
            "exit_date": pd.to_datetime(["2017-01-05", pd.NaT]),
            "size": [10.0, -3.5],
            "entry_price": [100.0, 101.0],
            "exit_price": [102.0, float("nan")],
            "pnl_net": [19.5, -1.25],
        }
    )


def test_save_and_read_back(store: Store) -> None:
    record = RunRecord(
        id="20170101-000000-abcd",
        kind="backtest",
        parent_id="20161231-000000-0000",
        config={"window": {"length": 20}},
        data_hash="f" * 64,
        seeds={"lstm": 42},
        versions={"numpy": "2.0"},
        git_commit="abc123",
        metrics={"lstm": {"sharpe": 1.25, "trades": 2}},
    )
    save_run(store, record, predictions=_predictions(), trades=_trades())
    back = get_run(store, record.id)
    assert (back.kind, back.parent_id, back.config, back.metrics) == (
        "backtest",
        record.parent_id,
        record.config,
        record.metrics,
    )
    assert back.seeds == {"lstm": 42} and back.git_commit == "abc123"
    preds = run_predictions(store, record.id)
    assert preds["score"].tolist() == [0.25, -0.5, 0.125]
    assert [str(d) for d in preds["date"]] == ["2017-01-03", "2017-01-04", "2017-01-03"]
    trades = run_trades(store, record.id)
    assert trades["pnl_net"].tolist() == [19.5, -1.25]
    assert pd.isna(trades["exit_date"].iloc[1]) and pd.isna(trades["exit_price"].iloc[1])
    assert list_runs(store)["id"].tolist() == [record.id]


def test_saving_again_replaces(store: Store) -> None:
    record = RunRecord(id="r1", kind="train", config={}, data_hash="x")
    save_run(store, record, predictions=_predictions())
    save_run(store, record, predictions=_predictions().iloc[:1])
    assert len(run_predictions(store, "r1")) == 1
    assert len(list_runs(store)) == 1


def test_unknown_run_suggests(store: Store) -> None:
    save_run(store, RunRecord(id="20170101-000000-abcd", kind="train", config={}, data_hash="x"))
    with pytest.raises(ConfigError, match="did you mean '20170101-000000-abcd'"):
        get_run(store, "20170101-000000-abce")


def test_data_hash_sees_any_price_change_but_not_row_order() -> None:
    bars = pd.DataFrame(
        {
            "ticker": ["A", "A", "B"],
            "date": pd.to_datetime(["2020-01-02", "2020-01-03", "2020-01-02"]),
            "open": [1.0, 2.0, 3.0],
            "high": [1.0, 2.0, 3.0],
            "low": [1.0, 2.0, 3.0],
            "close": [1.0, 2.0, 3.0],
            "volume": [10.0, 20.0, 30.0],
        }
    )
    base = data_hash(bars)
    assert data_hash(bars.iloc[::-1]) == base
    changed = bars.copy()
    changed.loc[1, "close"] = 2.0000001
    assert data_hash(changed) != base
    assert data_hash(bars.iloc[:2]) != base


def test_versions_and_commit() -> None:
    versions = package_versions()
    assert versions["pandas"] == pd.__version__
    commit = git_commit()
    assert commit is None or len(commit.split("+")[0]) == 40
