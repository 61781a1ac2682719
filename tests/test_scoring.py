"""trader.evaluate.scoring against tiny known answers and scikit-learn on random data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from trader.evaluate import scoring


def test_hit_rate_known_answer() -> None:
    score = [0.5, -0.2, 0.1, -0.4]
    realized = [0.01, -0.03, -0.02, 0.05]
    assert scoring.hit_rate(score, realized) == 0.5


def test_hit_rate_zeros_count_as_not_up() -> None:
    # score 0 is "not up"; a return of exactly 0 is "not up"
    assert scoring.hit_rate([0.0, 0.0, 0.3], [0.0, 0.01, 0.0]) == pytest.approx(1 / 3)


def test_hit_rate_empty_and_mismatch() -> None:
    assert math.isnan(scoring.hit_rate([], []))
    with pytest.raises(ValueError, match="3 values"):
        scoring.hit_rate([1, 2, 3], [1, 2])


def test_classification_known_answer() -> None:
    y = [1, 1, 0, 0, 1]
    pred = [1, 0, 0, 1, 1]
    prob = [0.9, 0.4, 0.2, 0.6, 0.8]
    out = scoring.classification_scores(y, pred, prob)
    assert out["accuracy"] == pytest.approx(0.6)
    assert out["precision"] == pytest.approx(2 / 3)
    assert out["recall"] == pytest.approx(2 / 3)
    assert out["f1"] == pytest.approx(2 / 3)
    # positives 0.9, 0.4, 0.8 vs negatives 0.2, 0.6: 5 of 6 pairs ordered right
    assert out["auc"] == pytest.approx(5 / 6)


def test_auc_ties_count_half() -> None:
    assert scoring.roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert scoring.roc_auc([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9]) == pytest.approx(0.875)


def test_auc_undefined_and_zero_division() -> None:
    out = scoring.classification_scores([1, 1, 1], [0, 0, 0], [0.1, 0.2, 0.3])
    assert out["auc"] is None
    assert out["precision"] == 0.0 and out["recall"] == 0.0 and out["f1"] == 0.0
    assert scoring.classification_scores([0, 1], [0, 1])["auc"] is None


def test_average_ranks() -> None:
    np.testing.assert_allclose(scoring.average_ranks([3, 1, 3, 2]), [3.5, 1, 3.5, 2])


@pytest.mark.parametrize("seed", range(5))
def test_classification_matches_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 200)
    prob = np.round(rng.random(200), 1)  # rounding makes ties
    pred = (prob > 0.5).astype(int)
    out = scoring.classification_scores(y, pred, prob)
    assert out["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert out["precision"] == pytest.approx(skm.precision_score(y, pred, zero_division=0))
    assert out["recall"] == pytest.approx(skm.recall_score(y, pred, zero_division=0))
    assert out["f1"] == pytest.approx(skm.f1_score(y, pred, zero_division=0))
    assert out["auc"] == pytest.approx(skm.roc_auc_score(y, prob))


@pytest.mark.parametrize("seed", range(3))
def test_regression_matches_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y, p = rng.normal(0, 0.02, 300), rng.normal(0, 0.02, 300)
    out = scoring.regression_scores(y, p)
    assert out["mae"] == pytest.approx(skm.mean_absolute_error(y, p))
    assert out["rmse"] == pytest.approx(math.sqrt(skm.mean_squared_error(y, p)))
    assert out["directional_accuracy"] == pytest.approx(skm.accuracy_score(y > 0, p > 0))


def test_regression_known_answer() -> None:
    out = scoring.regression_scores([0.0, 1.0, -1.0], [0.0, 3.0, -1.0])
    assert out == {"mae": pytest.approx(2 / 3), "rmse": pytest.approx(2 / math.sqrt(3)),
                   "directional_accuracy": 1.0}  # fmt: skip


@pytest.mark.parametrize("seed", range(3))
def test_multiclass_matches_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y, p = rng.integers(0, 3, 150), rng.integers(0, 3, 150)
    p[p == 1] = 2  # a class never predicted: zero-division path
    out = scoring.multiclass_scores(y, p)
    assert out["accuracy"] == pytest.approx(skm.accuracy_score(y, p))
    for key, fn in (("precision", skm.precision_score), ("recall", skm.recall_score),
                    ("f1", skm.f1_score)):  # fmt: skip
        assert out[key] == pytest.approx(fn(y, p, average="macro", zero_division=0))


def test_multiclass_explicit_labels() -> None:
    out = scoring.multiclass_scores([0, 0], [0, 0], labels=[0, 1, 2])
    assert out["accuracy"] == 1.0
    assert out["precision"] == pytest.approx(1 / 3)


def test_column_vectors_accepted_and_matrices_refused() -> None:
    assert scoring.hit_rate(np.ones((3, 1)), np.ones(3)) == 1.0
    with pytest.raises(ValueError, match="one value per sample"):
        scoring.hit_rate(np.ones((3, 2)), np.ones(3))
