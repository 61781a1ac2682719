"""Presets, compatibility checks, building, seeded training, scores and save/load of models.

Tiny models on seed 002's task: 5 features in [0, 1), "up" when their sum exceeds 2.5, given
as windows of shape (N, W, F). A few epochs only: these check wiring, not skill.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest

from trader import models
from trader.config import LabelKind, ModelConfig
from trader.errors import ConfigError, DataError

W, F, N_CLASSES = 3, 5, 3


def _task(n: int = 240, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, W, F)).astype("float32")
    total = x[:, -1, :].sum(axis=1)
    labels = {
        "binary": (total > 2.5).astype(int),
        "multiclass": np.digitize(total, [2.2, 2.8]),  # 0 down, 1 flat, 2 up
        "regression": (total - 2.5) / 50.0,
        "sign": np.where(total > 2.5, 1, -1),
    }
    return x, labels


X, LABELS = _task()
TRAIN, VAL = slice(0, 160), slice(160, 240)


def _config(**kw: Any) -> ModelConfig:
    base: dict[str, Any] = {"name": "m", "kind": "dense", "units": [8], "epochs": 2,
                            "batch_size": 80, "patience": 1, "seed": 7}  # fmt: skip
    return ModelConfig(**{**base, **kw})


def _train(config: ModelConfig, label: LabelKind, **kw: Any) -> tuple[keras.Model, dict]:
    model = models.build_model(config, (W, F), label, N_CLASSES)
    y = LABELS[label]
    history = models.fit(model, X[TRAIN], y[TRAIN], X[VAL], y[VAL], config, label=label,
                         n_classes=N_CLASSES, **kw)  # fmt: skip
    return model, history


PRESET_LABEL: dict[str, LabelKind] = {
    "binary": "binary",
    "multiclass": "multiclass",
    "regression": "regression",
    "regression01": "binary",
    "sign": "sign",
}


@pytest.mark.parametrize("kind", ["dense", "lstm"])
@pytest.mark.parametrize("preset", list(PRESET_LABEL))
def test_every_preset_trains(preset: str, kind: str) -> None:
    label = PRESET_LABEL[preset]
    if kind == "dense":
        layers: dict[str, Any] = {"units": [6, 4], "activation": ["relu", "tanh"]}
    else:  # one stacked LSTM (return_sequences) case; single layers elsewhere for speed
        layers = {"units": [6, 4] if preset == "binary" else [4], "activation": "tanh"}
    config = _config(name=f"{preset}-{kind}", kind=kind, preset=preset, dropout=0.1, **layers)
    seen: list[int] = []
    model, history = _train(config, label, progress=lambda epoch, logs: seen.append(epoch))
    resolved = models.resolve(config, label, N_CLASSES)
    assert seen == list(range(1, len(history["loss"]) + 1))
    assert {"loss", "val_loss"} <= set(history)
    for metric in resolved.metrics:
        assert metric in history and f"val_{metric}" in history
    assert all(np.isfinite(v).all() for v in history.values())
    raw = models.predict(model, X[VAL])
    assert raw.shape == (80, resolved.units)
    score = models.to_score(raw, config, label, N_CLASSES)
    assert score.shape == (80,) and np.isfinite(score).all()
    if label != "regression":
        assert score.min() >= -1.0 and score.max() <= 1.0
    prob = models.class_probability(raw, config, label, N_CLASSES)
    if label == "binary":
        assert prob is not None and ((prob >= 0) & (prob <= 1)).all()
        np.testing.assert_allclose(score, 2 * prob - 1, atol=1e-6)


def test_sparse_categorical_uses_integer_labels() -> None:
    config = _config(loss="sparse_categorical_crossentropy", epochs=1)
    resolved = models.check_compatible(config, "multiclass", N_CLASSES)
    assert resolved.encoding == "sparse" and resolved.units == N_CLASSES
    _, history = _train(config, "multiclass")
    assert 0.0 <= history["accuracy"][0] <= 1.0


def test_same_seed_same_weights_and_predictions() -> None:
    config = _config(units=[8, 4], dropout=0.2, epochs=2, batch_size=32)
    first, h1 = _train(config, "binary")
    second, h2 = _train(config, "binary")
    assert h1 == h2
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(models.predict(first, X), models.predict(second, X))


def test_other_seed_other_weights() -> None:
    a = models.build_model(_config(seed=1), (W, F), "binary", N_CLASSES).get_weights()[0]
    b = models.build_model(_config(seed=2), (W, F), "binary", N_CLASSES).get_weights()[0]
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("kind", ["dense", "lstm"])
def test_weights_never_come_from_the_global_random(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another thread drawing from Python's `random` (Dask's event loop on a worker) between
    seeding and building must not change the weights: every initializer has its own seed."""
    config = _config(kind=kind, units=[4, 4], dropout=0.1)
    before = models.build_model(config, (W, F), "binary", N_CLASSES).get_weights()
    import random

    def refused(*args: object) -> int:
        raise AssertionError("an initializer drew its seed from the global random")

    monkeypatch.setattr(random, "randint", refused)
    after = models.build_model(config, (W, F), "binary", N_CLASSES).get_weights()
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


