"""The report of a run: a plain dict (saved as ``report.json``), chart files and ``report.html``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from trader import paths
from trader.config import check_run_id
from trader.errors import ConfigError, DataError, did_you_mean
from trader.evaluate import Outcome
from trader.report.charts import drawdown_chart, equity_chart, training_chart
from trader.report.html import HTML_FILE, write_html
from trader.report.jsonable import json_safe
from trader.report.rows import SEED

REPORT_FILE = "report.json"
TOTAL = "TOTAL"


def build_report(
    *,
    run_id: str,
    record_id: str,
    meta: dict[str, Any],
    outcome: Outcome,
    engine: str = "fast",
) -> dict[str, Any]:
    """Collect everything a reader needs about a backtested run into plain data.

    ``engine`` names the backtest engine; the outcome's ``parity`` is the live check of the fast
    engine against backtrader (`trader.backtesting.Parity.as_dict`), when one ran.
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
        "periods": {
            "test_start": str(outcome.start.date()),
            "test_end": str(outcome.end.date()),
        },
        "samples": meta["samples"],
        "costs": {k: config["backtest"][k] for k in ("cash", "commission", "slippage", "sizing")},
        "training": {
            name: {
                "epochs_run": [len(h.get("loss", [])) for h in hists],
                **_costs(meta.get("costs", {}).get(name, [])),
            }
            for name, hists in meta["histories"].items()
        },
        "trials": json_safe(outcome.trial_count.as_dict()),
        "engine": engine,
        "strategies": json_safe(outcome.entries),
        "config": config,
    }
    if outcome.parity is not None:
        report["parity"] = json_safe(outcome.parity)
    return report


def _costs(per_fold: list[dict[str, float]]) -> dict[str, float]:
    """Training and inference time summed over the folds, and the model's parameter count."""
    if not per_fold:
        return {}
    return {
        "fit_seconds": sum(f["fit_seconds"] for f in per_fold),
        "predict_seconds": sum(f["predict_seconds"] for f in per_fold),
        "params": per_fold[0]["params"],
    }


def write_report(
    report: dict[str, Any],
    directory: Path,
    *,
    equity: dict[str, pd.Series],
    histories: dict[str, list[dict[str, list[float]]]],
    predictions: pd.DataFrame,
) -> dict[str, str]:
    """Write ``report.json``, the charts, ``predictions.csv`` and ``report.html`` into
    ``directory``. Extra training seeds are summarized, not drawn.

    ``report.json`` (what marks a report as there) is removed first and written last, in one
    atomic step: a report that is listed is always whole, even after a crash mid-way.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / REPORT_FILE).unlink(missing_ok=True)
    kinds = {name: entry["kind"] for name, entry in report["strategies"].items()}
    drawn = {name: series for name, series in equity.items() if kinds.get(name) != SEED}
    models = frozenset(name for name, kind in kinds.items() if kind == "model")
    configured = {m["name"] for m in report["config"]["models"]}
    files = {
        "equity_chart": equity_chart(
            drawn,
            directory / "equity.png",
            f"Run {report['run_id']}: portfolio of {', '.join(report['tickers'])}",
            models,
        ),
        "drawdown_chart": drawdown_chart(drawn, directory / "drawdown.png", models),
        "training_chart": training_chart(
            {k: v for k, v in histories.items() if k in configured}, directory / "training.png"
        ),
    }
    predictions.to_csv(directory / "predictions.csv", index=False)
    files["predictions"] = directory / "predictions.csv"
    files["report"] = directory / REPORT_FILE
    files["html"] = directory / HTML_FILE
    written = {k: str(v) for k, v in files.items()}
    report["files"] = written
    write_html(report, directory)
    paths.atomic_write_text(directory / REPORT_FILE, json.dumps(report, indent=2))
    return written


def save_report_json(report: dict[str, Any], directory: Path) -> None:
    """(Re)write ``report.html`` and ``report.json`` in ``directory`` (the JSON atomically)."""
    write_html(json_safe(report), directory)
    paths.atomic_write_text(directory / REPORT_FILE, json.dumps(json_safe(report), indent=2))


def read_report(directory: Path) -> dict[str, Any]:
    """The ``report.json`` in ``directory``; an unreadable one is a `DataError` naming it."""
    path = directory / REPORT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DataError(f"{path}: cannot read the report ({type(err).__name__})") from None
    if not isinstance(data, dict):
        raise DataError(f"{path}: not a report")
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
    check_run_id(run_id)
    if run_id not in runs:
        raise ConfigError(f"no report for run '{run_id}'{did_you_mean(run_id, runs)}")
    return read_report(paths.reports_dir() / run_id)
