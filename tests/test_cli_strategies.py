"""Every built-in strategy through the CLI on the sample, on one ticker and on several."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from trader.cli import app
from trader.signals.loader import available

CONFIG = """
data: {{tickers: [{tickers}]}}
window: {{length: 5, features: [log_return]}}
models:
  - {{name: lstm, kind: lstm, units: [4], epochs: 1, batch_size: 256}}
protocol: {{folds: 2, min_train_days: 250}}
strategies: []
"""
BUILT_INS = [
    "model_threshold", "buy_and_hold", "ma_cross", "granville", "bnf_deviation", "rci",
    "n_day_decline",
]  # fmt: skip
TICKERS = {"one": ["AAPL"], "several": ["AAPL", "JPM", "XOM"]}


@pytest.fixture(scope="module", params=list(TICKERS))
def trained(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A run trained on the sample (SQLite): its id, database URL and tickers."""
    tickers = TICKERS[request.param]
    folder = tmp_path_factory.mktemp(f"cli-strategies-{request.param}")
    db = f"sqlite:///{folder / 'trader.db'}"
    config = folder / "run.yaml"
    config.write_text(CONFIG.format(tickers=", ".join(tickers)))
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", "sample", *tickers, "--db", db])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(app, ["train", "-c", str(config), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return {"run": json.loads(result.stdout)["run_id"], "db": db, "tickers": tickers}


def test_the_built_ins_are_all_tested() -> None:
    assert set(BUILT_INS) <= set(available())


@pytest.mark.parametrize("name", BUILT_INS)
def test_built_in_through_the_cli(trained: dict, name: str) -> None:
    args = ["backtest", "--run", trained["run"], "-s", name, "--db", trained["db"], "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    entries = report["strategies"]
    assert set(report["tickers"]) == set(trained["tickers"])
    label = "lstm+model_threshold" if name == "model_threshold" else name
    entry = entries[label]
    total = entry["total"]
    assert total["rejected_orders"] == 0
    assert {"total_return", "sharpe", "max_drawdown", "trades", "exposure"} <= set(total)
    # beside the model strategy and buy-and-hold, with the same costs
    assert {"lstm", "buy_and_hold"} <= set(entries)
    assert entry["kind"] == ("model" if name == "model_threshold" else entries[name]["kind"])
    if name == "buy_and_hold":
        assert total["exposure"] > 0.95
    else:
        assert total["trades"] > 0, f"{name} never traded"
