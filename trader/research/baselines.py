"""Naive predictors on the same windows as the models, to compare them against.

Every baseline gives one score per test row in the models' convention (`trader.models.outputs`):
positive means "up"; classifiers' scores lie in [-1, 1]; regression scores are predicted returns.

- ``always_long``: always "up".
- ``majority_class``: the majority direction of the training labels (ties give 0).
- ``previous_direction``: momentum, the sign of the last day's return inside the window.
- ``linear``: an L2-regularized linear model on the flattened windows (scikit-learn): logistic
  regression (score ``2p - 1``) for binary and sign labels, two one-vs-rest logistic models
  (score ``p_up - p_down``) for multiclass, ridge regression for regression.

The three directional baselines give directions in [-1, 1]; for regression labels `baseline_scores`
turns them into returns by multiplying with the mean absolute training label (the typical move).
All are deterministic (exact solvers, no random state).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression, Ridge

from trader.config import LabelKind
from trader.research.scaling import Scaler
from trader.research.walkforward import rescale
from trader.research.windows import WindowSet

BASELINES = ("always_long", "majority_class", "previous_direction", "linear")
RETURN_COLUMNS = ("return", "log_return", "close_rel")
SOLVER_TOL = 1e-10  # logistic fits: Newton steps until the gradient is this small
ONE_CLASS_LOGIT = 50.0  # the intercept when every training label is the same class


def always_long(n: int) -> np.ndarray:
    """A score of +1 ("up") for each of ``n`` rows."""
    return np.ones(n)


def label_directions(labels: np.ndarray, label_kind: LabelKind) -> np.ndarray:
    """Labels as directions -1 (down), 0 (flat), +1 (up); NaN labels are dropped."""
    y = np.asarray(labels, dtype=np.float64).reshape(-1)
    y = y[~np.isnan(y)]
    if label_kind == "binary":
        return np.where(y > 0.5, 1.0, -1.0)
    if label_kind == "multiclass":
        return np.clip(y - 1.0, -1.0, 1.0)
    return np.sign(y)


def majority_class(train_labels: np.ndarray, label_kind: LabelKind, n: int) -> np.ndarray:
    """The most frequent training direction for each of ``n`` rows.

    Ties between directions give their mean (binary up/down tie: 0). No labels give 0.
    """
    d = label_directions(train_labels, label_kind)
    if len(d) == 0:
        return np.zeros(n)
    values = np.array([-1.0, 0.0, 1.0])
    counts = np.array([(d == v).sum() for v in values])
    return np.full(n, float(values[counts == counts.max()].mean()))


def return_column(feature_names: Sequence[str]) -> int:
    """Index of the feature holding the day's return (return, log_return or ohlc's close_rel)."""
    for name in RETURN_COLUMNS:
        if name in feature_names:
            return list(feature_names).index(name)
    raise ValueError(
        f"previous_direction needs a return feature ({', '.join(RETURN_COLUMNS)}), "
        f"got {list(feature_names)}"
    )


def previous_direction(
    x: np.ndarray, feature_names: Sequence[str], scaler: Scaler | None = None
) -> np.ndarray:
    """Sign of the last day's return in each window ``x`` (N, L, F): -1, 0 or +1.

    ``scaler`` is the scaler applied to ``x`` (None when ``x`` is unscaled); the return is
    unscaled before taking its sign.
    """
    j = return_column(feature_names)
    last = np.asarray(x, dtype=np.float64)[:, -1, j]
    if scaler is not None:
        last = last * scaler.std[j] + scaler.mean[j]
    return np.sign(last)


def _flat(x: np.ndarray) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    return arr.reshape(arr.shape[0], int(np.prod(arr.shape[1:])))


def _fit_data(x: np.ndarray, y: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    a = _flat(x)
    t = np.asarray(y, dtype=np.float64).reshape(-1)
    if len(a) != len(t) or len(t) == 0:
        raise ValueError(f"{what} fit needs matching, non-empty x and y: {len(a)} vs {len(t)}")
    return a, t


def logistic_fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Weights and intercept minimizing ``sum(log loss) + l2 / 2 * |w|^2`` (intercept free).

    scikit-learn's ``LogisticRegression(C=1 / l2)`` with the exact Newton solver
    (``newton-cholesky``, tolerance `SOLVER_TOL`); ``y`` holds 0/1 targets; ``x`` is flattened
    to (N, features). One class only gives zero weights and an intercept of +-`ONE_CLASS_LOGIT`
    (the optimum would be at infinity).
    """
    if l2 <= 0:
        raise ValueError(f"l2 must be > 0, got {l2}")
    a, t = _fit_data(x, y, "logistic")
    if t.min() == t.max():
        return np.zeros(a.shape[1]), float(np.sign(t[0] - 0.5) * ONE_CLASS_LOGIT)
    model = LogisticRegression(C=1.0 / l2, solver="newton-cholesky", tol=SOLVER_TOL, max_iter=200)
    model.fit(a, (t > 0.5).astype(np.int64))
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def logistic_baseline(
    x_fit: np.ndarray, y_fit: np.ndarray, x_test: np.ndarray, l2: float = 1.0
) -> np.ndarray:
    """Score ``2p - 1`` of an L2 logistic regression of 0/1 ``y_fit`` on flattened windows."""
    w, b = logistic_fit(x_fit, y_fit, l2)
    return np.asarray(2.0 * expit(_flat(x_test) @ w + b) - 1.0, dtype=np.float64)


