"""Prediction quality scores: direction hit rate, classification and regression (scikit-learn).

Conventions shared by every function here:

- "up" means strictly greater than 0: a score of 0 (or below) is a call "not up", and a realized
  return of exactly 0 counts as "not up". So a zero score on a zero return is a hit.
- Ratios with an empty denominator (precision with no positive predictions, recall with no
  positive labels, F1 when both are 0) are 0.0 (scikit-learn's ``zero_division=0``).
- AUC is None when it is undefined: no probabilities/scores given, or only one class present.
- Empty inputs give NaN for averages (hit rate, accuracy, MAE...).

Inputs are array-likes of one value per sample; mismatched lengths raise `ValueError`. The
scores themselves are `sklearn.metrics`; this module fixes the conventions around them.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from sklearn import metrics as skm

ArrayLike = npt.ArrayLike


def _vector(values: ArrayLike, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0:
        raise ValueError(f"{what}: expected one value per sample, got a single number")
    if arr.ndim > 1:
        if arr.size != len(arr):
            raise ValueError(f"{what}: expected one value per sample, got shape {arr.shape}")
        arr = arr.reshape(-1)
    return arr


def _pair(a: ArrayLike, b: ArrayLike, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    x, y = _vector(a, names[0]), _vector(b, names[1])
    if len(x) != len(y):
        raise ValueError(f"{names[0]} has {len(x)} values but {names[1]} has {len(y)}")
    return x, y


def hit_rate(score: ArrayLike, realized_return: ArrayLike) -> float:
    """Share of samples whose predicted direction matches the realized one.

    The predicted direction is "up" when ``score > 0``; the realized direction is "up" when
    ``realized_return > 0``. Zeros count as "not up" on both sides (see the module notes).
    NaN for no samples.
    """
    s, r = _pair(score, realized_return, ("score", "realized_return"))
    return float(skm.accuracy_score(r > 0, s > 0)) if len(s) else math.nan


def roc_auc(y_true01: ArrayLike, score: ArrayLike) -> float | None:
    """Area under the ROC curve: the chance that a random positive sample scores higher than a
    random negative one (ties count one half). None when only one class is present."""
    y, s = _pair(y_true01, score, ("y_true", "score"))
    positive = y > 0.5
    if positive.all() or not positive.any():
        return None
    return float(skm.roc_auc_score(positive, s))


def classification_scores(
    y_true01: ArrayLike, pred01: ArrayLike, prob: ArrayLike | None = None
) -> dict[str, float | None]:
    """Accuracy, precision, recall, F1 of 0/1 predictions, and AUC of ``prob`` (scores).

    ``pred01`` holds predicted classes (values > 0.5 count as 1); ``prob`` any score that ranks
    samples by how likely they are positive (a probability, or a direction score). Returns keys
    ``accuracy``, ``precision``, ``recall``, ``f1``, ``auc`` (None without ``prob`` or with one
    class only).
    """
    y, p = _pair(y_true01, pred01, ("y_true", "pred"))
    truth, pred = y > 0.5, p > 0.5
    if not len(y):
        return {"accuracy": math.nan, "precision": 0.0, "recall": 0.0, "f1": 0.0, "auc": None}
    precision, recall, f1, _ = skm.precision_recall_fscore_support(
        truth, pred, average="binary", pos_label=True, zero_division=0
    )
    return {
        "accuracy": float(skm.accuracy_score(truth, pred)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "auc": None if prob is None else roc_auc(y, _pair(y, prob, ("y_true", "prob"))[1]),
    }


def regression_scores(y_true: ArrayLike, y_pred: ArrayLike) -> dict[str, float]:
    """MAE, RMSE and directional accuracy (`hit_rate` of ``y_pred`` against ``y_true``)."""
    t, p = _pair(y_true, y_pred, ("y_true", "y_pred"))
    if not len(t):
        return {"mae": math.nan, "rmse": math.nan, "directional_accuracy": math.nan}
    return {
        "mae": float(skm.mean_absolute_error(t, p)),
        "rmse": float(skm.root_mean_squared_error(t, p)),
        "directional_accuracy": hit_rate(p, t),
    }
