"""Fit a compiled model with early stopping, and predict in one batched call.

Training is seeded (``config.seed``) with deterministic TensorFlow ops, so two fits of the same
config on the same data give the same weights. Samples come as `Windows` (views into rows,
`trader.models.feed`) or as (samples, length, features) arrays; `Batches` gathers them batch by
batch in an epoch order drawn from the seed, and Keras is called with ``shuffle=False``. Early
stopping watches ``val_loss`` with ``config.patience`` and restores the best epoch's weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import keras
import numpy as np

from trader.config import LabelKind, ModelConfig
from trader.errors import ConfigError, DataError
from trader.models.encoding import encode_labels
from trader.models.feed import Batches, Windows
from trader.models.presets import resolve
from trader.models.seeding import seed_everything

EpochProgress = Callable[[int, dict[str, float]], None]

#: samples per batch in `predict`; one ``model.predict`` call either way
PREDICT_BATCH = 4096
#: samples per validation batch (or the training batch size if larger): a few steps per epoch
VALIDATION_BATCH = 1024


def _as_float(value: Any) -> float:
    """A logged metric as one float (vector-valued metrics are averaged)."""
    arr = np.asarray(value, dtype=np.float64)
    return float(arr) if arr.size == 1 else float(arr.mean())


def _floats(logs: Mapping[str, Any] | None) -> dict[str, float]:
    return {key: _as_float(value) for key, value in (logs or {}).items()}


class _EpochCallback(keras.callbacks.Callback):
    """Reports ``(epoch, logs)`` after each epoch, epochs counted from 1."""

    def __init__(self, progress: EpochProgress) -> None:
        super().__init__()
        self._progress = progress

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._progress(epoch + 1, _floats(logs))


def _windows(x: np.ndarray | Windows, what: str) -> Windows:
    samples = Windows.of(x)
    samples.check_finite(what)
    return samples


def fit(
    model: keras.Model,
    x_train: np.ndarray | Windows,
    y_train: np.ndarray,
    x_val: np.ndarray | Windows,
    y_val: np.ndarray,
    config: ModelConfig,
    *,
    label: LabelKind,
    n_classes: int,
    progress: EpochProgress | None = None,
) -> dict[str, list[float]]:
    """Train ``model`` on the training windows, stopping early on validation loss.

    ``x_*`` are `Windows` or (samples, length, features) arrays; ``y_*`` hold one raw label per
    sample (binary 0/1, multiclass 0..n-1, regression returns, sign -1/+1) and are encoded as
    the resolved loss needs. ``progress(epoch, logs)`` is called
    after every epoch (from 1). Returns the history: metric name -> one float per epoch.
    Raises `DataError` for unusable data and `ConfigError` when training diverges (NaN loss).
    """
    resolved = resolve(config, label, n_classes)
    xt, xv = _windows(x_train, "training windows"), _windows(x_val, "validation windows")
    if len(xt) == 0 or len(xv) == 0:
        raise DataError(
            f"model '{config.name}': needs training and validation windows, got "
            f"{len(xt)} and {len(xv)}"
        )
    if len(xt) != len(y_train) or len(xv) != len(y_val):
        raise DataError(
            f"model '{config.name}': {len(xt)}/{len(xv)} windows but "
            f"{len(y_train)}/{len(y_val)} labels"
        )
    yt = encode_labels(y_train, resolved.encoding, n_classes)
    yv = encode_labels(y_val, resolved.encoding, n_classes)
    callbacks: list[keras.callbacks.Callback] = [
        keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=config.patience, restore_best_weights=True
        ),
        keras.callbacks.TerminateOnNaN(),
    ]
    if progress is not None:
        callbacks.append(_EpochCallback(progress))
    seed_everything(config.seed)
    result = model.fit(
        Batches(xt, yt, config.batch_size, seed=config.seed),
        validation_data=Batches(xv, yv, max(config.batch_size, VALIDATION_BATCH)),
        epochs=config.epochs,
        shuffle=False,  # the epoch order comes from the seed (`Batches`)
        callbacks=callbacks,
        verbose=0,
    )
    history = {key: [_as_float(v) for v in values] for key, values in result.history.items()}
    losses = history.get("loss", [])
    if any(math.isnan(v) or math.isinf(v) for v in losses):
        epoch = next(i for i, v in enumerate(losses, 1) if math.isnan(v) or math.isinf(v))
        raise ConfigError(
            f"model '{config.name}': training diverged (loss is {losses[epoch - 1]} at epoch "
            f"{epoch}); try a lower learning_rate, another optimizer or another loss"
        )
    return history


def predict(model: keras.Model, x: np.ndarray | Windows) -> np.ndarray:
    """Raw model outputs for windows ``x``, shape (samples, units), in one batched call."""
    samples = _windows(x, "windows to predict")
    if len(samples) == 0:
        return np.zeros((0, *model.output_shape[1:]), dtype=np.float32)
    batches = Batches(samples, np.zeros(len(samples), dtype=np.float32), PREDICT_BATCH)
    return np.asarray(model.predict(batches, verbose=0))  # one call, gathered batch by batch
