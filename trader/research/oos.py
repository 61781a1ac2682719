"""Out-of-sample predictions: every model and baseline refit per fold, predictions stitched.

The protocol (``config.protocol``) gives the folds: purged, embargoed walk-forward by default
(`trader.research.walkforward`), or one holdout split. Per fold, features are scaled with a scaler
fit on that fold's fit rows only, each model is built from its seed (once per seed with seed
repeats, `trader.config.seeds`), trained on the fit rows with
early stopping on the validation rows, and predicts the test rows in one batched call; the
baselines (`trader.research.baselines`) are fit on the same rows. The test predictions of all folds
form one series per predictor, which the backtest trades.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trader.config import SEED_KIND, RunConfig, SeedVariant, seed_variants
from trader.errors import DataError
from trader.events import Progress
from trader.research.baselines import BASELINES, window_baseline_scores
from trader.research.scaling import Rescaling, Scaler
from trader.research.walkforward import (
    Fold,
    WalkForwardSpec,
    fold_masks,
    fold_rescaling,
    make_folds,
    stitch,
)
from trader.research.windows import (
    WindowSet,
    build_windows,
    feature_columns,
    split_dates,
    window_features,
)

if TYPE_CHECKING:  # Keras is imported when training starts: TensorFlow takes seconds to load
    from trader import models

PREDICTION_COLUMNS = ["model", "kind", "fold", "ticker", "date", "score", "forward_return"]


@dataclass(frozen=True)
class OutOfSample:
    """The stitched out-of-sample predictions of every model and baseline, and how they came."""

    predictions: pd.DataFrame  # PREDICTION_COLUMNS; kind is "model", "seed" or "baseline"
    folds: list[Fold]
    histories: dict[str, list[dict[str, list[float]]]]  # model -> one history per fold
    samples: list[dict[str, int]]  # per fold: fit, val, test windows
    label: str
    costs: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # model -> per fold:
    # fit_seconds, predict_seconds (the batched call over the test windows), params


def raw_windows(bars: pd.DataFrame, config: RunConfig, *, canary: bool = False) -> WindowSet:
    """Unscaled windows of every ticker (each fold fits its own scaler).

    ``canary`` adds the leakage audit's look-ahead feature (the audit only).
    """
    width = len(feature_columns(window_features(config.window, canary=canary)))
    return build_windows(bars, config.window, scaler=Scaler.identity(width), canary=canary)


def protocol_folds(windows: WindowSet, config: RunConfig) -> list[Fold]:
    """The folds of ``config.protocol`` over the windows' decision dates."""
    dates = pd.DatetimeIndex(np.unique(windows.dates))
    horizon = config.window.horizon
    if config.protocol.kind == "walk_forward":
        try:
            return make_folds(dates, horizon, WalkForwardSpec.from_config(config.protocol))
        except ValueError as err:
            raise DataError(f"protocol: {err}") from None
    split = split_dates(dates, config.window)
    after_train = dates[dates > split.train_end]
    after_val = dates[dates > split.val_end]
    if len(after_train) == 0 or len(after_val) == 0:
        raise DataError("holdout: no validation or test days; lower the window fractions")
    return [
        Fold(
            index=0,
            fit_start=dates[0],
            fit_end=split.train_end,
            val_start=after_train[0],
            val_end=split.val_end,
            embargo_start=after_val[0],
            test_start=after_val[0],
            test_end=dates[-1],
        )
    ]


def _rows(
    name: str, kind: str, fold: Fold, windows: WindowSet, test: np.ndarray, score: np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "model": name,
            "kind": kind,
            "fold": fold.index,
            "ticker": windows.tickers[test].astype(str),
            "date": pd.DatetimeIndex(windows.dates[test]),
            "score": np.asarray(score, dtype=float),
            "forward_return": windows.forward_return[test],
        }
    )


