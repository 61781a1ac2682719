"""Upper bounds of the run options, and the memory one model may take to train.

Every numeric option of a run has finite bounds (see `trader.config.sections` and the table in
docs/reliability.md). Model sizes are bounded twice: per option (`MAX_UNITS`, `MAX_LAYERS`,
`MAX_BATCH`) and together, by an estimate of the memory training needs (`training_bytes`):
weights, gradients and the optimizer's two moment estimates (4 floats per weight) plus one
batch of activations kept for back-propagation, all float32. A config whose estimate exceeds
`MAX_TRAINING_BYTES` is refused before anything is built, instead of ending in an
out-of-memory error from TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trader.config.sections import ModelConfig, WindowConfig

MAX_TICKERS = 1_000
MAX_MODELS = 20
MAX_STRATEGIES = 50
MAX_UNITS = 4_096
MAX_LAYERS = 16
MAX_BATCH = 65_536
MAX_SEED = 2**31 - 1 - MAX_LAYERS  # layer i's dropout is seeded with seed + i (an int32)
MAX_CASH = 1e12
MAX_DAYS = 20_000  # about 80 years of trading days
MAX_TRAINING_BYTES = 2 * 1024**3
MAX_OUTPUTS = 3  # multiclass: down, flat, up

# Columns per feature (trader.research.windows.feature_columns; a test keeps them equal).
FEATURE_WIDTH = {"return": 1, "log_return": 1, "ohlc": 4, "volume_change": 1}
_FLOAT = 4
_STATE_PER_WEIGHT = 4  # the weight, its gradient, Adam's first and second moments


def weight_count(model: ModelConfig, window: WindowConfig) -> int:
    """Trainable weights of ``model`` on ``window``'s inputs (output layer of 3 units)."""
    width = sum(FEATURE_WIDTH[f] for f in window.features)
    if model.kind == "dense":
        inputs, total = window.length * width, 0
        for units in model.units:
            total += inputs * units + units
            inputs = units
    else:
        inputs, total = width, 0
        for units in model.units:
            total += 4 * (units * (inputs + units) + units)
            inputs = units
    return total + inputs * MAX_OUTPUTS + MAX_OUTPUTS


def activation_count(model: ModelConfig, window: WindowConfig) -> int:
    """Floats one training batch keeps for back-propagation (inputs and every layer)."""
    width = sum(FEATURE_WIDTH[f] for f in window.features)
    per_window = window.length * width
    if model.kind == "dense":
        per_window += 2 * sum(model.units)  # pre-activation and activation per layer
    else:
        per_window += window.length * 6 * sum(model.units)  # 4 gates, cell, output per step
    return model.batch_size * per_window


def training_bytes(model: ModelConfig, window: WindowConfig) -> int:
    """Estimated memory to train ``model`` (float32 weights, optimizer state, one batch)."""
    weights = weight_count(model, window) * _STATE_PER_WEIGHT
    return (weights + activation_count(model, window)) * _FLOAT


def check_model_size(model: ModelConfig, window: WindowConfig) -> None:
    """Raise ``ValueError`` (a config error naming the model) when training would not fit."""
    need = training_bytes(model, window)
    if need <= MAX_TRAINING_BYTES:
        return
    raise ValueError(
        f"models.{model.name}: too large to train: about {need / 1024**3:.1f} GiB "
        f"({weight_count(model, window):,} weights, batches of {model.batch_size} windows of "
        f"{window.length} days), at most {MAX_TRAINING_BYTES // 1024**3} GiB; use fewer units "
        "or layers, a smaller batch_size or shorter windows"
    )
