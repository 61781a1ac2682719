"""trader.evaluate.scoring: its conventions (zeros are "not up", empty ratios are 0, AUC is
None with one class) on tiny known answers; the arithmetic itself is scikit-learn's."""

from __future__ import annotations

import math

import numpy as np
import pytest

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


def test_empty_inputs() -> None:
    out = scoring.classification_scores([], [], [])
    assert math.isnan(out["accuracy"]) and out["auc"] is None and out["f1"] == 0.0
    assert all(math.isnan(v) for v in scoring.regression_scores([], []).values())


def test_regression_known_answer() -> None:
    out = scoring.regression_scores([0.0, 1.0, -1.0], [0.0, 3.0, -1.0])
    assert out == {"mae": pytest.approx(2 / 3), "rmse": pytest.approx(2 / math.sqrt(3)),
                   "directional_accuracy": 1.0}  # fmt: skip


def test_column_vectors_accepted_and_matrices_refused() -> None:
    assert scoring.hit_rate(np.ones((3, 1)), np.ones(3)) == 1.0
    with pytest.raises(ValueError, match="one value per sample"):
        scoring.hit_rate(np.ones((3, 2)), np.ones(3))
