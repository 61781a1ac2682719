"""How good the out-of-sample predictions were, per predictor and ticker.

Every label kind is judged on the same question, the direction of the forward return: a score
above 0 is a call "up". Hit rate is the share of correct direction calls (`scoring.hit_rate`);
accuracy, precision, recall, F1 and AUC treat "up" as the positive class (AUC ranks by the
score). Regression predictors (whose score is the predicted return) also get MAE and RMSE.
Rows without a realized forward return (the last days of the data) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trader.evaluate import scoring


def direction_scores(
    score: np.ndarray, forward_return: np.ndarray, *, regression: bool = False
) -> dict[str, float | int | None]:
    """Direction metrics of ``score`` against the realized ``forward_return``."""
    fwd = np.asarray(forward_return, dtype=float)
    known = ~np.isnan(fwd)
    fwd, s = fwd[known], np.asarray(score, dtype=float)[known]
    out: dict[str, float | int | None] = {"predictions": int(known.sum())}
    if not known.any():
        return out
    up = (fwd > 0).astype(int)
    out["hit_rate"] = scoring.hit_rate(s, fwd)
    out["up_rate"] = float(up.mean())
    out.update(scoring.classification_scores(up, (s > 0).astype(int), s))
    if regression:
        reg = scoring.regression_scores(fwd, s)
        out["mae"], out["rmse"] = reg["mae"], reg["rmse"]
    return out


def hits(predictions: pd.DataFrame) -> np.ndarray:
    """1/0 per prediction with a realized return, in date order: was the direction right?"""
    known = predictions.dropna(subset=["forward_return"]).sort_values(["date", "ticker"])
    score = known["score"].to_numpy(float)
    fwd = known["forward_return"].to_numpy(float)
    return np.asarray((score > 0) == (fwd > 0), dtype=np.float64)


def prediction_table(
    predictions: pd.DataFrame, *, regression: bool = False
) -> dict[str, dict[str, float | int | None]]:
    """`direction_scores` for all rows (key ``TOTAL``) and per ticker."""
    out = {"TOTAL": _of(predictions, regression)}
    for ticker, rows in predictions.groupby("ticker", sort=True):
        out[str(ticker)] = _of(rows, regression)
    return out


def _of(rows: pd.DataFrame, regression: bool) -> dict[str, float | int | None]:
    return direction_scores(
        rows["score"].to_numpy(float), rows["forward_return"].to_numpy(float), regression=regression
    )
