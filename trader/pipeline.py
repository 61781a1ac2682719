"""The one place that knows stage order: prices, windows, models, signals, backtest, report.

`train` walks the protocol's folds (purged walk-forward by default): per fold every model is
refit and predicts the fold's test period, beside the baselines (`trader.oos`). The stitched
out-of-sample predictions and the fold models are saved under ``data/models/<run id>/`` and
recorded in the database. `backtest` trades those predictions, the baselines, buy-and-hold and
the rule strategies over the same period with the same costs (`trader.compare`), writes the
report under ``data/reports/<run id>/`` and records the backtest run.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from trader import paths
from trader.audit import run_audit
from trader.compare import check_strategies, contenders, evaluate
from trader.config import RunConfig, StrategyConfig, parse_config
from trader.errors import ConfigError, DataError, did_you_mean
from trader.events import Progress, quiet
from trader.oos import out_of_sample
from trader.provenance import data_hash, git_commit, package_versions
from trader.report import build_report, save_report_json, write_report
from trader.store import Store
from trader.store.records import RunRecord, save_run
from trader.walkforward import folds_table

RUN_FILE = "run.json"
PREDICTIONS_FILE = "predictions.csv"


def new_run_id() -> str:
    """A sortable, unique run id: UTC timestamp plus 4 random hex digits."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


@dataclass(frozen=True)
class TrainResult:
    run_id: str
    directory: Path
    histories: dict[str, list[dict[str, list[float]]]]
    samples: list[dict[str, int]]


def load_bars(store: Store, config: RunConfig) -> pd.DataFrame:
    """The configured tickers' prices from the store (one query)."""
    data = config.data
    return store.read_bars(data.tickers, source=data.source, start=data.start, end=data.end)


def _provenance() -> dict[str, Any]:
    return {"versions": package_versions(), "git_commit": git_commit()}


def train(
    config: RunConfig,
    store: Store,
    *,
    run_id: str | None = None,
    progress: Progress = quiet,
) -> TrainResult:
    """Fit every model per fold, keep the out-of-sample predictions, record the run."""
    run_id = run_id or new_run_id()
    check_strategies(config.strategies)  # fail before training, not after
    progress("stage", {"name": "windows"})
    bars = load_bars(store, config)
    directory = paths.models_dir() / run_id
    oos = out_of_sample(bars, config, directory=directory, progress=progress)
    folds = folds_table(oos.folds).reset_index()
    meta = {
        "run_id": run_id,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": config.model_dump(mode="json"),
        "protocol": config.protocol.kind,
        "folds": json.loads(folds.to_json(orient="records", date_format="iso")),
        "samples": oos.samples,
        "histories": oos.histories,
        "data_hash": data_hash(bars),
    }
    directory.mkdir(parents=True, exist_ok=True)
    (directory / RUN_FILE).write_text(json.dumps(meta, indent=2))
    oos.predictions.to_csv(directory / PREDICTIONS_FILE, index=False)
    epochs = {name: [len(h.get("loss", [])) for h in hs] for name, hs in oos.histories.items()}
    save_run(
        store,
        RunRecord(
            id=run_id,
            kind="train",
            config=meta["config"],
            data_hash=meta["data_hash"],
            seeds={m.name: m.seed for m in config.models},
            metrics={"folds": meta["folds"], "samples": oos.samples, "epochs": epochs},
            **_provenance(),
        ),
        predictions=oos.predictions,
    )
    return TrainResult(run_id, directory, oos.histories, oos.samples)


def trained_runs() -> list[str]:
    """Ids of the trained runs on disk, oldest first."""
    root = paths.models_dir()
    if not root.exists():
        return []
    return sorted(p.parent.name for p in root.glob(f"*/{RUN_FILE}"))


def load_run(run_id: str | None) -> tuple[str, dict[str, Any], pd.DataFrame]:
    """A trained run's metadata and out-of-sample predictions (default: the latest run)."""
    runs = trained_runs()
    if run_id is None:
        if not runs:
            raise ConfigError("no trained run yet: run `trader train` first")
        run_id = runs[-1]
    directory = paths.models_dir() / run_id
    if not (directory / RUN_FILE).exists():
        raise ConfigError(f"unknown run '{run_id}'{did_you_mean(run_id, runs)}")
    meta = json.loads((directory / RUN_FILE).read_text())
    predictions = pd.read_csv(directory / PREDICTIONS_FILE, parse_dates=["date"])
    return run_id, meta, predictions


def backtest(
    run_id: str | None,
    store: Store,
    *,
    strategies: list[StrategyConfig] | None = None,
    record_id: str | None = None,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Backtest a trained run's out-of-sample period against baselines and rules; report it."""
    if strategies is not None:
        check_strategies(strategies)
    run_id, meta, predictions = load_run(run_id)
    config = parse_config(meta["config"], origin=f"run {run_id}")
    if strategies is not None:
        config = config.model_copy(update={"strategies": strategies})
    bars = load_bars(store, config)
    if predictions.empty:
        raise DataError(f"run {run_id}: no out-of-sample predictions")
    start, end = predictions["date"].min(), predictions["date"].max()
    progress("stage", {"name": "strategies"})
    entrants = contenders(bars, predictions, config, config.strategies)
    outcome = evaluate(bars, entrants, config, start=start, end=end, progress=progress)
    record_id = record_id or new_run_id()
    report = build_report(
        run_id=run_id,
        record_id=record_id,
        meta=meta,
        strategies=outcome.entries,
        test_start=start,
        test_end=end,
    )
    progress("stage", {"name": "report"})
    write_report(
        report,
        paths.reports_dir() / run_id,
        equity=outcome.equity,
        histories=meta["histories"],
        predictions=predictions,
    )
    save_run(
        store,
        RunRecord(
            id=record_id,
            kind="backtest",
            parent_id=run_id,
            config=config.model_dump(mode="json"),
            data_hash=data_hash(bars),
            seeds={m.name: m.seed for m in config.models},
            metrics=report["strategies"],
            **_provenance(),
        ),
        trades=outcome.trades,
    )
    return report


def run(config: RunConfig, store: Store, *, progress: Progress = quiet) -> dict[str, Any]:
    """Train, then backtest and report: the whole job."""
    result = train(config, store, progress=progress)
    return backtest(result.run_id, store, progress=progress)


def demo(config: RunConfig, store: Store, *, progress: Progress = quiet) -> dict[str, Any]:
    """The whole job, then the leakage audit, whose verdict goes into the report."""
    report = run(config, store, progress=progress)
    result = run_audit(config, load_bars(store, config), progress=progress)
    report["audit"] = result.as_dict()
    save_report_json(report, paths.reports_dir() / report["run_id"])
    return report
