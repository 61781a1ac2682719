"""One compiled model per configuration, reset to its freshly built state for every fold.

Building and compiling a Keras model is cheap; tracing its train, test and predict functions
is not (about 2 s per model on a small CPU, more than training a small model for a few
epochs). `FreshModel` builds the model once, creates the optimizer's variables, and snapshots
every model and optimizer variable (weights, optimizer slots and step counter, dropout seed
state). `fresh()` restores that snapshot, so each fold trains a model in exactly the state a
new build would have, while the traced functions are reused. `FreshModels` keeps one per
configuration for a caller that trains the same configuration on several window sets (the
leakage audit: real and perturbed prices).
"""

from __future__ import annotations

import keras
import numpy as np

from trader.config import LabelKind, ModelConfig
from trader.models.builders import build_model


class FreshModel:
    """A compiled model that `fresh()` returns reset to its initial state."""

    def __init__(
        self, config: ModelConfig, input_shape: tuple[int, int], label: LabelKind, n_classes: int
    ) -> None:
        self.model = build_model(config, input_shape, label, n_classes)
        self.model.optimizer.build(self.model.trainable_variables)
        self._variables = [*self.model.variables, *self.model.optimizer.variables]
        self._initial = [np.array(v.numpy(), copy=True) for v in self._variables]

    def fresh(self) -> keras.Model:
        """The model with every variable back at its value right after building."""
        for variable, value in zip(self._variables, self._initial, strict=True):
            variable.assign(value)
        return self.model


class FreshModels:
    """`FreshModel`s by configuration, owned by the caller that reuses them.

    Training options that do not change the built model (epochs, patience, batch size) are not
    part of the key, so a configuration trained for fewer epochs reuses the same model.
    """

    def __init__(self) -> None:
        self._built: dict[str, FreshModel] = {}

    def get(
        self, config: ModelConfig, input_shape: tuple[int, int], label: LabelKind, n_classes: int
    ) -> FreshModel:
        build = config.model_dump(mode="json", exclude={"epochs", "patience", "batch_size"})
        key = repr((sorted(build.items()), tuple(input_shape), label, n_classes))
        if key not in self._built:
            self._built[key] = FreshModel(config, input_shape, label, n_classes)
        return self._built[key]
