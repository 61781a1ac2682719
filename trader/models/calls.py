"""Raw model outputs to a call in the label's own terms: ``up``, ``down`` (and ``flat``).

- binary / regression01: ``up`` when the probability of up is above 0.5, else ``down``
- multiclass: the most probable class (0 down, 1 flat, 2 up)
- sign / regression: ``up`` when the output is above 0, else ``down``

Live signals store this call so that reconciliation can say hit or miss in the terms the model
was trained on (a multiclass model that says "flat" is right when the move stayed flat).
"""

from __future__ import annotations

import numpy as np

from trader.config import LabelKind, ModelConfig
from trader.models.presets import resolve

CLASS_NAMES = ("down", "flat", "up")


def to_calls(raw: np.ndarray, config: ModelConfig, label: LabelKind, n_classes: int) -> np.ndarray:
    """One call (``"up"``, ``"down"`` or ``"flat"``) per sample of raw outputs ``raw``."""
    resolved = resolve(config, label, n_classes)
    out = np.asarray(raw, dtype=np.float64).reshape(len(raw), -1)
    if resolved.encoding in ("onehot", "sparse"):
        names = np.array(CLASS_NAMES if out.shape[1] == 3 else ("down", "up"), dtype=object)
        return np.asarray(names[np.argmax(out, axis=1)], dtype=object)
    threshold = 0.5 if resolved.encoding == "binary" else 0.0
    return np.where(out[:, 0] > threshold, "up", "down").astype(object)
