"""Baselines: known answers, the linear fits against their objectives and closed forms, dispatch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trader.config import WindowConfig
from trader.research.baselines import (
    BASELINES,
    always_long,
    baseline_scores,
    linear_baseline,
    logistic_baseline,
    logistic_fit,
    majority_class,
    previous_direction,
    return_column,
    ridge_baseline,
    ridge_fit,
    window_baseline_scores,
)
from trader.research.scaling import Scaler
from trader.research.walkforward import WalkForwardSpec, make_folds
from trader.research.windows import build_windows


def logistic_problem(n: int = 300, d: int = 6, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(x @ w + 0.3)))).astype(float)
    return x, y


def test_always_long() -> None:
    assert always_long(3).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("labels", "kind", "expected"),
    [
        ([1, 1, 0], "binary", 1.0),
        ([0, 0, 1, np.nan], "binary", -1.0),
        ([0, 1], "binary", 0.0),
        ([1, 1, 2], "multiclass", 0.0),
        ([2, 2, 0, 1], "multiclass", 1.0),
        ([0, 0, 2], "multiclass", -1.0),
        ([1, 2], "multiclass", 0.5),
        ([-1, -1, 1], "sign", -1.0),
        ([0.01, 0.02, -0.05], "regression", 1.0),
        ([], "binary", 0.0),
    ],
)
def test_majority_class(labels: list[float], kind: str, expected: float) -> None:
    assert majority_class(np.array(labels, dtype=float), kind, 2).tolist() == [expected] * 2


def test_previous_direction_known_answer() -> None:
    x = np.zeros((3, 4, 2))
    x[:, -1, 0] = [0.02, -0.01, 0.0]
    x[:, -2, 0] = [-1.0, 1.0, 1.0]  # earlier days do not matter
    names = ["log_return", "volume_change"]
    assert previous_direction(x, names).tolist() == [1.0, -1.0, 0.0]
    # scaled inputs are unscaled first: a scaled 0 with mean 0.001 is an up day
    scaler = Scaler(mean=np.array([0.001, 0.0]), std=np.array([0.02, 1.0]))
    assert previous_direction(scaler.transform(x), names, scaler).tolist() == [1.0, -1.0, 0.0]
    assert previous_direction(np.zeros((1, 4, 2)), names, scaler).tolist() == [1.0]
    ohlc = ["open_rel", "high_rel", "low_rel", "close_rel", "volume_change"]
    assert return_column(ohlc) == 3
    assert return_column(["volume_change", "return", "log_return"]) == 1
    with pytest.raises(ValueError, match="return feature"):
        previous_direction(x, ["volume_change", "open_rel"])


@pytest.mark.parametrize("l2", [0.1, 1.0, 10.0])
def test_logistic_fit_is_the_optimum_of_its_documented_objective(l2: float) -> None:
    """The gradient of sum(log loss) + l2/2 |w|^2 (intercept free) is zero at the fit: the
    penalty is mapped to scikit-learn's C the right way and the intercept is not penalized."""
    x, y = logistic_problem()
    w, b = logistic_fit(x, y, l2)
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    np.testing.assert_allclose(x.T @ (p - y) + l2 * w, 0.0, atol=1e-6)
    assert float(np.sum(p - y)) == pytest.approx(0.0, abs=1e-6)
    x_test = np.random.default_rng(9).normal(size=(50, 6))
    expected = 2.0 / (1.0 + np.exp(-(x_test @ w + b))) - 1.0
    np.testing.assert_allclose(logistic_baseline(x, y, x_test, l2), expected, atol=1e-12)
    # a stronger penalty shrinks the weights
    assert np.linalg.norm(logistic_fit(x, y, 10 * l2)[0]) < np.linalg.norm(w)


def test_logistic_flattens_windows_and_handles_one_class() -> None:
    x, y = logistic_problem(n=120, d=8)
    windows = x.reshape(120, 4, 2)
    np.testing.assert_allclose(logistic_baseline(windows, y, windows), logistic_baseline(x, y, x))
    single = windows.astype(np.float32)
    np.testing.assert_allclose(
        logistic_baseline(single, y, single), logistic_baseline(x, y, x), atol=1e-5
    )
    assert (logistic_baseline(x, np.ones(120), x[:3]) > 0.99).all()
    assert (logistic_baseline(x, np.zeros(120), x[:3]) < -0.99).all()
    with pytest.raises(ValueError, match="non-empty"):
        logistic_fit(x[:0], y[:0])


