"""Prediction quality scores in plain NumPy: direction hit rate, classification and regression.

Conventions shared by every function here:

- "up" means strictly greater than 0: a score of 0 (or below) is a call "not up", and a realized
  return of exactly 0 counts as "not up". So a zero score on a zero return is a hit.
- Ratios with an empty denominator (precision with no positive predictions, recall with no
  positive labels, F1 when both are 0) are 0.0, as scikit-learn's ``zero_division`` default.
- AUC is None when it is undefined: no probabilities/scores given, or only one class present.
- Empty inputs give NaN for averages (hit rate, accuracy, MAE...).

Inputs are array-likes of one value per sample; mismatched lengths raise `ValueError`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

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


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else 0.0


def hit_rate(score: ArrayLike, realized_return: ArrayLike) -> float:
    """Share of samples whose predicted direction matches the realized one.

    The predicted direction is "up" when ``score > 0``; the realized direction is "up" when
    ``realized_return > 0``. Zeros count as "not up" on both sides (see the module notes).
    NaN for no samples.
    """
    s, r = _pair(score, realized_return, ("score", "realized_return"))
    return _mean(((s > 0) == (r > 0)).astype(np.float64))


def average_ranks(values: ArrayLike) -> np.ndarray:
    """1-based ranks of ``values`` with ties given the average of the ranks they span."""
    x = _vector(values, "values")
    order = np.argsort(x, kind="mergesort")
    ordered = x[order]
    starts_group = np.r_[True, ordered[1:] != ordered[:-1]] if len(x) else np.zeros(0, bool)
    starts = np.flatnonzero(starts_group)
    ends = np.r_[starts[1:], len(x)]
    group_rank = (starts + ends + 1) / 2.0  # mean of ranks starts+1 .. ends
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = group_rank[np.cumsum(starts_group) - 1]
    return ranks


def roc_auc(y_true01: ArrayLike, score: ArrayLike) -> float | None:
    """Area under the ROC curve via the Mann-Whitney U statistic (ties count one half).

    The probability that a random positive sample scores higher than a random negative one.
    None when only one class is present.
    """
    y, s = _pair(y_true01, score, ("y_true", "score"))
    positive = y > 0.5
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = average_ranks(s)
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


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
    tp = float((truth & pred).sum())
    precision = _ratio(tp, float(pred.sum()))
    recall = _ratio(tp, float(truth.sum()))
    return {
        "accuracy": _mean((truth == pred).astype(np.float64)),
        "precision": precision,
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
        "auc": None if prob is None else roc_auc(y, _pair(y, prob, ("y_true", "prob"))[1]),
    }


def regression_scores(y_true: ArrayLike, y_pred: ArrayLike) -> dict[str, float]:
    """MAE, RMSE and directional accuracy (`hit_rate` of ``y_pred`` against ``y_true``)."""
    t, p = _pair(y_true, y_pred, ("y_true", "y_pred"))
    err = p - t
    mse = _mean(err**2)
    return {
        "mae": _mean(np.abs(err)),
        "rmse": math.sqrt(mse) if not math.isnan(mse) else math.nan,
        "directional_accuracy": hit_rate(p, t),
    }


def multiclass_scores(
    y_true: ArrayLike, y_pred: ArrayLike, labels: Sequence[int] | None = None
) -> dict[str, float]:
    """Accuracy and macro-averaged precision, recall and F1 of integer class predictions.

    Macro averages weigh every class in ``labels`` equally (default: the classes present in
    ``y_true`` or ``y_pred``, as scikit-learn); a class's empty ratios count as 0.
    """
    t, p = _pair(y_true, y_pred, ("y_true", "y_pred"))
    t, p = t.astype(np.int64), p.astype(np.int64)
    classes = np.unique(np.r_[t, p]) if labels is None else np.asarray(list(labels), np.int64)
    precisions, recalls, f1s = [], [], []
    for c in classes:
        tp = float(((t == c) & (p == c)).sum())
        prec, rec = _ratio(tp, float((p == c).sum())), _ratio(tp, float((t == c).sum()))
        precisions.append(prec)
        recalls.append(rec)
        f1s.append(_ratio(2 * prec * rec, prec + rec))
    return {
        "accuracy": _mean((t == p).astype(np.float64)),
        "precision": _mean(np.asarray(precisions)),
        "recall": _mean(np.asarray(recalls)),
        "f1": _mean(np.asarray(f1s)),
    }