def _fit_predict(
    windows: WindowSet,
    rescaling: Rescaling | None,
    masks: tuple[np.ndarray, np.ndarray, np.ndarray],
    variants: list[SeedVariant],
    fold: Fold,
    builds: dict[str, models.FreshModel],
    directory: Path | None,
    progress: Progress,
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, list[float]]], dict[str, dict[str, float]]]:
    from trader import models

    fit, val, test = masks
    # views into the rows, re-scaled batch by batch: no window and no row is copied out whole
    samples = windows.samples(transform=rescaling)
    scores: dict[str, np.ndarray] = {}
    histories: dict[str, dict[str, list[float]]] = {}
    costs: dict[str, dict[str, float]] = {}
    for variant in variants:
        cfg, name = variant.model, variant.name
        progress("model", {"name": name, "fold": fold.index, "epochs": cfg.epochs})
        model = builds[name].fresh()  # exactly a new build, without retracing

        def on_epoch(epoch: int, logs: dict[str, float], name: str = name) -> None:
            progress("epoch", {"name": name, "fold": fold.index, "epoch": epoch, "logs": logs})

        started = time.perf_counter()
        histories[name] = models.fit(
            model,
            samples.subset(fit),
            windows.labels[fit],
            samples.subset(val),
            windows.labels[val],
            cfg,
            label=windows.label,
            n_classes=windows.n_classes,
            progress=on_epoch,
        )
        fitted = time.perf_counter()
        raw = models.predict(model, samples.subset(test))
        costs[name] = {
            "fit_seconds": fitted - started,
            "predict_seconds": time.perf_counter() - fitted,
            "params": float(model.count_params()),
        }
        scores[name] = models.to_score(raw, cfg, windows.label, windows.n_classes)
        if directory is not None:
            models.save_model(
                model,
                directory / f"fold-{fold.index}" / f"{name}.keras",
                {"model": cfg.model_dump(), "fold": fold.index, "label": windows.label},
            )
    return scores, histories, costs


def out_of_sample(
    bars: pd.DataFrame,
    config: RunConfig,
    *,
    directory: Path | None = None,
    last_folds: int | None = None,
    canary: bool = False,
    reuse: models.FreshModels | None = None,
    progress: Progress,
) -> OutOfSample:
    """Walk the folds: fit, predict the test rows, stitch; models saved under ``directory``.

    ``last_folds`` keeps only that many folds at the end, and ``canary`` adds a feature that
    peeks one day ahead: both for the leakage audit's canary run only. ``reuse`` keeps the
    compiled models for a later call on windows of the same shape (no new tracing).
    """
    from trader import models

    windows = raw_windows(bars, config, canary=canary)
    folds = protocol_folds(windows, config)
    if last_folds is not None:
        folds = folds[-last_folds:]
    for cfg in config.models:  # refuse incompatible choices before any training
        models.check_compatible(cfg, windows.label, windows.n_classes)
    reuse = reuse or models.FreshModels()
    variants = seed_variants(config)  # each model once per seed (seed repeats)
    builds = {
        v.name: reuse.get(v.model, windows.shape, windows.label, windows.n_classes)
        for v in variants
    }
    kinds = {v.name: "model" if v.primary else SEED_KIND for v in variants}
    per_fold: dict[str, list[pd.DataFrame]] = {}
    histories: dict[str, list[dict[str, list[float]]]] = {v.name: [] for v in variants}
    costs: dict[str, list[dict[str, float]]] = {v.name: [] for v in variants}
    samples = []
    for fold in folds:
        masks = fold_masks(windows.dates, windows.label_dates, fold)
        fit, val, test = masks
        samples.append({"fit": int(fit.sum()), "val": int(val.sum()), "test": int(test.sum())})
        if fit.sum() < 2 or val.sum() < 1:
            raise DataError(
                f"fold {fold.index}: too few windows to train ({int(fit.sum())} fit, "
                f"{int(val.sum())} validation); use more history, fewer folds or shorter windows"
            )
        rescaling = fold_rescaling(windows, fit) if config.window.scale else None
        scores, fold_histories, fold_costs = _fit_predict(
            windows, rescaling, masks, variants, fold, builds, directory, progress
        )
        for name, history in fold_histories.items():
            histories[name].append(history)
            costs[name].append(fold_costs[name])
        for name, score in scores.items():
            per_fold.setdefault(name, []).append(
                _rows(name, kinds[name], fold, windows, test, score)
            )
        for name in BASELINES:
            score = window_baseline_scores(name, windows, fit, test)
            per_fold.setdefault(name, []).append(
                _rows(name, "baseline", fold, windows, test, score)
            )
    predictions = pd.concat([stitch(frames) for frames in per_fold.values()], ignore_index=True)
    return OutOfSample(
        predictions=predictions[PREDICTION_COLUMNS],
        folds=folds,
        histories=histories,
        samples=samples,
        label=windows.label,
        costs=costs,
    )
