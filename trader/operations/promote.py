"""Promotion: refit a trained run's model on all stored data and make it the production model.

The walk-forward fold models of a run were trained on older data. Promotion refits the run's
configuration on every stored bar up to the latest one: all windows with a known label, the last
``protocol.val_fraction`` of their days for early stopping (labels purged at that boundary, as in
a fold), the feature scaler fit on the fitting rows only. The model is saved as ``.keras`` with
its metadata (config, data hash and last date used, package versions, git commit, scaler) under
``data/models/production/<model id>/``, recorded in the database with the run's out-of-sample
backtest figures (the yardstick of the live figures), and activated for its tickers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trader import paths, pipeline
from trader.config import ModelConfig, RunConfig, parse_config
from trader.data import Store, get_run, list_runs, new_run_id
from trader.errors import ConfigError, DataError, did_you_mean
from trader.events import Progress, quiet
from trader.operations.registry import ModelInfo, save_model_info
from trader.provenance import data_hash, git_commit, package_versions
from trader.report import json_safe
from trader.research import (
    Fold,
    Rescaling,
    Scaler,
    feature_columns,
    fold_masks,
    fold_scaler,
    raw_windows,
)


@dataclass(frozen=True)
class Refit:
    """A model refit on all the data, with what predicting needs again."""

    model: Any
    scaler: Scaler
    label: str
    n_classes: int
    history: dict[str, list[float]]
    samples: dict[str, int]


def refit(bars: pd.DataFrame, config: RunConfig, model: ModelConfig, progress: Progress) -> Refit:
    """Fit ``model`` on every labelled window of ``bars``; the last days validate."""
    from trader import models

    windows = raw_windows(bars, config)
    labelled = pd.DatetimeIndex(np.unique(windows.dates[pd.notna(windows.label_dates)]))
    n_val = max(1, math.ceil(len(labelled) * config.protocol.val_fraction))
    if len(labelled) - n_val < 2:
        raise DataError(f"too few labelled days ({len(labelled)}) to refit on: store more history")
    end = pd.Timestamp.max
    fold = Fold(0, labelled[0], labelled[-n_val - 1], labelled[-n_val], labelled[-1], end, end, end)
    fit, val, _ = fold_masks(windows.dates, windows.label_dates, fold)
    if fit.sum() < 2 or val.sum() < 1:
        raise DataError(f"too few windows to refit ({int(fit.sum())} fit, {int(val.sum())} val)")
    width = len(feature_columns(config.window.features))
    scaler = fold_scaler(windows, fit) if config.window.scale else Scaler.identity(width)
    # windows as views into the rows, re-scaled batch by batch: never copied out whole
    views = windows.samples(transform=Rescaling(windows.scaler, scaler))
    models.check_compatible(model, windows.label, windows.n_classes)
    net = models.build_model(model, windows.shape, windows.label, windows.n_classes)
    progress("model", {"name": model.name, "fold": "all", "epochs": model.epochs})

    def on_epoch(epoch: int, logs: dict[str, float]) -> None:
        progress("epoch", {"name": model.name, "fold": "all", "epoch": epoch, "logs": logs})

    history = models.fit(
        net, views.subset(fit), windows.labels[fit], views.subset(val), windows.labels[val], model,
        label=windows.label, n_classes=windows.n_classes, progress=on_epoch,
    )  # fmt: skip
    samples = {"fit": int(fit.sum()), "val": int(val.sum())}
    return Refit(net, scaler, windows.label, windows.n_classes, history, samples)


def _choose(config: RunConfig, name: str | None, run_id: str) -> ModelConfig:
    names = [m.name for m in config.models]
    if name is None:
        return config.models[0]
    if name not in names:
        raise ConfigError(f"run {run_id} has no model '{name}'{did_you_mean(name, names)}")
    return next(m for m in config.models if m.name == name)


def reference_figures(
    store: Store, run_id: str, name: str, progress: Progress = quiet
) -> dict[str, Any]:
    """The run's out-of-sample backtest figures of model ``name`` (backtested now if never)."""
    runs = list_runs(store)
    done = runs[(runs["kind"] == "backtest") & (runs["parent_id"] == run_id)]
    if done.empty:
        report = pipeline.backtest(run_id, store, strategies=[], progress=progress)
        backtest_id, metrics = str(report["record_id"]), report["strategies"]
    else:
        backtest_id = str(done["id"].iloc[-1])
        metrics = get_run(store, backtest_id).metrics
    entry = metrics.get(name, {})
    total, band = entry.get("total", {}), entry.get("uncertainty", {})
    return dict(json_safe({
        "backtest_id": backtest_id,
        "hit_rate": total.get("hit_rate"),
        "hit_rate_ci": [band.get("hit_rate_ci_low"), band.get("hit_rate_ci_high")],
        "sharpe": total.get("sharpe"),
        "sharpe_ci": [band.get("sharpe_ci_low"), band.get("sharpe_ci_high")],
        "total_return": total.get("total_return"),
        "predictions": total.get("predictions"),
    }))  # fmt: skip


def new_model_id() -> str:
    return "m-" + new_run_id()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def promote(
    store: Store, run_id: str, *, name: str | None = None, progress: Progress = quiet
) -> ModelInfo:
    """Refit model ``name`` (default: the run's first) of run ``run_id`` on all stored data,
    save it with its metadata and make it the production model of the run's tickers."""
    from trader import models

    record = get_run(store, run_id)
    if record.kind != "train":
        raise ConfigError(f"run {run_id} is a {record.kind} run: promote a train run")
    config = parse_config(record.config, origin=f"run {run_id}")
    chosen = _choose(config, name, run_id)
    config = config.model_copy(update={"data": config.data.model_copy(update={"end": None})})
    bars = pipeline.load_bars(store, config)
    sources = sorted(set(bars["source"]))
    source = config.data.source or (sources[0] if len(sources) == 1 else None)
    reference = reference_figures(store, run_id, chosen.name, progress)
    progress("stage", {"name": f"refit {chosen.name} on all data"})
    result = refit(bars, config, chosen, progress)
    model_id = new_model_id()
    path = paths.models_dir() / "production" / model_id / f"{chosen.name}.keras"
    dates = pd.to_datetime(bars["date"])
    meta: dict[str, Any] = {
        "model_id": model_id, "run_id": run_id, "model": chosen.model_dump(mode="json"),
        "config": config.model_dump(mode="json"), "label": result.label,
        "n_classes": result.n_classes, "scaler": result.scaler.to_dict(),
        "tickers": config.data.tickers, "source": source, "data_hash": data_hash(bars),
        "first_date": dates.min().date().isoformat(), "last_date": dates.max().date().isoformat(),
        "packages": package_versions(), "git_commit": git_commit(), "history": result.history,
        "samples": result.samples,
    }  # fmt: skip
    models.save_model(result.model, path, meta)
    info = ModelInfo(
        id=model_id, run_id=run_id, name=chosen.name, created_at=dt.datetime.now(dt.UTC),
        tickers=list(config.data.tickers), source=source, path=str(path),
        file_sha256=file_sha256(path), config=meta["config"], data_hash=meta["data_hash"],
        first_date=dates.min().date(), last_date=dates.max().date(), versions=meta["packages"],
        git_commit=meta["git_commit"], reference=reference,
    )  # fmt: skip
    save_model_info(store, info)
    return info