def test_save_load_round_trip(tmp_path: Path) -> None:
    config = _config(epochs=1)
    model, history = _train(config, "binary")
    path = tmp_path / "run" / "m.keras"
    meta = {"model": config.model_dump(), "label": "binary", "n_classes": N_CLASSES,
            "window_length": W, "features": F, "scaler": {"mean": np.zeros(2)},
            "history": history}  # fmt: skip
    models.save_model(model, path, meta)
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert sidecar["versions"]["keras"] == keras.__version__
    assert sidecar["scaler"] == {"mean": [0.0, 0.0]}
    loaded, loaded_meta = models.load_model(path)
    assert loaded_meta["model"]["name"] == "m" and loaded_meta["label"] == "binary"
    np.testing.assert_array_equal(models.predict(model, X), models.predict(loaded, X))


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")  # never trained
def test_registered_objects_reload(tmp_path: Path) -> None:
    """The wrapped ``threshold`` activation and ``directional_accuracy`` metric reload."""
    config = _config(activation="threshold", preset="sign", metrics=["sign_accuracy", "mae"],
                     loss="cosine_proximity", optimizer="Lion")  # fmt: skip
    model = models.build_model(config, (W, F), "sign", N_CLASSES)
    path = tmp_path / "sign.keras"
    models.save_model(model, path, {"label": "sign"})
    loaded, _ = models.load_model(path, compile=True)
    np.testing.assert_array_equal(models.predict(model, X), models.predict(loaded, X))
    assert loaded.get_layer("dense_0").activation is models.activations.threshold


def test_load_missing_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="model file not found"):
        models.load_model(tmp_path / "nope.keras")
    with pytest.raises(ConfigError, match=r"must end in \.keras"):
        models.save_model(keras.Sequential(), tmp_path / "m.h5", {})


def test_predict_is_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    model = models.build_model(_config(), (W, F), "binary", N_CLASSES)
    calls: list[int] = []
    original = model.predict

    def counting(x: models.Batches, **kw: Any) -> np.ndarray:
        calls.append(len(x.windows))  # one call, every window (gathered batch by batch)
        return original(x, **kw)

    monkeypatch.setattr(model, "predict", counting)
    assert models.predict(model, X).shape == (len(X), 1)
    assert calls == [len(X)]
    assert models.predict(model, X[:0]).shape == (0, 1)
    assert calls == [len(X)]


def test_diverging_training_is_an_error() -> None:
    # past the config's bound (10): model_copy skips validation, as a config built in code may
    config = _config(preset="regression", optimizer="sgd", epochs=3)
    config = config.model_copy(update={"learning_rate": 1e12})
    with pytest.raises(ConfigError, match="training diverged"):
        _train(config, "regression")


def test_bad_labels_are_data_errors() -> None:
    config = _config()
    model = models.build_model(config, (W, F), "binary", N_CLASSES)
    bad = LABELS["binary"].copy()
    bad[0] = 2
    with pytest.raises(DataError, match="binary labels must be 0 or 1"):
        models.fit(model, X[TRAIN], bad[TRAIN], X[VAL], bad[VAL], config, label="binary",
                   n_classes=N_CLASSES)  # fmt: skip


