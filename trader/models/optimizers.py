"""Optimizers by name: every optimizer class in ``keras.optimizers``, made with a learning rate.

Wrappers that need another optimizer (``LossScaleOptimizer``, ``MultiOptimizer``) and the
abstract base ``Optimizer`` cannot be made from a name and learning rate alone and are left out.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import keras

from trader.models.lookup import Registry

OptimizerFactory = Callable[..., keras.optimizers.Optimizer]

#: abstract base and wrappers around other optimizers
EXCLUDED = frozenset({"Optimizer", "LossScaleOptimizer", "MultiOptimizer", "OptimizerMap"})

#: class name -> canonical name where the lower-case class name reads badly
_CANONICAL = {"ScheduleFreeAdamW": "schedule_free_adamw"}

ALIASES: dict[str, tuple[str, ...]] = {
    "sgd": ("stochastic_gradient_descent",),
}


def _build() -> Registry[OptimizerFactory]:
    registry: Registry[OptimizerFactory] = Registry("optimizer")
    for name in sorted(dir(keras.optimizers)):
        cls = getattr(keras.optimizers, name)
        if name in EXCLUDED or not inspect.isclass(cls):
            continue
        if not issubclass(cls, keras.optimizers.Optimizer):
            continue
        canonical = _CANONICAL.get(name, name.lower())
        registry.add(canonical, cls, ALIASES.get(canonical, ()))
    return registry


REGISTRY = _build()


def get(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """A fresh Keras optimizer ``name`` (``adam``, ``RMSprop``...) at ``learning_rate``."""
    return REGISTRY.lookup(name).factory(learning_rate=learning_rate)


def canonical(name: str) -> str:
    """The canonical name of optimizer ``name`` (``RMSprop`` -> ``rmsprop``)."""
    return REGISTRY.lookup(name).canonical
