"""Metrics by name: every metric in ``keras.metrics`` plus Keras 2 names, fresh per model.

Some metrics depend on how labels are encoded, so `get` takes the encoding and class count:

- ``accuracy`` (also Keras' ``Accuracy``) is the accuracy that fits the labels: binary accuracy
  at 0.5 for 0/1 labels, categorical or sparse categorical accuracy for classes, and the share
  of correct directions (sign of prediction = sign of label) for -1/+1 labels and returns.
  Keras' exact-match ``Accuracy`` class is available as ``exact_accuracy``.
- ``f1``/``fbeta`` use ``average="micro", threshold=0.5`` on one 0/1 column (the F1 of "up")
  and ``average="macro"`` on one-hot classes, so they log one number.
- Metrics with required arguments get defaults: ``*_at_*`` at 0.5, IoU over all classes,
  top-k with ``k = min(5, n_classes - 1)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import keras

from trader.models.encoding import Encoding
from trader.models.lookup import Registry, normalize, serializable, snake

MetricFactory = Callable[[str, Encoding, int], keras.metrics.Metric]

#: abstract base and aggregators of plain values (not ``(y_true, y_pred)`` metrics)
EXCLUDED = frozenset({"Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy"})

_CANONICAL = {
    "AUC": "auc",
    "BinaryIoU": "binary_iou",
    "IoU": "iou",
    "MeanIoU": "mean_iou",
    "OneHotIoU": "one_hot_iou",
    "OneHotMeanIoU": "one_hot_mean_iou",
    "F1Score": "f1_score",
    "FBetaScore": "fbeta_score",
    "R2Score": "r2_score",
    "LogCoshError": "log_cosh_error",
}

ALIASES: dict[str, tuple[str, ...]] = {
    "accuracy": ("acc",),
    "mean_squared_error": ("mse",),
    "mean_absolute_error": ("mae",),
    "mean_absolute_percentage_error": ("mape",),
    "mean_squared_logarithmic_error": ("msle",),
    "root_mean_squared_error": ("rmse",),
    "kl_divergence": ("kld", "kullback_leibler_divergence"),
    "cosine_similarity": ("cosine_proximity", "cosine"),
    "log_cosh_error": ("log_cosh", "logcosh"),
    "f1_score": ("f1",),
    "fbeta_score": ("fbeta", "f_beta"),
    "r2_score": ("r2",),
    "auc": ("roc_auc",),
    "directional_accuracy": ("direction_accuracy", "sign_accuracy"),
    "true_positives": ("tp",),
    "false_positives": ("fp",),
    "true_negatives": ("tn",),
    "false_negatives": ("fn",),
}

CLASS01: frozenset[Encoding] = frozenset({"binary", "onehot"})
#: metrics that only make sense for some label encodings (canonical name -> encodings)
ENCODINGS: dict[str, frozenset[Encoding]] = {
    **{
        name: CLASS01
        for name in (
            "precision", "recall", "auc", "f1_score", "fbeta_score", "true_positives",
            "false_positives", "true_negatives", "false_negatives", "precision_at_recall",
            "recall_at_precision", "sensitivity_at_specificity", "specificity_at_sensitivity",
            "binary_accuracy", "binary_iou", "binary_crossentropy", "binary_focal_crossentropy",
            "kl_divergence",
        )
    },
    **{
        name: frozenset({"onehot"})
        for name in (
            "categorical_accuracy", "top_k_categorical_accuracy", "categorical_crossentropy",
            "categorical_focal_crossentropy", "categorical_hinge", "one_hot_iou",
            "one_hot_mean_iou",
        )
    },
    **{
        name: frozenset({"sparse"})
        for name in (
            "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy",
            "sparse_categorical_crossentropy",
        )
    },
    "iou": frozenset({"onehot", "sparse"}),
    "mean_iou": frozenset({"onehot", "sparse"}),
}  # fmt: skip


@serializable("directional_accuracy")
def directional_accuracy(y_true: Any, y_pred: Any) -> Any:
    """Per sample 1.0 where prediction and label are both > 0 or both <= 0, else 0.0."""
    up_true = keras.ops.greater(keras.ops.cast(y_true, y_pred.dtype), 0)
    up_pred = keras.ops.greater(y_pred, 0)
    return keras.ops.mean(keras.ops.cast(keras.ops.equal(up_true, up_pred), y_pred.dtype), axis=-1)


def _direction(name: str, _encoding: Encoding, _n: int) -> keras.metrics.Metric:
    return keras.metrics.MeanMetricWrapper(directional_accuracy, name=name)


def _accuracy(name: str, encoding: Encoding, n: int) -> keras.metrics.Metric:
    if encoding == "onehot":
        return keras.metrics.CategoricalAccuracy(name=name)
    if encoding == "sparse":
        return keras.metrics.SparseCategoricalAccuracy(name=name)
    if encoding in ("sign", "value"):
        return _direction(name, encoding, n)
    return keras.metrics.BinaryAccuracy(name=name)


def _fscore(cls: type[keras.metrics.Metric]) -> MetricFactory:
    def make(name: str, encoding: Encoding, _n: int) -> keras.metrics.Metric:
        if encoding == "onehot":
            return cls(average="macro", name=name)
        return cls(average="micro", threshold=0.5, name=name)

    return make


def _classes(n: int) -> int:
    return max(n, 2)


def _top_k(n: int) -> int:
    return max(1, min(5, n - 1))


_M = keras.metrics
_SPECIAL: dict[str, MetricFactory] = {
    "F1Score": _fscore(_M.F1Score),
    "FBetaScore": _fscore(_M.FBetaScore),
    "IoU": lambda name, enc, n: _M.IoU(
        num_classes=_classes(n), target_class_ids=list(range(_classes(n))), name=name,
        sparse_y_true=enc != "onehot", sparse_y_pred=False,
    ),
    "MeanIoU": lambda name, enc, n: _M.MeanIoU(
        num_classes=_classes(n), name=name, sparse_y_true=enc != "onehot", sparse_y_pred=False
    ),
    "OneHotIoU": lambda name, enc, n: _M.OneHotIoU(
        num_classes=_classes(n), target_class_ids=list(range(_classes(n))), name=name
    ),
    "OneHotMeanIoU": lambda name, enc, n: _M.OneHotMeanIoU(num_classes=_classes(n), name=name),
    "PrecisionAtRecall": lambda name, enc, n: _M.PrecisionAtRecall(recall=0.5, name=name),
    "RecallAtPrecision": lambda name, enc, n: _M.RecallAtPrecision(precision=0.5, name=name),
    "SensitivityAtSpecificity": lambda name, enc, n: _M.SensitivityAtSpecificity(
        specificity=0.5, name=name
    ),
    "SpecificityAtSensitivity": lambda name, enc, n: _M.SpecificityAtSensitivity(
        sensitivity=0.5, name=name
    ),
    "TopKCategoricalAccuracy": lambda name, enc, n: _M.TopKCategoricalAccuracy(
        k=_top_k(n), name=name
    ),
    "SparseTopKCategoricalAccuracy": lambda name, enc, n: _M.SparseTopKCategoricalAccuracy(
        k=_top_k(n), name=name
    ),
}  # fmt: skip


def _plain(cls: type[keras.metrics.Metric]) -> MetricFactory:
    return lambda name, _enc, _n: cls(name=name)


def _wrapped(fn: Callable[..., Any]) -> MetricFactory:
    return lambda name, _enc, _n: keras.metrics.MeanMetricWrapper(fn, name=name)


def _build() -> Registry[MetricFactory]:
    registry: Registry[MetricFactory] = Registry("metric")
    registry.add("accuracy", _accuracy, ALIASES["accuracy"])
    registry.add("exact_accuracy", _plain(keras.metrics.Accuracy))
    registry.add("directional_accuracy", _direction, ALIASES["directional_accuracy"])
    functions = {
        name: obj
        for name, obj in vars(keras.metrics).items()
        if not name.startswith("_")
        and inspect.isfunction(obj)
        and name not in ("get", "serialize", "deserialize")
    }
    by_key = {normalize(name): name for name in functions}
    for name in sorted(dir(keras.metrics)):
        cls = getattr(keras.metrics, name)
        if name in EXCLUDED or not inspect.isclass(cls):
            continue
        if not issubclass(cls, keras.metrics.Metric):
            continue
        canonical = _CANONICAL.get(name) or by_key.get(normalize(name)) or snake(name)
        registry.add(canonical, _SPECIAL.get(name) or _plain(cls), ALIASES.get(canonical, ()))
    for name, fn in sorted(functions.items()):
        if name not in registry:  # functions without a metric class, e.g. huber
            registry.add(name, _wrapped(fn), ALIASES.get(name, ()))
    return registry


REGISTRY = _build()


def get(name: str, *, encoding: Encoding = "binary", n_classes: int = 2) -> keras.metrics.Metric:
    """A fresh Keras metric ``name`` for labels in ``encoding``, logged under its spelling here.

    ``name`` may be any accepted spelling (``f1``, ``F1Score``, ``rmse``...); the metric is
    named after the snake-case spelling it matched, e.g. ``f1`` logs as ``f1`` / ``val_f1``.
    """
    entry = REGISTRY.lookup(name)
    return entry.factory(entry.name, encoding, n_classes)


def canonical(name: str) -> str:
    """The canonical name of metric ``name`` (``rmse`` -> ``root_mean_squared_error``)."""
    return REGISTRY.lookup(name).canonical