REFUSALS: list[tuple[dict[str, Any], LabelKind, str]] = [
    ({"output_activation": "softmax"}, "binary",
     r"model 'm': softmax output needs >= 2 units, but label 'binary' has 1 output "
     r"\(use sigmoid, or label: multiclass\)"),
    ({"loss": "categorical_crossentropy"}, "binary",
     r"loss 'categorical_crossentropy' needs class labels .* \(use loss: binary_crossentropy"),
    ({"loss": "hinge"}, "binary", r"loss 'hinge' needs -1/\+1 labels.*use label: sign"),
    ({"loss": "squared_hinge"}, "binary", r"loss 'squared_hinge' needs -1/\+1 labels"),
    ({"output_activation": "sigmoid"}, "sign",
     r"sigmoid output cannot go below 0, but label 'sign' needs -1..\+1 \(use tanh\)"),
    ({"loss": "binary_crossentropy"}, "regression",
     r"loss 'binary_crossentropy' needs 0/1 labels, but label 'regression'.*use loss: mse"),
    ({"preset": "regression"}, "binary",
     r"preset 'regression' is for label 'regression', but the windows have label 'binary'"),
    ({"preset": "sign"}, "multiclass", r"preset 'sign' is for label 'sign'"),
    ({"preset": "binary", "loss": "mse", "output_activation": "tanh"}, "multiclass",
     r"preset 'binary' is for label 'binary'"),
    ({"output_activation": "tanh"}, "binary",
     r"loss 'binary_crossentropy' compares probabilities, but the tanh output"),
    ({"output_activation": "relu"}, "regression", r"relu output cannot go below 0"),
    ({"metrics": ["precision"]}, "sign", r"metric 'precision' needs .*label 'sign'"),
    ({"metrics": ["auc"]}, "regression", r"metric 'auc' needs"),
    ({"loss": "sparse_categorical_crossentropy", "metrics": ["categorical_accuracy"]},
     "multiclass", r"metric 'categorical_accuracy' needs one-hot"),
    ({"loss": "ctc"}, "binary", r"loss 'ctc' is for sequence labelling"),
    ({"loss": "poisson", "output_activation": "linear"}, "regression",
     r"loss 'poisson' needs targets >= 0"),
    ({"kind": "lstm", "activation": "glu"}, "binary", r"'glu' halves its units"),
    ({"activation": "reluu"}, "binary", r"model 'm': unknown activation 'reluu' \(did you mean"),
    ({"optimizer": "adamm"}, "binary", r"model 'm': unknown optimizer 'adamm'"),
    ({"loss": "msee"}, "regression", r"model 'm': unknown loss 'msee' \(did you mean 'mse'"),
    ({"metrics": ["acuracy"]}, "binary", r"unknown metric 'acuracy' \(did you mean 'accuracy'"),
    ({"preset": "regresion"}, "regression", r"unknown preset 'regresion' \(did you mean"),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "label", "message"), REFUSALS)
def test_incompatible_choices_refused(
    overrides: dict[str, Any], label: LabelKind, message: str
) -> None:
    config = _config(**overrides)
    with pytest.raises(ConfigError, match=message):
        models.check_compatible(config, label, N_CLASSES)
    with pytest.raises(ConfigError, match=message):
        models.build_model(config, (W, F), label, N_CLASSES)


@pytest.mark.parametrize(
    ("overrides", "label"),
    [
        ({}, "binary"),
        ({"preset": "regression01"}, "binary"),
        ({"loss": "sparse_categorical_crossentropy"}, "multiclass"),
        ({"output_activation": "sigmoid", "loss": "binary_crossentropy"}, "multiclass"),
        ({"loss": "mse", "output_activation": "softsign"}, "sign"),
        ({"loss": "huber", "metrics": ["mae", "accuracy"]}, "regression"),
        ({"activation": "glu", "units": [8]}, "binary"),
    ],
)
def test_compatible_choices_pass(overrides: dict[str, Any], label: LabelKind) -> None:
    models.check_compatible(_config(**overrides), label, N_CLASSES)


