"""Problem presets: the output activation, loss, metrics and label encoding each label kind needs.

Seed 001's table (problem type -> output activation -> loss) plus seed 002's sign task:

=============  ==========  =======  ========================  =====================  ==========
preset         label       output   loss                      metrics                labels
=============  ==========  =======  ========================  =====================  ==========
binary         binary      sigmoid  binary_crossentropy       accuracy, precision,   0/1
                                                              recall, auc, f1
multiclass     multiclass  softmax  categorical_crossentropy  accuracy               one-hot
regression     regression  linear   mse                       mae, rmse              returns
regression01   binary      sigmoid  mse                       accuracy, auc          0/1
sign           sign        tanh     hinge                     accuracy (direction)   -1/+1
=============  ==========  =======  ========================  =====================  ==========

A model config picks a preset with ``preset:`` (default: the preset named like the window
label) and may override ``output_activation``, ``loss`` and ``metrics``. Multiclass models with
``loss: sparse_categorical_crossentropy`` get integer labels instead of one-hot.
"""

from __future__ import annotations

from dataclasses import dataclass

from trader.config import LabelKind, ModelConfig
from trader.errors import ConfigError, unknown
from trader.models import activations, losses, metrics
from trader.models.encoding import Encoding, encoding_for


@dataclass(frozen=True)
class Preset:
    """Defaults for one kind of problem."""

    name: str
    label: LabelKind
    output_activation: str
    loss: str
    metrics: tuple[str, ...]
    description: str


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("binary", "binary", "sigmoid", "binary_crossentropy",
               ("accuracy", "precision", "recall", "auc", "f1"),
               "up or not: sigmoid probability, binary cross-entropy"),
        Preset("multiclass", "multiclass", "softmax", "categorical_crossentropy", ("accuracy",),
               "down / flat / up: softmax probabilities, categorical cross-entropy"),
        Preset("regression", "regression", "linear", "mse", ("mae", "rmse"),
               "the forward return itself: linear output, mean squared error"),
        Preset("regression01", "binary", "sigmoid", "mse", ("accuracy", "auc"),
               "0..1 regression of up (probability): sigmoid output, mean squared error"),
        Preset("sign", "sign", "tanh", "hinge", ("accuracy",),
               "direction as -1/+1: tanh output, hinge loss"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class ResolvedModel:
    """A model config's output side after applying its preset and overrides.

    Names are canonical (``mse`` -> ``mean_squared_error``) except ``metrics``, which keep the
    accepted spelling given (``rmse``) because Keras logs metrics under these names.
    """

    preset: str
    label: LabelKind
    output_activation: str
    loss: str
    metrics: tuple[str, ...]
    units: int
    encoding: Encoding

    @property
    def probability(self) -> bool:
        """Whether the output is a probability in [0, 1] (sigmoid, softmax...)."""
        return self.output_activation in activations.PROBABILITY


def _named(config: ModelConfig, err: ConfigError) -> ConfigError:
    return ConfigError(f"model '{config.name}': {err}")


def preset_for(config: ModelConfig, label: LabelKind) -> Preset:
    """The preset ``config`` names, or the one named like ``label``."""
    name = config.preset or label
    preset = PRESETS.get(name.strip().lower().replace("-", "_"))
    if preset is None:
        raise _named(config, unknown("preset", name, PRESETS))
    return preset


def resolve(config: ModelConfig, label: LabelKind, n_classes: int) -> ResolvedModel:
    """Apply the preset, then the explicit overrides of ``config``; unknown names raise."""
    preset = preset_for(config, label)
    try:
        output = activations.canonical(config.output_activation or preset.output_activation)
        loss = losses.canonical(config.loss or preset.loss)
        names = preset.metrics if config.metrics is None else tuple(config.metrics)
        metric_names = tuple(metrics.REGISTRY.lookup(m).name for m in names)
    except ConfigError as err:
        raise _named(config, err) from None
    return ResolvedModel(
        preset=preset.name,
        label=label,
        output_activation=output,
        loss=loss,
        metrics=metric_names,
        units=n_classes if label == "multiclass" else 1,
        encoding=encoding_for(label, loss),
    )
