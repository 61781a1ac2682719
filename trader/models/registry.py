"""One front door to the per-concept registries: look objects up by name, list the names.

Names are matched case-insensitively, ignoring ``_``/``-`` (so CamelCase class names work too).
Unknown names raise `ConfigError` with a "did you mean" hint. Every call returns a fresh object
where Keras objects hold state (losses, optimizers, metrics).
"""

from __future__ import annotations

from typing import Any, Literal

import keras

from trader.errors import unknown
from trader.models import activations, losses, metrics, optimizers
from trader.models.activations import Activation
from trader.models.encoding import Encoding
from trader.models.lookup import Registry

Kind = Literal["activation", "loss", "optimizer", "metric"]

_REGISTRIES: dict[str, Registry[Any]] = {
    "activation": activations.REGISTRY,
    "loss": losses.REGISTRY,
    "optimizer": optimizers.REGISTRY,
    "metric": metrics.REGISTRY,
}


def get_activation(name: str) -> Activation:
    """The activation function ``name`` (``relu``, ``LeakyReLU``, ``swish``...)."""
    return activations.get(name)


def get_loss(name: str) -> keras.losses.Loss:
    """A fresh loss object ``name`` (``mse``, ``binary_crossentropy``, ``cosine_proximity``...)."""
    return losses.get(name)


def get_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """A fresh optimizer ``name`` (``adam``, ``rmsprop``, ``sgd``...) at ``learning_rate``."""
    return optimizers.get(name, learning_rate)


def get_metric(
    name: str, *, encoding: Encoding = "binary", n_classes: int = 2
) -> keras.metrics.Metric:
    """A fresh metric ``name`` (``accuracy``, ``auc``, ``f1``, ``rmse``...) for ``encoding``."""
    return metrics.get(name, encoding=encoding, n_classes=n_classes)


def _registry(kind: str) -> Registry[Any]:
    try:
        return _REGISTRIES[kind]
    except KeyError:
        raise unknown("kind", kind, _REGISTRIES) from None


def names(kind: Kind) -> list[str]:
    """Every accepted name of ``kind`` (canonical snake-case names and aliases), sorted."""
    return _registry(kind).names()


def canonical_name(kind: Kind, name: str) -> str:
    """The canonical name ``name`` resolves to (``mse`` -> ``mean_squared_error``)."""
    return _registry(kind).lookup(name).canonical
