"""Raw model outputs to one direction score per sample, roughly in [-1, 1] (> 0 means "up").

- binary / regression01 (0/1 labels): ``2p - 1`` of the predicted probability of "up"
- multiclass: ``p_up - p_down`` (last class minus first: 0 = down, n-1 = up)
- sign: the tanh output itself
- regression: the predicted return itself (not clipped; small, but not bounded)
"""

from __future__ import annotations

import numpy as np

from trader.config import LabelKind, ModelConfig
from trader.models.presets import ResolvedModel, resolve


def _resolved(
    model: ModelConfig | ResolvedModel, label: LabelKind, n_classes: int
) -> ResolvedModel:
    return model if isinstance(model, ResolvedModel) else resolve(model, label, n_classes)


def _columns(raw: np.ndarray) -> np.ndarray:
    arr = np.asarray(raw, dtype=np.float64)
    return arr.reshape(len(arr), -1)


def to_score(
    raw: np.ndarray, model: ModelConfig | ResolvedModel, label: LabelKind, n_classes: int
) -> np.ndarray:
    """One direction score per sample from raw outputs ``raw`` of the model ``model`` describes.

    ``model`` is the model's config (resolved here) or an already `ResolvedModel`. Scores of
    classification and sign models are clipped to [-1, 1]; regression scores are returns.
    """
    resolved = _resolved(model, label, n_classes)
    out = _columns(raw)
    if resolved.encoding in ("onehot", "sparse"):
        if out.shape[1] < 2:
            raise ValueError(f"multiclass outputs need >= 2 columns, got {out.shape[1]}")
        return np.asarray(np.clip(out[:, -1] - out[:, 0], -1.0, 1.0), dtype=np.float64)
    if out.shape[1] != 1:
        raise ValueError(f"label '{resolved.label}' outputs need 1 column, got {out.shape[1]}")
    value = out[:, 0]
    if resolved.encoding == "binary":
        value = 2.0 * value - 1.0
    if resolved.encoding in ("binary", "sign"):
        value = np.clip(value, -1.0, 1.0)
    return np.asarray(value, dtype=np.float64)


def class_probability(
    raw: np.ndarray, model: ModelConfig | ResolvedModel, label: LabelKind, n_classes: int
) -> np.ndarray | None:
    """The predicted probability of "up" per sample, or None when the output is not one.

    Available for 0/1 labels with a probability output (binary, regression01) and for
    multiclass probability outputs (probability of the last class, "up").
    """
    resolved = _resolved(model, label, n_classes)
    if not resolved.probability:
        return None
    out = _columns(raw)
    if resolved.encoding == "binary":
        return out[:, 0]
    if resolved.encoding in ("onehot", "sparse"):
        return out[:, -1]
    return None
