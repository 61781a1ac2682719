"""The daily signal path end to end on the bundled sample, on SQLite and PostgreSQL:
`trader models promote` then `trader signals` produce, store and reconcile signals
idempotently; the quality gate refuses a stale series, a missing session and a restatement
(exit 3, nothing stored); rollback; a changed or unsafe model file is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from trader.cli import app
from trader.data import Store, ingest, read_sample
from trader.errors import DataError
from trader.operations import read_signals

TINY = """
data: {tickers: [AAPL, MSFT], source: sample, start: "2016-06-01"}
window: {length: 5}
models: [{name: dense, kind: dense, units: [4], epochs: 2, batch_size: 128, patience: 1}]
protocol: {folds: 2, min_train_days: 200}
strategies: []
"""


def cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def cli_json(*args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_promote_signals_reconcile_and_refuse(store: Store, tmp_path: Path) -> None:
    db = ["--db", store.url]
    frame = read_sample(["AAPL", "MSFT"])
    ingest(store, frame[frame["date"] <= "2017-12-29"], source="sample", origin="sample")
    config = tmp_path / "tiny.yaml"
    config.write_text(TINY)
    run_id = cli_json("train", "--config", str(config), *db)["run_id"]

    (model,) = cli_json("models", "promote", run_id, *db)
    assert (model["last_date"], model["live_for"]) == ("2017-12-29", ["AAPL", "MSFT"])
    meta = json.loads(Path(model["path"]).with_suffix(".json").read_text())
    assert {"scaler", "data_hash", "last_date", "packages", "git_commit", "config"} <= set(meta)
    assert model["reference"]["hit_rate_ci"][0] is not None  # the run's backtest interval

    first = cli_json("signals", "--date", "2018-01-02", *db)
    assert [u["rows"] for u in first["updates"]] == [52]  # the sample update added 26 + 26 bars
    assert len(first["signals"]) == 2 and not first["reused"]
    shown = cli("signals", "--date", "2018-01-02", *db)  # idempotent: same output, one set
    assert cli("signals", "--date", "2018-01-02", *db).split("\n")[-8:] == shown.split("\n")[-8:]
    assert len(read_signals(store)) == 2

    csv = tmp_path / "signals.csv"
    cli("signals", "--date", "2018-01-03", "--csv", str(csv), *db)
    assert len(csv.read_text().strip().splitlines()) == 3
    stored = read_signals(store)
    assert stored["hit"].notna().all() and len(stored) == 4  # reconciled: later closes exist
    bars = store.read_bars(["AAPL"]).set_index("date")["close"]
    aapl = stored[(stored["ticker"] == "AAPL") & (stored["date"] == "2018-01-02")].iloc[0]
    assert aapl["realized_return"] == pytest.approx(bars["2018-01-03"] / bars["2018-01-02"] - 1)
    assert aapl["hit"] == (aapl["call"] == ("up" if aapl["realized_return"] > 0 else "down"))

    history = cli_json("signals", "history", *db)["models"][0]
    assert history["reconciled"] == 4
    assert history["live_hit_rate"] == pytest.approx(stored["hit"].astype(bool).mean())
    assert isinstance(history["hit_rate_outside"], bool) and history["paper"]["days"] >= 2
    assert "backtest" in cli("signals", "history", "--model", model["id"], *db)

    # the gate: a stale series (no bar for 2018-02-08 yet), nothing emitted
    refused = cli("signals", "--date", "2018-02-08", "--no-update", *db, code=3)
    assert "stale" in refused and "AAPL" in refused
    # a missing session
    with store.begin() as conn:
        conn.execute(text("DELETE FROM daily_bars WHERE ticker = 'MSFT' AND date = '2018-02-01'"))
    assert "missing_sessions" in cli("signals", "--date", "2018-02-05", "--no-update", *db, code=3)
    ingest(store, frame[frame["ticker"] == "MSFT"], source="sample", origin="sample")
    # a restated history, found by the update's re-download
    with store.begin() as conn:
        conn.execute(text("UPDATE daily_bars SET close = close * 0.5, low = low * 0.5 "
                          "WHERE ticker = 'AAPL' AND date = '2018-01-10'"))  # fmt: skip
    assert "restated" in cli("signals", "--date", "2018-02-06", *db, code=3)
    assert "restated" in cli("data", "verify", "AAPL", "--as-of", "2018-02-07", *db, code=3)
    assert set(read_signals(store)["date"].dt.strftime("%m-%d")) == {"01-02", "01-03"}
    ingest(store, frame[frame["ticker"] == "AAPL"], source="sample", origin="sample")
    assert "passed" in cli("signals", "--date", "2018-02-06", *db)
    assert "in-sample" in cli("signals", "--date", "2017-12-28", *db, code=2)

    (second,) = cli_json("models", "promote", run_id, *db)
    (back,) = cli_json("models", "promote", "--previous", *db)
    assert back["id"] == model["id"] and back["live_for"] == ["AAPL", "MSFT"]
    listed = {m["id"]: m["live_for"] for m in cli_json("models", "list", *db)}
    assert listed == {model["id"]: ["AAPL", "MSFT"], second["id"]: []}

    with Path(model["path"]).open("ab") as handle:
        handle.write(b"tampered")
    assert "changed since it was promoted" in cli("signals", "--date", "2018-02-07", *db, code=2)


def test_promote_refuses_wrong_names(store: Store) -> None:
    assert "unknown run" in cli("models", "promote", "nope", "--db", store.url, code=2)
    assert "either RUN_ID" in cli("models", "promote", "--db", store.url, code=2)
    previous = cli("models", "promote", "--previous", "--db", store.url, code=2)
    assert "no production model yet" in previous
    assert "no production model" in cli("signals", "--db", store.url, code=2)


def test_keras_safe_mode_refuses_code_in_a_model_file(tmp_path: Path) -> None:
    import keras

    from trader import models

    inputs = keras.Input((3, 2))
    hidden = keras.layers.Lambda(lambda t: t * 2.0)(keras.layers.Flatten()(inputs))
    path = tmp_path / "lambda.keras"
    models.save_model(keras.Model(inputs, keras.layers.Dense(1)(hidden)), path, {})
    with pytest.raises(DataError, match="safe mode"):
        models.load_model(path)
