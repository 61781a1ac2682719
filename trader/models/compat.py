"""Refuse model choices that cannot work, before any training, with one clear message each.

Checked: every name resolves (hidden and output activations, loss, optimizer, metrics); the
preset is for the window label; the output activation fits the number of output units and the
label's range; the loss fits the labels and the output; the metrics fit the label encoding.
Sensible rather than exhaustive: odd but trainable choices (e.g. ``mae`` on 0/1 labels) pass.
"""

from __future__ import annotations

from trader.config import LabelKind, ModelConfig
from trader.errors import ConfigError
from trader.models import activations, losses, metrics, optimizers
from trader.models.encoding import DESCRIPTION
from trader.models.presets import PRESETS, ResolvedModel, preset_for, resolve

_OUTPUT_HINT: dict[str, str] = {
    "binary": "use sigmoid, or label: multiclass",
    "multiclass": "use softmax",
    "regression": "use linear",
    "sign": "use tanh",
}

#: losses that want -1/+1 targets
_SIGN_LOSSES = frozenset({"hinge", "squared_hinge"})
#: losses over a distribution across classes: one-hot targets with >= 2 outputs
_CATEGORICAL_LOSSES = frozenset(
    {
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "categorical_generalized_cross_entropy",
        "categorical_hinge",
        "kl_divergence",
        "sparse_categorical_crossentropy",
    }
)
#: losses for 0/1 targets
_BINARY_LOSSES = frozenset({"binary_crossentropy", "binary_focal_crossentropy", "dice", "tversky"})
#: losses that need targets >= 0
_NON_NEGATIVE_LOSSES = frozenset({"poisson", "mean_squared_logarithmic_error"})
#: losses for other problems (sequences, embeddings)
_OTHER_PROBLEMS: dict[str, str] = {
    "ctc": "is for sequence labelling (speech, handwriting), not one label per window",
    "circle": "is for similarity learning on embeddings, not one label per window",
}


def check_compatible(config: ModelConfig, label: LabelKind, n_classes: int) -> ResolvedModel:
    """Resolve ``config`` for ``label`` labels and refuse incompatible choices (`ConfigError`)."""
    resolved = resolve(config, label, n_classes)
    problem = (
        _preset_problem(config, label)
        or _names_problem(config)
        or _hidden_problem(config)
        or _output_problem(resolved, n_classes)
        or _loss_problem(resolved, n_classes)
        or _metrics_problem(resolved)
    )
    if problem:
        raise ConfigError(f"model '{config.name}': {problem}")
    return resolved


def _preset_problem(config: ModelConfig, label: LabelKind) -> str | None:
    preset = preset_for(config, label)
    if preset.label == label:
        return None
    fits = sorted(p.name for p in PRESETS.values() if p.label == label)
    return (
        f"preset '{preset.name}' is for label '{preset.label}', but the windows have label "
        f"'{label}' (use window.label: {preset.label}, or preset: {' or '.join(fits)})"
    )


def _names_problem(config: ModelConfig) -> str | None:
    try:
        for name in config.hidden_activations():
            activations.canonical(name)
        optimizers.canonical(config.optimizer)
    except ConfigError as err:
        return str(err)
    return None


def _hidden_problem(config: ModelConfig) -> str | None:
    for units, name in zip(config.units, config.hidden_activations(), strict=True):
        act = activations.canonical(name)
        if act in activations.SHAPE_CHANGING and (config.kind == "lstm" or units % 2):
            return (
                f"hidden activation '{act}' halves its units, so it needs a dense layer with an "
                f"even number of units (got {config.kind} with {units})"
            )
    return None


def _output_problem(resolved: ResolvedModel, n_classes: int) -> str | None:
    act, label, units = resolved.output_activation, resolved.label, resolved.units
    hint = _OUTPUT_HINT[label]
    if label == "multiclass" and n_classes < 2:
        return f"label 'multiclass' needs >= 2 classes, got {n_classes}"
    if act in activations.SHAPE_CHANGING:
        return f"'{act}' output changes the number of output units ({hint})"
    if act in activations.ACROSS_UNITS and units < 2:
        return f"{act} output needs >= 2 units, but label '{label}' has {units} output ({hint})"
    if label in ("sign", "regression"):
        wanted = "-1..+1" if label == "sign" else "negative and positive values"
        if act in activations.NON_NEGATIVE:
            return f"{act} output cannot go below 0, but label '{label}' needs {wanted} ({hint})"
        if act in activations.NON_POSITIVE:
            return f"{act} output cannot go above 0, but label '{label}' needs {wanted} ({hint})"
    return None


def _loss_problem(resolved: ResolvedModel, n_classes: int) -> str | None:
    loss, label, act = resolved.loss, resolved.label, resolved.output_activation
    labels = DESCRIPTION[resolved.encoding]
    if loss in _OTHER_PROBLEMS:
        return f"loss '{loss}' {_OTHER_PROBLEMS[loss]}"
    if loss in _SIGN_LOSSES and label != "sign":
        return (
            f"loss '{loss}' needs -1/+1 labels, but label '{label}' gives {labels} "
            "(use label: sign)"
        )
    if loss in _CATEGORICAL_LOSSES and label != "multiclass":
        fix = "binary_crossentropy" if label == "binary" else _default_loss(label)
        return (
            f"loss '{loss}' needs class labels with >= 2 outputs, but label '{label}' has 1 "
            f"output (use loss: {fix}, or label: multiclass)"
        )
    if loss in _BINARY_LOSSES and label not in ("binary", "multiclass"):
        return (
            f"loss '{loss}' needs 0/1 labels, but label '{label}' gives {labels} "
            f"(use loss: {_default_loss(label)})"
        )
    if loss in _NON_NEGATIVE_LOSSES and label in ("sign", "regression"):
        return (
            f"loss '{loss}' needs targets >= 0, but label '{label}' gives {labels} "
            f"(use loss: {_default_loss(label)})"
        )
    if loss in losses.NEEDS_PROBABILITY and act not in activations.PROBABILITY:
        return (
            f"loss '{loss}' compares probabilities, but the {act} output is not in [0, 1] "
            f"({_OUTPUT_HINT[label] if label in ('binary', 'multiclass') else 'use sigmoid'})"
        )
    return None


def _default_loss(label: LabelKind) -> str:
    return PRESETS[label].loss


def _metrics_problem(resolved: ResolvedModel) -> str | None:
    for name in resolved.metrics:
        allowed = metrics.ENCODINGS.get(metrics.canonical(name))
        if allowed is None or resolved.encoding in allowed:
            continue
        wanted = " or ".join(sorted(DESCRIPTION[e] for e in allowed))
        return (
            f"metric '{name}' needs {wanted}, but label '{resolved.label}' gives "
            f"{DESCRIPTION[resolved.encoding]} here (use accuracy)"
        )
    return None
