"""Sliding price windows and labels, built without look-ahead.

A feature at day t uses prices up to and including day t only. The window ending at day t holds
the features of days t-L+1 .. t. Its label is about the future (t -> t+h) and is used only as a
training target, never as an input. The chronological split assigns each window to train,
validation or test by its end date; a training (validation) window whose label reaches past the
end of its period is purged. Scalers are fit on the feature rows of the training period only.

Windows are never stored as one (windows, L, features) array: a `WindowSet` keeps each ticker's
feature rows once and the first row of each window, and `WindowSet.samples` hands them to
`trader.models` as views that training gathers batch by batch (memory O(rows x features)).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trader.config import CANARY_FEATURE, LabelKind, WindowConfig
from trader.errors import DataError
from trader.research.scaling import Scaler

if TYPE_CHECKING:  # Keras loads only when windows are handed to the models
    from trader import models

SPLITS = ("train", "val", "test")
MULTICLASS_NAMES = ("down", "flat", "up")


def feature_columns(features: Sequence[str]) -> list[str]:
    """Names of the columns each feature contributes, in order."""
    names: dict[str, list[str]] = {
        "return": ["return"],
        "log_return": ["log_return"],
        "ohlc": ["open_rel", "high_rel", "low_rel", "close_rel"],
        "volume_change": ["volume_change"],
        CANARY_FEATURE: [CANARY_FEATURE],
    }
    return [col for f in features for col in names[f]]


def window_features(config: WindowConfig, *, canary: bool = False) -> list[str]:
    """The configured features, plus the audit's leaking canary when ``canary`` is set."""
    return [*config.features, CANARY_FEATURE] if canary else list(config.features)


