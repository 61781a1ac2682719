"""The report of a run: a plain dict (saved as ``report.json``), rich tables and chart files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from trader.charts import drawdown_chart, equity_chart, training_chart
from trader.jsonable import json_safe

REPORT_FILE = "report.json"
TOTAL = "TOTAL"


def build_report(
    *,
    run_id: str,
    record_id: str,
    meta: dict[str, Any],
    strategies: dict[str, Any],
    test_start: pd.Timestamp,
    test_end: pd.Timestamp,
) -> dict[str, Any]:
    """Collect everything a reader needs about a backtested run into plain data."""
    config = meta["config"]
    return {
        "run_id": run_id,
        "record_id": record_id,
        "trained": meta["created"],
        "tickers": config["data"]["tickers"],
        "label": config["window"]["label"],
        "protocol": meta["protocol"],
        "folds": meta["folds"],
        "periods": {"test_start": str(test_start.date()), "test_end": str(test_end.date())},
        "samples": meta["samples"],
        "costs": {k: config["backtest"][k] for k in ("cash", "commission", "slippage", "sizing")},
        "training": {
            name: {"epochs_run": [len(h.get("loss", [])) for h in hists]}
            for name, hists in meta["histories"].items()
        },
        "strategies": json_safe(strategies),
        "config": config,
    }


def write_report(
    report: dict[str, Any],
    directory: Path,
    *,
    equity: dict[str, pd.Series],
    histories: dict[str, list[dict[str, list[float]]]],
    predictions: pd.DataFrame,
) -> dict[str, str]:
    """Write ``report.json``, the charts and ``predictions.csv`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "equity_chart": equity_chart(
            equity,
            directory / "equity.png",
            f"Run {report['run_id']}: portfolio of {', '.join(report['tickers'])}",
        ),
        "drawdown_chart": drawdown_chart(equity, directory / "drawdown.png"),
        "training_chart": training_chart(histories, directory / "training.png"),
    }
    predictions.to_csv(directory / "predictions.csv", index=False)
    files["predictions"] = directory / "predictions.csv"
    files["report"] = directory / REPORT_FILE
    report["files"] = {k: str(v) for k, v in files.items()}
    (directory / REPORT_FILE).write_text(json.dumps(report, indent=2))
    return report["files"]


def save_report_json(report: dict[str, Any], directory: Path) -> None:
    """(Re)write ``report.json`` in ``directory``."""
    (directory / REPORT_FILE).write_text(json.dumps(json_safe(report), indent=2))


def read_report(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / REPORT_FILE).read_text())
    return data
