"""Names of activations, losses, optimizers and metrics: seed names, Keras 3 names, aliases."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import keras
import numpy as np
import pytest

from trader.errors import ConfigError
from trader.models import (
    canonical_name,
    get_activation,
    get_loss,
    get_metric,
    get_optimizer,
    names,
)
from trader.models import metrics as metric_table
from trader.models import optimizers as optimizer_table

SEED_ACTIVATIONS = [
    "softmax",
    "elu",
    "selu",
    "softplus",
    "softsign",
    "relu",
    "tanh",
    "sigmoid",
    "hard_sigmoid",
    "linear",
    "swish",
    "leaky_relu",
    "gelu",
    "mish",
    "relu6",
    "silu",
    "exponential",
]
SEED_LOSSES = [
    "mse",
    "mae",
    "mape",
    "msle",
    "hinge",
    "squared_hinge",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kld",
    "kullback_leibler_divergence",
    "poisson",
    "cosine_proximity",
    "logcosh",
    "huber",
    "categorical_hinge",
    "mean_squared_error",
    "mean_absolute_error",
]
SEED_OPTIMIZERS = [
    "sgd",
    "rmsprop",
    "adagrad",
    "adadelta",
    "adam",
    "adamax",
    "nadam",
    "adamw",
    "ftrl",
    "lion",
]
SEED_METRICS = [
    "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "precision", "recall", "f1",
    "auc", "mae", "mse", "rmse", "mape", "f1_score",
]  # fmt: skip

_NOT_OBJECTS = {"get", "serialize", "deserialize"}


def _public(module: object) -> list[str]:
    return [n for n in dir(module) if not n.startswith("_") and n not in _NOT_OBJECTS
            and not inspect.ismodule(getattr(module, n))]  # fmt: skip


@pytest.mark.parametrize("name", SEED_ACTIVATIONS)
def test_seed_activations_resolve(name: str) -> None:
    fn = get_activation(name)
    out = keras.ops.convert_to_numpy(fn(keras.ops.convert_to_tensor([[-1.0, 0.0, 2.0]])))
    assert out.shape == (1, 3)


@pytest.mark.parametrize("name", _public(keras.activations))
def test_every_keras_activation_resolves(name: str) -> None:
    fn = get_activation(name)
    x = keras.ops.convert_to_tensor(np.linspace(-2, 2, 8, dtype="float32").reshape(2, 4))
    assert np.isfinite(keras.ops.convert_to_numpy(fn(x))).all()


@pytest.mark.parametrize("name", SEED_LOSSES)
def test_seed_losses_resolve(name: str) -> None:
    assert isinstance(get_loss(name), keras.losses.Loss)


@pytest.mark.parametrize("name", [n for n in _public(keras.losses) if n != "Loss"])
def test_every_keras_loss_resolves(name: str) -> None:
    assert isinstance(get_loss(name), keras.losses.Loss)


def test_dropped_keras2_losses_map_to_successors() -> None:
    assert canonical_name("loss", "cosine_proximity") == "cosine_similarity"
    assert canonical_name("loss", "logcosh") == "log_cosh"
    assert canonical_name("loss", "kld") == "kl_divergence"
    assert isinstance(get_loss("cosine_proximity"), keras.losses.CosineSimilarity)
    assert isinstance(get_loss("logcosh"), keras.losses.LogCosh)
    y = np.array([[1.0, 0.0]], dtype="float32")
    assert float(get_loss("cosine_proximity")(y, y)) == pytest.approx(-1.0)


@pytest.mark.parametrize("name", SEED_OPTIMIZERS)
def test_seed_optimizers_resolve(name: str) -> None:
    opt = get_optimizer(name, 0.01)
    assert isinstance(opt, keras.optimizers.Optimizer)
    assert float(keras.ops.convert_to_numpy(opt.learning_rate)) == pytest.approx(0.01)


@pytest.mark.parametrize(
    "name", [n for n in _public(keras.optimizers) if n not in optimizer_table.EXCLUDED]
)
def test_every_keras_optimizer_resolves_and_steps(name: str) -> None:
    opt = get_optimizer(name, 0.1)
    var = keras.Variable(np.ones((3, 2), dtype="float32"))
    opt.apply([keras.ops.ones((3, 2))], [var])
    assert not np.allclose(keras.ops.convert_to_numpy(var), 1.0)


@pytest.mark.parametrize("name", SEED_METRICS)
def test_seed_metrics_resolve_fresh(name: str) -> None:
    first, second = get_metric(name), get_metric(name)
    assert isinstance(first, keras.metrics.Metric)
    assert first is not second


@pytest.mark.parametrize(
    "name", [n for n in _public(keras.metrics) if n not in metric_table.EXCLUDED - {"Accuracy"}]
)
def test_every_keras_metric_resolves(name: str) -> None:
    encoding = "onehot" if "categorical" in name.lower() or "OneHot" in name else "binary"
    assert isinstance(get_metric(name, encoding=encoding, n_classes=3), keras.metrics.Metric)


def test_f1_on_binary_column() -> None:
    f1 = get_metric("f1", encoding="binary")
    y = np.array([[1.0], [0.0], [1.0], [1.0]], dtype="float32")
    p = np.array([[0.9], [0.2], [0.3], [0.8]], dtype="float32")
    f1.update_state(y, p)
    assert f1.name == "f1"
    assert float(f1.result()) == pytest.approx(0.8)  # precision 1, recall 2/3


def test_accuracy_follows_encoding() -> None:
    assert isinstance(get_metric("accuracy", encoding="binary"), keras.metrics.BinaryAccuracy)
    assert isinstance(get_metric("acc", encoding="onehot"), keras.metrics.CategoricalAccuracy)
    sparse = get_metric("Accuracy", encoding="sparse")
    assert isinstance(sparse, keras.metrics.SparseCategoricalAccuracy)
    sign = get_metric("accuracy", encoding="sign")
    sign.update_state(np.array([[1.0], [-1.0], [1.0]]), np.array([[0.3], [-0.2], [-0.1]]))
    assert float(sign.result()) == pytest.approx(2 / 3)
    assert isinstance(get_metric("exact_accuracy"), keras.metrics.Accuracy)


@pytest.mark.parametrize(
    ("kind", "spelling", "canonical"),
    [
        ("loss", "BinaryCrossentropy", "binary_crossentropy"),
        ("loss", "binary-crossentropy", "binary_crossentropy"),
        ("loss", "BINARY_CROSSENTROPY", "binary_crossentropy"),
        ("loss", "MSE", "mean_squared_error"),
        ("loss", "KLDivergence", "kl_divergence"),
        ("activation", "LeakyReLU", "leaky_relu"),
        ("activation", "hard-swish", "hard_swish"),
        ("optimizer", "RMSprop", "rmsprop"),
        ("optimizer", "AdamW", "adamw"),
        ("metric", "RootMeanSquaredError", "root_mean_squared_error"),
        ("metric", "F1Score", "f1_score"),
    ],
)
def test_spelling_tolerance(kind: str, spelling: str, canonical: str) -> None:
    assert canonical_name(kind, spelling) == canonical  # type: ignore[arg-type]


def test_metric_named_after_matched_spelling() -> None:
    assert get_metric("RMSE").name == "rmse"
    assert get_metric("RootMeanSquaredError").name == "root_mean_squared_error"


@pytest.mark.parametrize(
    ("getter", "typo", "suggestion"),
    [
        (get_activation, "reluu", "relu"),
        (get_activation, "sigmod", "sigmoid"),
        (get_loss, "binary_crosentropy", "binary_crossentropy"),
        (lambda n: get_optimizer(n, 0.001), "rsmprop", "rmsprop"),
        (get_metric, "accuracyy", "accuracy"),
    ],
)
def test_unknown_names_suggest(getter: Callable[[str], object], typo: str, suggestion: str) -> None:
    with pytest.raises(ConfigError, match=f"unknown .* '{typo}' \\(did you mean '{suggestion}'"):
        getter(typo)


def test_unknown_far_name_lists_choices() -> None:
    with pytest.raises(ConfigError, match="unknown optimizer 'zzz' \\(choose from: adadelta"):
        get_optimizer("zzz", 0.1)


def test_names_lists_each_kind() -> None:
    assert {"relu", "tanh", "linear"} <= set(names("activation"))
    assert {"mse", "cosine_proximity", "log_cosh"} <= set(names("loss"))
    assert {"adam", "sgd", "rmsprop"} <= set(names("optimizer"))
    assert {"accuracy", "f1", "auc", "rmse"} <= set(names("metric"))
    with pytest.raises(ConfigError, match="unknown kind"):
        names("layer")  # type: ignore[arg-type]
