"""Keras models on price windows: names, presets, building, training, scoring, saving.

The only package of trader that imports Keras/TensorFlow. Modules, one concept each:

- `registry` (with `activations`, `losses`, `optimizers`, `metrics`): objects by name
- `presets`: output activation, loss, metrics and label encoding per label kind
- `compat`: refuse incompatible choices before training
- `builders`: a compiled dense or LSTM model from a `ModelConfig`
- `feed`: samples as windows into rows (`Windows`), fed batch by batch in a seeded order
  (`Batches`, a `keras.utils.PyDataset`): windows are never materialized for training
- `training`: seeded, deterministic fit with early stopping; one-call batched predict
- `outputs`: raw outputs to a direction score in [-1, 1]
- `calls`: raw outputs to a call in the label's own terms (up, down, flat), for live signals
- `persist`: ``.keras`` files with a JSON metadata sidecar
- `reuse`: one compiled model reset to its fresh state per fold (no retracing)
- `quiet`: TensorFlow imported without its start-up banner
"""

# ruff: noqa: E402  (TensorFlow must be imported quietly before the modules that use it)
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from trader.models.quiet import import_quietly

import_quietly()

from trader.models.activations import curves as activation_curves
from trader.models.activations import hidden_activations
from trader.models.builders import build_model
from trader.models.calls import CLASS_NAMES, to_calls
from trader.models.compat import check_compatible
from trader.models.encoding import Encoding, encode_labels
from trader.models.feed import Batches, Windows
from trader.models.outputs import class_probability, to_score
from trader.models.persist import load_model, save_model
from trader.models.presets import PRESETS, Preset, ResolvedModel, resolve
from trader.models.registry import (
    Kind,
    canonical_name,
    get_activation,
    get_loss,
    get_metric,
    get_optimizer,
    names,
)
from trader.models.reuse import FreshModel, FreshModels
from trader.models.seeding import limit_threads, seed_everything
from trader.models.training import fit, predict

__all__ = [
    "CLASS_NAMES",
    "PRESETS",
    "Batches",
    "Encoding",
    "FreshModel",
    "FreshModels",
    "Kind",
    "Preset",
    "ResolvedModel",
    "Windows",
    "activation_curves",
    "build_model",
    "canonical_name",
    "check_compatible",
    "class_probability",
    "encode_labels",
    "fit",
    "get_activation",
    "get_loss",
    "get_metric",
    "get_optimizer",
    "hidden_activations",
    "limit_threads",
    "load_model",
    "names",
    "predict",
    "resolve",
    "save_model",
    "seed_everything",
    "to_calls",
    "to_score",
]
