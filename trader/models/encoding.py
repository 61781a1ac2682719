"""How labels are given to a model: the encoding a label kind and loss call for.

Labels arrive as: binary 0/1 ints, multiclass ints ``0..n-1`` (0 = down, 1 = flat, 2 = up),
regression floats (the forward return), sign -1/+1. Encodings:

- ``binary``: one column of 0.0/1.0 (sigmoid outputs, ``regression01`` too)
- ``onehot``: ``n_classes`` columns, one 1.0 per row (softmax + categorical losses)
- ``sparse``: the class index as an int (``sparse_categorical_crossentropy``)
- ``sign``: one column of -1.0/+1.0 (tanh + hinge)
- ``value``: one column of floats (regression)
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from trader.config import LabelKind
from trader.errors import DataError

Encoding = Literal["binary", "onehot", "sparse", "sign", "value"]

#: what the encodings mean, for messages
DESCRIPTION: dict[str, str] = {
    "binary": "0/1 labels",
    "onehot": "one-hot class labels",
    "sparse": "integer class labels",
    "sign": "-1/+1 labels",
    "value": "real-valued returns",
}


def encoding_for(label: LabelKind, loss: str) -> Encoding:
    """The encoding of ``label`` labels for the canonical ``loss`` name."""
    if label == "binary":
        return "binary"
    if label == "multiclass":
        return "sparse" if loss == "sparse_categorical_crossentropy" else "onehot"
    if label == "sign":
        return "sign"
    return "value"


def encode_labels(y: np.ndarray, encoding: Encoding, n_classes: int) -> np.ndarray:
    """Labels ``y`` (one per sample) in the form the model trains on; `DataError` if invalid."""
    y = np.asarray(y)
    if y.ndim != 1:
        y = y.reshape(len(y), -1)
        if y.shape[1] != 1:
            raise DataError(f"labels: expected one label per sample, got shape {y.shape}")
        y = y[:, 0]
    values = y.astype(np.float64)
    if np.isnan(values).any():
        raise DataError(f"labels: {int(np.isnan(values).sum())} missing labels (NaN)")
    if encoding == "value":
        return values.astype(np.float32).reshape(-1, 1)
    if encoding == "binary":
        _check_values(values, (0.0, 1.0), "binary labels must be 0 or 1")
        return values.astype(np.float32).reshape(-1, 1)
    if encoding == "sign":
        _check_values(values, (-1.0, 1.0), "sign labels must be -1 or +1")
        return values.astype(np.float32).reshape(-1, 1)
    _check_values(
        values,
        tuple(float(c) for c in range(n_classes)),
        f"class labels must be integers 0..{n_classes - 1}",
    )
    classes = values.astype(np.int64)
    if encoding == "sparse":
        return classes.astype(np.int32)
    return np.eye(n_classes, dtype=np.float32)[classes]


def _check_values(values: np.ndarray, allowed: tuple[float, ...], message: str) -> None:
    bad = ~np.isin(values, allowed)
    if bad.any():
        raise DataError(f"labels: {message}, got {float(values[bad][0]):g} ({int(bad.sum())} such)")
