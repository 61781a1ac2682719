"""The research job step by step: prices from the store, `train` walk-forward, `backtest`
the out-of-sample predictions beside every contender, or `run` both."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from trader import paths
from trader.backtesting import check_engine
from trader.config import (
    ConfigSource,
    RunConfig,
    StrategyConfig,
    check_run_id,
    load_config,
    parse_config,
    recorded_seeds,
)
from trader.data import (
    PREDICTIONS_FILE,
    RUN_FILE,
    RunRecord,
    Store,
    check_shared_dates,
    dataset_of,
    dataset_trials,
    is_recorded,
    new_run_id,
    read_run,
    reserve_run,
    save_run,
)
from trader.errors import DataError
from trader.evaluate import (
    evaluate,
)
from trader.events import Progress, quiet
from trader.provenance import data_hash, git_commit, package_versions
from trader.report import build_report, write_report
from trader.research import folds_table, out_of_sample
from trader.signals import check_strategies, contenders

if TYPE_CHECKING:  # Keras loads only when training starts
    from trader import models

StoreSource = Store | str | None


@dataclass(frozen=True)
class TrainResult:
    """A trained run: its id, its folder of fold models, training histories and sample counts."""

    run_id: str
    directory: Path
    histories: dict[str, list[dict[str, list[float]]]]
    samples: list[dict[str, int]]


def open_store(store: StoreSource) -> Store:
    """``store`` itself, or a `Store` on the URL given (``None``: the default database)."""
    return store if isinstance(store, Store) else Store(store)


def load_bars(store: StoreSource, config: RunConfig) -> pd.DataFrame:
    """The configured tickers' prices from the store (one query); tickers that share too few
    dates for one window and its label are refused here, before any work."""
    data = config.data
    bars = open_store(store).read_bars(
        data.tickers, source=data.source, start=data.start, end=data.end
    )
    check_shared_dates(bars, config.window.length + config.window.horizon + 1)
    return bars


def _provenance(**extra: str) -> dict[str, Any]:
    return {"versions": {**package_versions(), **extra}, "git_commit": git_commit()}


def train(
    config: ConfigSource = None,
    store: StoreSource = None,
    *,
    run_id: str | None = None,
    progress: Progress = quiet,
    reuse: models.FreshModels | None = None,
) -> TrainResult:
    """Fit every model per fold, keep the out-of-sample predictions, record the run.

    The run is written under ``data/models/.partial/`` and appears under ``data/models/<run
    id>/`` only when complete, then is recorded; the models folder and the database are
    checked to be writable before training starts. ``reuse`` keeps the compiled models for a
    later call on the same configurations (the demo's audit): no new tracing.
    """
    config, db = load_config(config), open_store(store)
    check_strategies(config.strategies)  # fail before training, not after
    progress("stage", {"name": "windows"})
    bars = load_bars(db, config)
    db.check_writable()
    with reserve_run(paths.models_dir(), run_id, lambda i: is_recorded(db, i)) as folder:
        oos = out_of_sample(bars, config, directory=folder.staging, reuse=reuse, progress=progress)
        folds = folds_table(oos.folds).reset_index()
        meta = {
            "run_id": folder.run_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": config.model_dump(mode="json"),
            "protocol": config.protocol.kind,
            "folds": json.loads(folds.to_json(orient="records", date_format="iso")),
            "samples": oos.samples,
            "histories": oos.histories,
            "costs": oos.costs,
            "data_hash": data_hash(bars),
        }
        oos.predictions.to_csv(folder.staging / PREDICTIONS_FILE, index=False)
        (folder.staging / RUN_FILE).write_text(json.dumps(meta, indent=2))
        folder.publish()  # visible from here on, complete; taken back if recording fails
        epochs = {name: [len(h.get("loss", [])) for h in hs] for name, hs in oos.histories.items()}
        record = RunRecord(
            id=folder.run_id,
            kind="train",
            config=meta["config"],
            data_hash=meta["data_hash"],
            seeds=recorded_seeds(config),
            metrics={"folds": meta["folds"], "samples": oos.samples, "epochs": epochs},
            **_provenance(),
        )
        save_run(db, record, predictions=oos.predictions, new=True)
    return TrainResult(folder.run_id, folder.final, oos.histories, oos.samples)


def load_run(run_id: str | None) -> tuple[str, dict[str, Any], pd.DataFrame]:
    """A trained run's metadata and out-of-sample predictions (default: the latest run)."""
    return read_run(paths.models_dir(), run_id)


def backtest(
    run_id: str | None = None,
    store: StoreSource = None,
    *,
    strategies: list[StrategyConfig] | None = None,
    record_id: str | None = None,
    engine: str = "fast",
    parity: bool = False,
    progress: Progress = quiet,
) -> dict[str, Any]:
    """Backtest a trained run's out-of-sample period against baselines and rules; report it.

    ``run_id`` defaults to the latest trained run; ``strategies`` replaces the run's rule
    strategies; ``engine`` is ``fast`` or ``backtrader``; ``parity`` also checks the first model
    on both. Returns the report (also written to ``data/reports/<run id>/``).
    """
    check_engine(engine)
    if strategies is not None:
        check_strategies(strategies)
    db = open_store(store)
    record_id = check_run_id(record_id) if record_id is not None else new_run_id()
    run_id, meta, predictions = load_run(run_id)
    report_dir = paths.ensure_writable(paths.reports_dir() / run_id, "report")
    db.check_writable()
    config = parse_config(meta["config"], origin=f"run {run_id}")
    if strategies is not None:
        config = config.model_copy(update={"strategies": strategies})
    bars = load_bars(db, config)
    if predictions.empty:
        raise DataError(f"run {run_id}: no out-of-sample predictions")
    start, end = predictions["date"].min(), predictions["date"].max()
    progress("stage", {"name": "strategies"})
    entrants = contenders(bars, predictions, config, config.strategies)
    outcome = evaluate(  # past_trials: every trial recorded on this data, for the DSR
        bars, entrants, config, start=start, end=end, run_id=record_id, train_run_id=run_id,
        past_trials=dataset_trials(db, dataset_of(bars)), progress=progress, engine=engine,
        parity=parity,
    )  # fmt: skip
    report = build_report(
        run_id=run_id, record_id=record_id, meta=meta, outcome=outcome, engine=engine
    )
    progress("stage", {"name": "report"})
    write_report(
        report,
        report_dir,
        equity=outcome.equity,
        histories=meta["histories"],
        predictions=predictions,
    )
    save_run(
        db,
        RunRecord(
            id=record_id,
            kind="backtest",
            parent_id=run_id,
            config=config.model_dump(mode="json"),
            data_hash=outcome.trial_count.dataset.data_hash,
            seeds=recorded_seeds(config),
            metrics=report["strategies"],
            **_provenance(engine=engine),  # replay uses the same engine
        ),
        trades=outcome.trades,
        trials=outcome.trials,
        new=True,
    )
    return report


def run(
    config: ConfigSource = None, store: StoreSource = None, *, engine: str = "fast",
    parity: bool = False, progress: Progress = quiet, reuse: models.FreshModels | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Train, then backtest and report: the whole job (see `backtest`). Returns the report."""
    db = open_store(store)
    check_engine(engine)
    result = train(config, db, progress=progress, reuse=reuse)
    return backtest(result.run_id, db, engine=engine, parity=parity, progress=progress)
