"""Activation functions by name: every function in ``keras.activations`` plus Keras 2 aliases.

Keras 3's own ``keras.activations.get`` does not find custom registered objects by string, so
this table is consulted first. ``threshold`` needs two arguments in Keras; here it is a
registered wrapper with defaults (``x if x > 0 else 0``) so it can be named and saved.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from trader.models.lookup import Registry, serializable

Activation = Callable[..., Any]

_NOT_ACTIVATIONS = frozenset({"get", "serialize", "deserialize"})

#: canonical name -> extra accepted spellings (Keras 2 names and common variants)
ALIASES: dict[str, tuple[str, ...]] = {
    "linear": ("identity", "none"),
    "silu": ("sigmoid_linear_unit",),
    "leaky_relu": ("lrelu",),
    "hard_sigmoid": ("hardsigmoid",),
}

#: output range of activations whose range is not the whole real line (for compatibility checks)
PROBABILITY = frozenset({"sigmoid", "hard_sigmoid", "sparse_sigmoid", "softmax", "sparsemax"})
NON_NEGATIVE = PROBABILITY | frozenset(
    {"relu", "relu6", "softplus", "sparse_plus", "squareplus", "exponential", "threshold"}
)
NON_POSITIVE = frozenset({"log_sigmoid", "log_softmax"})
#: activations that normalize over the output units, meaningless on a single unit
ACROSS_UNITS = frozenset({"softmax", "log_softmax", "sparsemax"})
#: activations that change the number of units (``glu`` halves it)
SHAPE_CHANGING = frozenset({"glu"})


@serializable("threshold")
def threshold(x: Any, threshold: float = 0.0, default_value: float = 0.0) -> Any:
    """``keras.activations.threshold`` with defaults: ``x`` where ``x > threshold``, else 0."""
    return keras.activations.threshold(x, threshold, default_value)


def _returning(fn: Activation) -> Callable[[], Activation]:
    return lambda: fn


def _build() -> Registry[Callable[[], Activation]]:
    registry: Registry[Callable[[], Activation]] = Registry("activation")
    for name in sorted(dir(keras.activations)):
        fn = getattr(keras.activations, name)
        if name.startswith("_") or name in _NOT_ACTIVATIONS or not inspect.isfunction(fn):
            continue
        if name == "threshold":
            fn = threshold
        registry.add(name, _returning(fn), ALIASES.get(name, ()))
    return registry


REGISTRY = _build()


def get(name: str) -> Activation:
    """The activation function called ``name`` (a Keras function, usable as ``activation=``)."""
    return REGISTRY.lookup(name).factory()


def canonical(name: str) -> str:
    """The canonical name of activation ``name`` (``LeakyReLU`` -> ``leaky_relu``)."""
    return REGISTRY.lookup(name).canonical


def hidden_activations() -> list[str]:
    """The canonical activations usable on hidden layers element-wise (the lab sweeps these):
    every one but those that normalize across units or change their number."""
    return [n for n in REGISTRY.canonical_names() if n not in ACROSS_UNITS | SHAPE_CHANGING]


def curves(x: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each hidden activation's values and derivative at the points ``x`` (a 1-d array),
    the derivative by TensorFlow's automatic differentiation (seed 001's charts)."""
    points = tf.constant(np.asarray(x, dtype=np.float32))
    out = {}
    for name in hidden_activations():
        function = get(name)
        with tf.GradientTape() as tape:
            tape.watch(points)
            values = function(points)
        slope = tape.gradient(values, points)
        out[name] = (np.asarray(values), np.asarray(slope))
    return out
