"""The research scripts in examples/ run on the bundled sample (on tiny settings here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from trader.errors import DataError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'examples.db'}"


def test_every_example_is_tested() -> None:
    tested = {"compare_activations_losses", "custom_strategy", "external_predictions"}
    assert {p.stem for p in EXAMPLES.glob("*.py")} == tested


def test_compare_activations_and_losses(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--epochs", "1", "--folds", "2", "--start", "2016-06-01", "--db", db]
    rows = example("compare_activations_losses").main(args)
    names = {r["model"] for r in rows}
    assert names == {
        f"{kind}-{act}-{loss}"
        for kind in ("dense", "lstm")
        for act in ("relu", "tanh")
        for loss in ("bce", "mse")
    }
    assert all(0.0 <= r["hit rate"] <= 1.0 and r["epochs"] >= 2 for r in rows)
    printed = capsys.readouterr().out
    assert "lstm-tanh-mse" in printed and "buy_and_hold: return" in printed


def test_custom_strategy_beside_buy_and_hold(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    results = example("custom_strategy").main(["--tickers", "AAPL,KO", "--db", db])
    assert set(results) == {"rsi_reversion", "buy_and_hold"}
    assert results["rsi_reversion"]["trades"] > 0
    assert results["buy_and_hold"]["trades"] == 0  # held to the end, never closed
    assert "rsi_reversion" in capsys.readouterr().out


def test_custom_strategy_sees_no_future() -> None:
    module = example("custom_strategy")
    close = pd.Series(range(1, 60), dtype=float) ** 1.1
    moved = close.copy()
    moved.iloc[40:] = moved.iloc[40:] * 0.5
    a, b = module.relative_strength(close, 14), module.relative_strength(moved, 14)
    pd.testing.assert_series_equal(a.iloc[:40], b.iloc[:40])


def test_external_predictions(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = example("external_predictions")
    results = module.main(["--db", db, "--start", "2017-01-01", "--short", "0.5"])
    assert set(results) == {"predictions", "buy_and_hold"}
    assert results["predictions"]["trades"] > 0
    assert "hit rate" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text("date,symbol,prediction\n2017-01-03,AAPL,0.2\n2017-01-04,AAPL,high\n")
    with pytest.raises(DataError, match=r"bad.csv: row 3: not a finite score \('high'\)"):
        module.main(["--db", db, "--predictions", str(bad)])