def ridge_fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Weights and intercept minimizing ``|y - x w - b|^2 + l2 |w|^2`` (intercept free):
    scikit-learn's ``Ridge(alpha=l2)``, solved in closed form."""
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2}")
    a, t = _fit_data(x, y, "ridge")
    model = Ridge(alpha=l2).fit(a, t)
    return np.asarray(model.coef_, dtype=np.float64), float(model.intercept_)


def ridge_baseline(
    x_fit: np.ndarray, y_fit: np.ndarray, x_test: np.ndarray, l2: float = 1.0
) -> np.ndarray:
    """Predicted returns of a ridge regression of ``y_fit`` on flattened windows."""
    w, b = ridge_fit(x_fit, y_fit, l2)
    predicted: np.ndarray = _flat(x_test) @ w + b
    return predicted


def linear_baseline(
    x_fit: np.ndarray, y_fit: np.ndarray, x_test: np.ndarray, label: LabelKind, l2: float = 1.0
) -> np.ndarray:
    """The linear model that fits the label kind (see the module notes); NaN labels dropped."""
    y = np.asarray(y_fit, dtype=np.float64).reshape(-1)
    keep = ~np.isnan(y)
    xf, y = _flat(x_fit)[keep], y[keep]
    if label == "regression":
        return ridge_baseline(xf, y, x_test, l2)
    if label == "multiclass":
        up = logistic_baseline(xf, (y == 2).astype(float), x_test, l2)
        down = logistic_baseline(xf, (y == 0).astype(float), x_test, l2)
        return np.asarray(np.clip((up - down) / 2.0, -1.0, 1.0), dtype=np.float64)
    return logistic_baseline(xf, (y > 0).astype(float), x_test, l2)


def typical_move(y_fit: np.ndarray) -> float:
    """Mean absolute training label (return), the size of a directional regression baseline."""
    y = np.abs(np.asarray(y_fit, dtype=np.float64))
    y = y[~np.isnan(y)]
    return float(y.mean()) if len(y) else 0.0


def baseline_scores(
    name: str,
    *,
    x_fit: np.ndarray,
    y_fit: np.ndarray,
    x_test: np.ndarray,
    label: LabelKind,
    feature_names: Sequence[str],
    scaler: Scaler | None = None,
    l2: float = 1.0,
) -> np.ndarray:
    """Scores of baseline ``name`` (one of `BASELINES`) for the rows of ``x_test``.

    ``scaler`` is the scaler already applied to ``x_test`` (for ``previous_direction``).
    """
    n = len(x_test)
    if name == "always_long":
        direction = always_long(n)
    elif name == "majority_class":
        direction = majority_class(y_fit, label, n)
    elif name == "previous_direction":
        direction = previous_direction(x_test, feature_names, scaler)
    elif name == "linear":
        return linear_baseline(x_fit, y_fit, x_test, label, l2)
    else:
        raise ValueError(f"unknown baseline {name!r}; choose from {', '.join(BASELINES)}")
    return direction * typical_move(y_fit) if label == "regression" else direction


def window_baseline_scores(
    name: str,
    windows: WindowSet,
    fit_mask: np.ndarray,
    test_mask: np.ndarray,
    l2: float = 1.0,
) -> np.ndarray:
    """`baseline_scores` for the test rows of a `WindowSet`, trained on its fit rows.

    The linear model sees x re-scaled with a scaler fit on the fit rows only
    (`trader.research.walkforward.rescale`), so nothing after the fit part leaks in through scaling.
    Only the linear model needs whole windows; the others see each window's last day.
    """
    fit_mask, test_mask = np.asarray(fit_mask, bool), np.asarray(test_mask, bool)
    scaler: Scaler | None = windows.scaler
    if name == "linear":
        rows = rescale(windows, fit_mask)
        x_fit, x_test, scaler = windows.take(fit_mask, rows), windows.take(test_mask, rows), None
    else:
        last = windows.rows[windows.starts + windows.length - 1][:, None, :]  # (n, 1, F)
        x_fit, x_test = last[fit_mask], last[test_mask]
    return baseline_scores(
        name,
        x_fit=x_fit,
        y_fit=windows.labels[fit_mask],
        x_test=x_test,
        label=windows.label,
        feature_names=windows.feature_names,
        scaler=scaler,
        l2=l2,
    )