def compute_features(bars: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """Per-day features of one ticker's bars (sorted by date), using day t and t-1 only.

    - return: close_t / close_{t-1} - 1
    - log_return: log(close_t / close_{t-1})
    - ohlc: log of open, high, low, close at t relative to close_{t-1}
    - volume_change: log((volume_t + 1) / (volume_{t-1} + 1))
    - canary_next_return: log(close_{t+1} / close_t), a deliberate leak that peeks one day
      ahead; it exists only so that `trader audit` can prove its check catches a leak

    The first row has no previous day and is dropped.
    """
    close = bars["close"].to_numpy(dtype=float)
    prev = np.roll(close, 1)
    out: dict[str, np.ndarray] = {}
    for feature in features:
        if feature == "return":
            out["return"] = close / prev - 1.0
        elif feature == "log_return":
            out["log_return"] = np.log(close / prev)
        elif feature == "ohlc":
            for col in ("open", "high", "low", "close"):
                out[f"{col}_rel"] = np.log(bars[col].to_numpy(dtype=float) / prev)
        elif feature == "volume_change":
            vol = bars["volume"].to_numpy(dtype=float)
            out["volume_change"] = np.log((vol + 1.0) / (np.roll(vol, 1) + 1.0))
        elif feature == CANARY_FEATURE:
            ahead = np.append(close[1:], close[-1])
            out[CANARY_FEATURE] = np.log(ahead / close)
    frame = pd.DataFrame(out, index=pd.DatetimeIndex(bars["date"]))
    return frame.iloc[1:]


def forward_returns(close: np.ndarray, horizon: int) -> np.ndarray:
    """close_{t+h} / close_t - 1, NaN for the last h days."""
    out = np.full(close.shape, np.nan)
    if len(close) > horizon:
        out[:-horizon] = close[horizon:] / close[:-horizon] - 1.0
    return out


def make_labels(fwd: np.ndarray, kind: LabelKind, flat_threshold: float) -> np.ndarray:
    """Labels from forward returns (NaN where the future is unknown).

    binary: 1 if up (> 0) else 0; multiclass: 0 down (< -thr), 1 flat, 2 up (> thr);
    regression: the forward return; sign: +1 if up else -1 (for hinge losses).
    """
    labels = np.full(fwd.shape, np.nan)
    known = ~np.isnan(fwd)
    f = fwd[known]
    if kind == "binary":
        labels[known] = (f > 0).astype(float)
    elif kind == "multiclass":
        labels[known] = np.where(f > flat_threshold, 2.0, np.where(f < -flat_threshold, 0.0, 1.0))
    elif kind == "regression":
        labels[known] = f
    else:
        labels[known] = np.where(f > 0, 1.0, -1.0)
    return labels


@dataclass(frozen=True)
class SplitDates:
    """Last date of the training and validation periods; the test period follows."""

    train_end: pd.Timestamp
    val_end: pd.Timestamp

    def of(self, dates: np.ndarray) -> np.ndarray:
        d = pd.DatetimeIndex(dates)
        return np.where(d <= self.train_end, "train", np.where(d <= self.val_end, "val", "test"))


@dataclass(frozen=True)
class WindowSet:
    """Windows of all tickers, with one row of metadata per window.

    ``rows`` (float32, scaled by ``scaler``) holds every ticker's feature rows one after the
    other; window i is ``rows[starts[i] : starts[i] + length]`` (never copied out as a whole).
    """

    rows: np.ndarray
    starts: np.ndarray
    length: int
    labels: np.ndarray
    forward_return: np.ndarray
    tickers: np.ndarray
    dates: np.ndarray
    label_dates: np.ndarray
    split: np.ndarray
    feature_names: list[str]
    label: LabelKind
    scaler: Scaler
    split_dates: SplitDates

    def part(self, name: str, *, labelled: bool = True) -> np.ndarray:
        """Boolean mask of one split; training and validation windows need a label within their
        period (purge), test windows are kept for prediction even without a label."""
        mask: np.ndarray = self.split == name
        if labelled:
            mask &= ~np.isnan(self.labels)
            if name in ("train", "val"):
                end = self.split_dates.train_end if name == "train" else self.split_dates.val_end
                mask &= pd.DatetimeIndex(self.label_dates) <= end
        return mask

    @property
    def n_classes(self) -> int:
        return 3 if self.label == "multiclass" else 2

    @property
    def shape(self) -> tuple[int, int]:
        """One window's shape: (length, features)."""
        return (self.length, self.rows.shape[1])

    def take(self, mask: np.ndarray | None = None, rows: np.ndarray | None = None) -> np.ndarray:
        """The windows selected by ``mask`` (default all) as one (n, length, features) array,
        cut from ``rows`` (default these rows). A copy: for the few that need one (prediction,
        the linear baseline); training never builds it (`samples`)."""
        source = self.rows if rows is None else rows
        starts = self.starts if mask is None else self.starts[mask]
        out: np.ndarray = source[starts[:, None] + np.arange(self.length)]
        return out

    def covered(self, mask: np.ndarray) -> np.ndarray:
        """A boolean mask of the rows that the windows selected by ``mask`` use."""
        starts = self.starts[mask]
        edges = np.zeros(len(self.rows) + 1, dtype=np.int32)
        np.add.at(edges, starts, 1)
        np.add.at(edges, starts + self.length, -1)
        del starts
        used: np.ndarray = np.cumsum(edges[:-1], dtype=np.int32) > 0
        return used

    def samples(
        self,
        rows: np.ndarray | None = None,
        transform: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> models.Windows:
        """The windows as `trader.models.Windows` over ``rows`` (default: these rows), views
        into the rows that training gathers batch by batch, ``transform`` (e.g. a fold's
        `Rescaling`) applied to each batch (imports Keras)."""
        from trader import models

        source = self.rows if rows is None else rows
        return models.Windows(source, self.starts, self.length, transform)


def split_dates(dates: pd.DatetimeIndex, config: WindowConfig) -> SplitDates:
    """Chronological split of the distinct trading dates by the configured fractions."""
    unique = dates.unique().sort_values()
    if len(unique) < 10:
        raise DataError(f"only {len(unique)} trading days: too few to split into train/val/test")
    i_train = max(int(len(unique) * config.train_fraction) - 1, 0)
    i_val = max(int(len(unique) * (config.train_fraction + config.val_fraction)) - 1, i_train + 1)
    return SplitDates(train_end=unique[i_train], val_end=unique[i_val])


def build_windows(
    bars: pd.DataFrame,
    config: WindowConfig,
    *,
    splits: SplitDates | None = None,
    scaler: Scaler | None = None,
    canary: bool = False,
) -> WindowSet:
    """Windows and labels for every ticker in a tidy bars frame (ticker, date, OHLCV).

    ``splits`` and ``scaler`` come from a saved run when predicting again; otherwise the split is
    computed from the dates and the scaler is fit on the training rows. ``canary`` adds the
    leakage audit's look-ahead feature (`trader.evaluate.audit` only).
    """
    features = window_features(config, canary=canary)
    if bars.empty:
        raise DataError("no prices to build windows from")
    bars = bars.sort_values(["ticker", "date"])
    per_ticker = {str(t): g.reset_index(drop=True) for t, g in bars.groupby("ticker", sort=True)}
    feats = {t: compute_features(g, features) for t, g in per_ticker.items()}
    if splits is None:
        all_dates = pd.DatetimeIndex(np.concatenate([f.index.to_numpy() for f in feats.values()]))
        splits = split_dates(all_dates, config)
    if scaler is None:
        train_rows = np.concatenate(
            [f.to_numpy()[f.index <= splits.train_end] for f in feats.values()]
        )
        width = len(feature_columns(features))
        scaler = Scaler.fit(train_rows) if config.scale else Scaler.identity(width)
    cut = (_ticker_windows(t, per_ticker[t], feats[t], config, scaler) for t in per_ticker)
    parts = [p for p in cut if p is not None]
    if not parts:
        raise DataError(
            f"no ticker has more than {config.length + 1} days: too short for windows of "
            f"length {config.length}"
        )
    offsets = np.cumsum([0] + [len(p[0]) for p in parts[:-1]])  # each ticker's first row
    starts = np.concatenate([int(off) + p[1] for off, p in zip(offsets, parts, strict=True)])
    rows, _, fwd, tickers, dates, label_dates = (
        np.concatenate(cols) for cols in zip(*parts, strict=True)
    )
    return WindowSet(
        rows=rows.astype(np.float32),
        starts=starts.astype(np.int64),
        length=config.length,
        labels=make_labels(fwd, config.label, config.flat_threshold),
        forward_return=fwd,
        tickers=tickers,
        dates=dates,
        label_dates=label_dates,
        split=splits.of(dates),
        feature_names=feature_columns(features),
        label=config.label,
        scaler=scaler,
        split_dates=splits,
    )


def _ticker_windows(
    ticker: str,
    bars: pd.DataFrame,
    feats: pd.DataFrame,
    config: WindowConfig,
    scaler: Scaler,
) -> tuple[np.ndarray, ...] | None:
    length = config.length
    if len(feats) < length:
        return None
    scaled = scaler.transform(feats.to_numpy())
    starts = np.arange(len(scaled) - length + 1)
    close = bars["close"].to_numpy(dtype=float)[1:]
    all_dates = bars["date"].to_numpy().astype("M8[ns]")[1:]
    fwd = forward_returns(close, config.horizon)[length - 1 :]
    dates = all_dates[length - 1 :]
    shifted = np.concatenate([all_dates, np.full(config.horizon, np.datetime64("NaT"), "M8[ns]")])
    label_dates = shifted[length - 1 + config.horizon :][: len(dates)]
    return scaled, starts, fwd, np.full(len(dates), ticker, dtype=object), dates, label_dates
