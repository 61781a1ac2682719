"""Build and compile a Keras model from a `ModelConfig` for windows of shape (length, features).

- ``dense``: Flatten, then per hidden layer ``Dense(units[i], activation[i])`` + ``Dropout``
- ``lstm``: stacked ``LSTM(units[i], activation=activation[i])`` (all but the last return
  sequences) + ``Dropout``

then the output ``Dense`` of the resolved preset, compiled with the optimizer at the configured
learning rate, the resolved loss and fresh metric objects. Weights are initialized from
``config.seed``, so the same config builds the same model. Every initializer gets its own seed
(`initializer_seed`): Keras's unseeded initializers draw theirs from Python's global `random`,
which other threads of the process (Dask's event loop) also draw from, so the same seed could
build different weights on a Dask worker.
"""

from __future__ import annotations

import re

import keras
import numpy as np

from trader.config import LabelKind, ModelConfig
from trader.models.compat import check_compatible
from trader.models.registry import get_activation, get_loss, get_metric, get_optimizer
from trader.models.seeding import seed_everything

_LAYER_NAME = re.compile(r"[^A-Za-z0-9_.\-]")


def initializer_seed(seed: int, layer: int, role: int) -> int:
    """An independent int32 seed, derived from the model's seed, for one random part of hidden
    layer ``layer`` (the output layer is ``-1``); ``role``: 0 kernel, 1 recurrent kernel, 2 an
    LSTM's own dropout."""
    state = np.random.SeedSequence([seed, layer + 1, role]).generate_state(1)[0]
    return int(state % (2**31 - 1))


def _glorot(seed: int, layer: int) -> keras.initializers.Initializer:
    return keras.initializers.GlorotUniform(seed=initializer_seed(seed, layer, 0))


def build_model(
    config: ModelConfig, input_shape: tuple[int, int], label: LabelKind, n_classes: int
) -> keras.Model:
    """A compiled model mapping windows ``(length, features)`` to the label's outputs.

    Raises `ConfigError` for incompatible choices (see `check_compatible`).
    """
    resolved = check_compatible(config, label, n_classes)
    length, features = input_shape
    if length < 1 or features < 1:
        raise ValueError(f"input_shape must be positive (length, features), got {input_shape}")
    seed_everything(config.seed)
    inputs = keras.Input(shape=(length, features), name="window")
    x = inputs
    hidden = list(zip(config.units, config.hidden_activations(), strict=True))
    if config.kind == "dense":
        x = keras.layers.Flatten(name="flatten")(x)
    for i, (units, activation) in enumerate(hidden):
        if config.kind == "dense":
            layer: keras.layers.Layer = keras.layers.Dense(
                units,
                activation=get_activation(activation),
                kernel_initializer=_glorot(config.seed, i),
                name=f"dense_{i}",
            )
        else:
            layer = keras.layers.LSTM(
                units,
                activation=get_activation(activation),
                return_sequences=i < len(hidden) - 1,
                kernel_initializer=_glorot(config.seed, i),
                recurrent_initializer=keras.initializers.Orthogonal(
                    seed=initializer_seed(config.seed, i, 1)
                ),
                seed=initializer_seed(config.seed, i, 2),  # its dropout's seed generator
                name=f"lstm_{i}",
            )
        x = layer(x)
        if config.dropout > 0:
            x = keras.layers.Dropout(config.dropout, seed=config.seed + i, name=f"dropout_{i}")(x)
    outputs = keras.layers.Dense(
        resolved.units,
        activation=get_activation(resolved.output_activation),
        kernel_initializer=_glorot(config.seed, -1),
        name="output",
    )(x)
    model = keras.Model(inputs, outputs, name=_LAYER_NAME.sub("_", config.name) or "model")
    model.compile(
        optimizer=get_optimizer(config.optimizer, config.learning_rate),
        loss=get_loss(resolved.loss),
        metrics=[
            get_metric(m, encoding=resolved.encoding, n_classes=n_classes) for m in resolved.metrics
        ],
    )
    return model
