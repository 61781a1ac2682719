"""The public Python API: `import trader` is cheap, its names resolve, and research takes a few
lines (train and backtest a config; backtest your own targets on stored bars)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import trader
from trader.data import Store

TINY = {
    "data": {"tickers": ["AAPL"], "start": "2016-09-01", "source": "sample"},
    "window": {"length": 5, "features": ["log_return"]},
    "models": [{"name": "dense", "kind": "dense", "units": [4], "epochs": 1, "batch_size": 256}],
    "protocol": {"folds": 2, "min_train_days": 150},
    "strategies": [{"name": "ma_cross"}],
}


def test_import_is_light_and_every_name_resolves() -> None:
    code = (
        "import sys, trader\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'backtrader', 'matplotlib') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "missing = [n for n in trader.__all__ if getattr(trader, n, None) is None]\n"
        "assert not missing, missing\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    assert sorted(trader.__all__) == sorted(trader._API)
    assert set(trader.__all__) <= set(dir(trader))


def test_help_shows_the_api() -> None:
    import pydoc

    text = pydoc.render_doc(trader, renderer=pydoc.plaintext)
    for name in ("load_config", "run_backtest", "Store", "train", "backtest", "audit", "replay"):
        assert name in text
    assert "Backtest your own signals on stored bars" in text


def test_a_wrong_name_gets_did_you_mean() -> None:
    with pytest.raises(AttributeError, match=r"did you mean 'run_backtest'\?"):
        _ = trader.run_bactest  # type: ignore[attr-defined]


def test_own_signals_on_stored_bars_in_five_lines(store: Store) -> None:
    trader.ingest_sample(["AAPL", "MSFT"], store)
    bars = store.read_bars(["AAPL", "MSFT"], start="2017-01-01")
    targets = bars.pivot(index="date", columns="ticker", values="close").pct_change(5).gt(0)
    result = trader.run_backtest(bars, targets.astype(float), trader.BacktestConfig())
    summary = trader.summarize(result)
    assert summary["trades"] > 0 and np.isfinite(summary["sharpe"])
    same = trader.run_backtest(bars, targets.astype(float), {"commission": 0.001})
    pd.testing.assert_series_equal(result.equity, same.equity)


def test_run_backtest_checks_its_inputs_at_the_door(store: Store) -> None:
    trader.ingest_sample(["AAPL"], store)
    bars = store.read_bars(["AAPL"], start="2017-01-01")
    ones = pd.DataFrame({"AAPL": 1.0}, index=pd.DatetimeIndex(bars["date"]))
    with pytest.raises(trader.ConfigError, match=r"did you mean 'commission'\?"):
        trader.run_backtest(bars, ones, {"comission": 0.001})
    with pytest.raises(trader.ConfigError, match="backtest: expected a BacktestConfig"):
        trader.run_backtest(bars, ones, 0.001)  # type: ignore[arg-type]
    with pytest.raises(trader.DataError, match=r"got Series \(use series.to_frame\(ticker\)\)"):
        trader.run_backtest(bars, ones["AAPL"], None)  # type: ignore[arg-type]
    with pytest.raises(trader.DataError, match=r"AAPLL: no bars .*did you mean 'AAPL'\?"):
        trader.run_backtest(bars, ones.rename(columns={"AAPL": "AAPLL"}))
    result = trader.run_backtest(bars, ones, start="2017-06-01", end=pd.Timestamp("2017-09-01"))
    assert result.equity.index[0] == pd.Timestamp("2017-06-01")


def test_train_backtest_audit_replay_from_python(db_url: str) -> None:
    trader.ingest_sample(["AAPL"], db_url)
    config = trader.load_config(TINY, overrides={"window.length": 4})
    trained = trader.train(config, db_url)
    report = trader.backtest(trained.run_id, db_url)
    assert report["run_id"] == trained.run_id
    assert {"dense", "buy_and_hold", "ma_cross", "linear"} <= set(report["strategies"])
    assert report["config"]["window"]["length"] == 4
    again = trader.replay(report["record_id"], db_url)
    assert again.identical, again.differences
    audited = trader.audit(config, db_url)
    assert audited.passed, audited.verdict
