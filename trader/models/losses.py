"""Loss functions by name: every loss class in ``keras.losses`` plus Keras 2 names.

Each name makes a fresh instance of a built-in Keras loss class, so saved models reload without
custom objects. Keras 2 names that Keras 3 dropped map to their successors: ``cosine_proximity``
to ``CosineSimilarity`` and ``logcosh`` to ``LogCosh``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import keras

from trader.models.lookup import Registry, normalize, snake

LossFactory = Callable[[], keras.losses.Loss]

_NOT_LOSSES = frozenset({"Loss"})

#: canonical name -> extra accepted spellings (Keras 2 names and abbreviations)
ALIASES: dict[str, tuple[str, ...]] = {
    "mean_squared_error": ("mse",),
    "mean_absolute_error": ("mae",),
    "mean_absolute_percentage_error": ("mape",),
    "mean_squared_logarithmic_error": ("msle",),
    "kl_divergence": ("kld", "kullback_leibler_divergence"),
    "cosine_similarity": ("cosine_proximity", "cosine"),
    "log_cosh": ("logcosh",),
    "huber": ("huber_loss",),
}

#: losses that compare probabilities: the output activation must give values in [0, 1]
NEEDS_PROBABILITY = frozenset(
    {
        "binary_crossentropy",
        "binary_focal_crossentropy",
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "categorical_generalized_cross_entropy",
        "sparse_categorical_crossentropy",
        "kl_divergence",
        "poisson",
        "dice",
        "tversky",
    }
)


def _build() -> Registry[LossFactory]:
    registry: Registry[LossFactory] = Registry("loss")
    functions = {
        normalize(name): name
        for name, obj in vars(keras.losses).items()
        if not name.startswith("_") and inspect.isfunction(obj)
    }
    for name in sorted(dir(keras.losses)):
        cls = getattr(keras.losses, name)
        if name in _NOT_LOSSES or not inspect.isclass(cls):
            continue
        if not issubclass(cls, keras.losses.Loss):
            continue
        canonical = functions.get(normalize(name), snake(name))
        registry.add(canonical, cls, ALIASES.get(canonical, ()))
    return registry


REGISTRY = _build()


def get(name: str) -> keras.losses.Loss:
    """A fresh Keras loss object for ``name`` (``mse``, ``BinaryCrossentropy``, ``logcosh``...)."""
    return REGISTRY.lookup(name).factory()


def canonical(name: str) -> str:
    """The canonical name of loss ``name`` (``mse`` -> ``mean_squared_error``)."""
    return REGISTRY.lookup(name).canonical
