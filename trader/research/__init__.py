"""Stage 3, research: windows without look-ahead, purged walk-forward, out-of-sample fits.

- `windows`: per-day features, sliding windows of L days (rows and window starts), labels
  for horizon h
- `scaling`: the per-feature scaler, fit on training rows only; `Rescaling` applies a fold's
  scaler to windows batch by batch
- `walkforward`: purged, embargoed folds; per-fold scaling; stitching folds into one series
- `baselines`: naive and linear predictors on the same windows, to compare the models against
- `oos`: every model (`trader.models`) and baseline refit per fold; the stitched predictions
"""

from __future__ import annotations

from trader.research.baselines import BASELINES, baseline_scores, window_baseline_scores
from trader.research.oos import (
    PREDICTION_COLUMNS,
    OutOfSample,
    out_of_sample,
    protocol_folds,
    raw_windows,
)
from trader.research.scaling import Rescaling, Scaler
from trader.research.walkforward import (
    Fold,
    WalkForwardSpec,
    fold_masks,
    fold_rescaling,
    fold_scaler,
    folds_table,
    make_folds,
    rescale,
    stitch,
)
from trader.research.windows import (
    SplitDates,
    WindowSet,
    build_windows,
    compute_features,
    feature_columns,
    forward_returns,
    make_labels,
)

__all__ = [
    "BASELINES",
    "PREDICTION_COLUMNS",
    "Fold",
    "OutOfSample",
    "Rescaling",
    "Scaler",
    "SplitDates",
    "WalkForwardSpec",
    "WindowSet",
    "baseline_scores",
    "build_windows",
    "compute_features",
    "feature_columns",
    "fold_masks",
    "fold_rescaling",
    "fold_scaler",
    "folds_table",
    "forward_returns",
    "make_folds",
    "make_labels",
    "out_of_sample",
    "protocol_folds",
    "raw_windows",
    "rescale",
    "stitch",
    "window_baseline_scores",
]
