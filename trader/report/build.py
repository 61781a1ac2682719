"""The report of a run: a plain dict (saved as ``report.json``), rich tables and chart files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from trader import paths
from trader.errors import ConfigError, did_you_mean
from trader.report.charts import drawdown_chart, equity_chart, training_chart
from trader.report.jsonable import json_safe

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
    engine: str = "fast",
    parity: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Collect everything a reader needs about a backtested run into plain data.

    ``engine`` names the backtest engine; ``parity`` is the live check of the fast engine
    against backtrader (`trader.backtesting.Parity.as_dict`), when one ran.
    """
    config = meta["config"]
    report = {
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
        "engine": engine,
        "strategies": json_safe(strategies),
        "config": config,
    }
    if parity is not None:
        report["parity"] = json_safe(parity)
    return report


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
    written = {k: str(v) for k, v in files.items()}
    report["files"] = written
    (directory / REPORT_FILE).write_text(json.dumps(report, indent=2))
    return written


def save_report_json(report: dict[str, Any], directory: Path) -> None:
    """(Re)write ``report.json`` in ``directory``."""
    (directory / REPORT_FILE).write_text(json.dumps(json_safe(report), indent=2))


def read_report(directory: Path) -> dict[str, Any]:
    """The ``report.json`` in ``directory``."""
    data: dict[str, Any] = json.loads((directory / REPORT_FILE).read_text())
    return data


def report_runs() -> list[str]:
    """Ids of the runs with a written report, oldest first."""
    root = paths.reports_dir()
    return sorted(p.parent.name for p in root.glob(f"*/{REPORT_FILE}")) if root.exists() else []


def load_report(run_id: str | None = None) -> dict[str, Any]:
    """A written report by run id (default: the latest), with "did you mean" for a wrong id."""
    runs = report_runs()
    if run_id is None:
        if not runs:
            raise ConfigError("no report yet: run `trader backtest` or `trader demo` first")
        run_id = runs[-1]
    if run_id not in runs:
        raise ConfigError(f"no report for run '{run_id}'{did_you_mean(run_id, runs)}")
    return read_report(paths.reports_dir() / run_id)