@pytest.mark.parametrize(("n", "d"), [(80, 5), (10, 30)])
def test_ridge_matches_the_closed_form(n: int, d: int) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(n, d))
    y = x @ rng.normal(size=d) + 0.5 + rng.normal(scale=0.1, size=n)
    l2 = 2.0
    w, b = ridge_fit(x, y, l2)
    # closed form as one least-squares problem: [x 1; sqrt(l2) I 0] [w; b] = [y; 0]
    aug = np.vstack(
        [np.hstack([x, np.ones((n, 1))]), np.hstack([np.sqrt(l2) * np.eye(d), np.zeros((d, 1))])]
    )
    ref = np.linalg.lstsq(aug, np.r_[y, np.zeros(d)], rcond=None)[0]
    np.testing.assert_allclose(w, ref[:-1], atol=1e-8)
    assert b == pytest.approx(ref[-1], abs=1e-8)
    np.testing.assert_allclose(ridge_baseline(x, y, x[:4], l2), x[:4] @ w + b)


def test_linear_baseline_per_label_kind() -> None:
    x, y = logistic_problem(n=200, d=4)
    multi = np.where(y > 0, 2.0, np.where(x[:, 0] > 0, 1.0, 0.0))
    scores = linear_baseline(x, multi, x, "multiclass")
    assert scores.min() >= -1.0 and scores.max() <= 1.0
    sign = linear_baseline(x, 2 * y - 1, x, "sign")
    np.testing.assert_allclose(sign, linear_baseline(x, y, x, "binary"))
    with_nan = linear_baseline(x, np.r_[y[:-1], np.nan], x, "binary")
    np.testing.assert_allclose(with_nan, logistic_baseline(x[:-1], y[:-1], x))


def test_dispatch_and_regression_scale() -> None:
    x = np.zeros((4, 3, 1))
    x[:, -1, 0] = [0.01, -0.02, 0.03, 0.0]
    common = {"x_fit": x, "x_test": x, "feature_names": ["return"]}
    y_ret = np.array([0.02, -0.04, 0.01, 0.01])
    reg = baseline_scores("previous_direction", y_fit=y_ret, label="regression", **common)
    np.testing.assert_allclose(reg, [0.02, -0.02, 0.02, 0.0])
    assert baseline_scores("always_long", y_fit=y_ret, label="regression", **common)[
        0
    ] == pytest.approx(0.02)
    y_bin = np.array([1.0, 0.0, 0.0, 0.0])
    assert (
        baseline_scores("majority_class", y_fit=y_bin, label="binary", **common).tolist()
        == [-1.0] * 4
    )
    for name in BASELINES:
        first = baseline_scores(name, y_fit=y_bin, label="binary", **common)
        assert first.shape == (4,)
        np.testing.assert_array_equal(
            first, baseline_scores(name, y_fit=y_bin, label="binary", **common)
        )
    with pytest.raises(ValueError, match="unknown baseline 'coin'"):
        baseline_scores("coin", y_fit=y_bin, label="binary", **common)


def test_window_baselines_on_a_fold() -> None:
    rng = np.random.default_rng(0)
    dates = pd.bdate_range("2020-01-01", periods=300)
    frames = []
    for ticker in ("AAA", "BBB"):
        close = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
        frames.append(
            pd.DataFrame(
                {
                    "ticker": ticker,
                    "date": dates,
                    "open": close,
                    "high": close * 1.01,
                    "low": close * 0.99,
                    "close": close,
                    "volume": rng.integers(1_000, 5_000, len(dates)).astype(float),
                }
            )
        )
    windows = build_windows(pd.concat(frames), WindowConfig(length=5, horizon=2))
    days = pd.DatetimeIndex(np.unique(windows.dates))
    fold = make_folds(days, 2, WalkForwardSpec(n_folds=2, min_train_days=150))[0]
    fit, _, test = fold.window_masks(windows)
    for name in BASELINES:
        scores = window_baseline_scores(name, windows, fit, test)
        assert scores.shape == (test.sum(),)
        assert np.isfinite(scores).all() and (np.abs(scores) <= 1.0).all()
    momentum = window_baseline_scores("previous_direction", windows, fit, test)
    last = np.log(frames[0]["close"]).diff().to_numpy()
    test_dates = pd.DatetimeIndex(windows.dates[test & (windows.tickers == "AAA")])
    expected = np.sign(last[dates.get_indexer(test_dates)])
    np.testing.assert_array_equal(momentum[windows.tickers[test] == "AAA"], expected)