def test_resolve_applies_preset_then_overrides() -> None:
    r = models.resolve(_config(), "binary", N_CLASSES)
    assert (r.output_activation, r.loss, r.units, r.encoding) == (
        "sigmoid", "binary_crossentropy", 1, "binary")  # fmt: skip
    assert r.metrics == ("accuracy", "precision", "recall", "auc", "f1")
    r = models.resolve(_config(), "multiclass", N_CLASSES)
    assert (r.output_activation, r.loss, r.units, r.encoding) == (
        "softmax", "categorical_crossentropy", 3, "onehot")  # fmt: skip
    r = models.resolve(_config(), "regression", N_CLASSES)
    assert (r.output_activation, r.loss, r.metrics) == ("linear", "mean_squared_error",
                                                        ("mae", "rmse"))  # fmt: skip
    r = models.resolve(_config(), "sign", N_CLASSES)
    assert (r.output_activation, r.loss, r.encoding) == ("tanh", "hinge", "sign")
    r = models.resolve(_config(preset="regression01", metrics=["MAE"]), "binary", N_CLASSES)
    assert (r.output_activation, r.loss, r.metrics) == ("sigmoid", "mean_squared_error",
                                                        ("mae",))  # fmt: skip


def test_encode_labels() -> None:
    np.testing.assert_array_equal(
        models.encode_labels(np.array([0, 2, 1]), "onehot", 3),
        [[1, 0, 0], [0, 0, 1], [0, 1, 0]],
    )
    assert models.encode_labels(np.array([2, 0]), "sparse", 3).tolist() == [2, 0]
    assert models.encode_labels(np.array([-1, 1]), "sign", 3).shape == (2, 1)
    with pytest.raises(DataError, match="sign labels must be -1 or"):
        models.encode_labels(np.array([0, 1]), "sign", 3)
    with pytest.raises(DataError, match=r"integers 0\.\.2"):
        models.encode_labels(np.array([3]), "onehot", 3)
    with pytest.raises(DataError, match="missing labels"):
        models.encode_labels(np.array([0.1, np.nan]), "value", 3)


def test_to_score_per_label() -> None:
    cfg = _config()
    p = np.array([[0.0], [0.25], [1.0]])
    np.testing.assert_allclose(models.to_score(p, cfg, "binary", 3), [-1.0, -0.5, 1.0])
    r01 = models.resolve(_config(preset="regression01"), "binary", 3)
    np.testing.assert_allclose(models.to_score(p, r01, "binary", 3), [-1.0, -0.5, 1.0])
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    np.testing.assert_allclose(models.to_score(probs, cfg, "multiclass", 3), [-0.6, 0.7, 0.0])
    assert models.class_probability(probs, cfg, "multiclass", 3).tolist() == [0.1, 0.8, 0.3]
    tanh = np.array([[-0.9], [0.2]])
    np.testing.assert_allclose(models.to_score(tanh, cfg, "sign", 3), [-0.9, 0.2])
    assert models.class_probability(tanh, cfg, "sign", 3) is None
    ret = np.array([[-0.03], [0.01]])
    np.testing.assert_allclose(models.to_score(ret, cfg, "regression", 3), [-0.03, 0.01])
    with pytest.raises(ValueError, match="1 column"):
        models.to_score(probs, cfg, "binary", 3)


def test_seed_002_sign_task_is_learned() -> None:
    """Seed 002: Dense(20, tanh) -> Dense(1, tanh), hinge, adam, -1/+1 labels; it learns."""
    config = _config(preset="sign", units=[20], activation="tanh", learning_rate=0.05,
                     epochs=20, batch_size=40, patience=5)  # fmt: skip
    model, _ = _train(config, "sign")
    score = models.to_score(models.predict(model, X[VAL]), config, "sign", N_CLASSES)
    hit = np.mean(np.sign(score) == LABELS["sign"][VAL])
    assert hit > 0.8, hit


def test_fresh_models_build_once_per_configuration() -> None:
    """The audit trains the same model on real and perturbed prices: one build, one tracing."""
    reuse = models.FreshModels()
    config = _config()
    first = reuse.get(config, (W, F), "binary", N_CLASSES)
    shorter = config.model_copy(update={"epochs": 1, "patience": 0, "batch_size": 16})
    assert reuse.get(shorter, (W, F), "binary", N_CLASSES) is first
    assert reuse.get(config.model_copy(update={"units": [4]}), (W, F), "binary", 3) is not first
    assert reuse.get(config, (W, F + 1), "binary", N_CLASSES) is not first
    assert reuse.get(config, (W, F), "sign", N_CLASSES) is not first
