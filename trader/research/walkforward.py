"""Purged, embargoed walk-forward folds over decision dates.

After an initial training span of ``min_train_days`` decision days, the rest of the history is cut
into ``n_folds`` consecutive test folds that cover it exactly once, to the end. Before each test
fold the models are retrained on an expanding span (all earlier days) or a rolling one (the last
``train_days`` days). The last ``val_fraction`` of that span is the validation part used for early
stopping only; nothing of the test fold is seen before its predictions are made.

Purge and embargo. A window decided on day t has its label on day t+h (h = the label horizon, in
trading days). A training or validation window is kept only if its label is known before the part
that follows it: fit labels before the validation start, validation labels before the test start.
So the last h decision days before each boundary are dropped, and ``embargo_days`` more are
dropped before the test fold. `fold_masks` applies the purge to each window's own label date, so
it stays exact when a ticker skips days.

Complete windows at fold starts. Windows are built once from the whole history and each uses only
days up to its decision day, so the first test window of a fold simply looks back into days of
the training span: its inputs are complete and known at its decision time. That is not a leak;
only labels are purged.

Scaling. `build_windows` scales x with a scaler fit on its own (holdout) training period, which
can end after a fold's test start. Refit per fold on the fold's fit rows with `fold_scaler`, and
apply it batch by batch with `fold_rescaling` (`WindowSet.samples(transform=...)`: no copy of
the rows) or to a copy of the rows with `rescale`; or build the windows unscaled
(``scaler=Scaler.identity(width)``) and scale per fold.

The out-of-sample predictions of all folds are joined with `stitch` into the one series the
backtest uses.

Written here by hand: scikit-learn's ``TimeSeriesSplit`` splits rows, not trading days shared
by several tickers, and knows neither label dates (purge) nor embargo.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from trader.errors import DataError
from trader.research.scaling import Rescaling, Scaler
from trader.research.windows import WindowSet

if TYPE_CHECKING:
    from trader.config import ProtocolConfig

Mode = Literal["expanding", "rolling"]
CHUNK = 65_536  # rows scaled at a time: no float64 copy of every feature row


@dataclass(frozen=True)
class WalkForwardSpec:
    """How to cut the history into walk-forward folds (all lengths in trading days)."""

    n_folds: int = 4
    mode: Mode = "expanding"
    train_days: int | None = None
    min_train_days: int = 250
    val_fraction: float = 0.2
    embargo_days: int = 0

    def __post_init__(self) -> None:
        if self.n_folds < 1:
            raise ValueError(f"n_folds must be at least 1, got {self.n_folds}")
        if self.mode not in ("expanding", "rolling"):
            raise ValueError(f"mode must be 'expanding' or 'rolling', got {self.mode!r}")
        if self.train_days is not None:
            if self.mode != "rolling":
                raise ValueError("train_days applies to mode 'rolling' only")
            if self.train_days < 2:
                raise ValueError(f"train_days must be at least 2, got {self.train_days}")
        if self.min_train_days < 2:
            raise ValueError(f"min_train_days must be at least 2, got {self.min_train_days}")
        if not 0.0 < self.val_fraction < 1.0:
            raise ValueError(f"val_fraction must be in (0, 1), got {self.val_fraction}")
        if self.embargo_days < 0:
            raise ValueError(f"embargo_days must be >= 0, got {self.embargo_days}")

    @property
    def window_days(self) -> int:
        """Length of a rolling training span (defaults to the first training span)."""
        return self.train_days if self.train_days is not None else self.min_train_days

    @classmethod
    def from_config(cls, protocol: ProtocolConfig) -> WalkForwardSpec:
        """The spec of a run's ``protocol`` section (``train_days`` is ignored when expanding)."""
        return cls(
            n_folds=protocol.folds,
            mode=protocol.mode,
            train_days=protocol.train_days if protocol.mode == "rolling" else None,
            min_train_days=protocol.min_train_days,
            val_fraction=protocol.val_fraction,
            embargo_days=protocol.embargo_days,
        )


@dataclass(frozen=True)
class Fold:
    """One fold: fit, validation and test parts as inclusive decision-date ranges.

    ``embargo_start`` is the first day no validation label may reach (``test_start`` without an
    embargo); fit labels must be known before ``val_start``.
    """

    index: int
    fit_start: pd.Timestamp
    fit_end: pd.Timestamp
    val_start: pd.Timestamp
    val_end: pd.Timestamp
    embargo_start: pd.Timestamp
    test_start: pd.Timestamp
    test_end: pd.Timestamp

    def masks(
        self, window_dates: np.ndarray, label_dates: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fit, val, test) row masks of windows with these decision and label dates."""
        return fold_masks(window_dates, label_dates, self)

    def window_masks(self, windows: WindowSet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fit, val, test) row masks over a `WindowSet`."""
        return fold_masks(windows.dates, windows.label_dates, self)


def make_folds(dates: pd.DatetimeIndex, horizon: int, spec: WalkForwardSpec) -> list[Fold]:
    """Purged, embargoed walk-forward folds over sorted unique decision dates.

    Days ``dates[min_train_days:]`` are cut into ``n_folds`` consecutive test folds (sizes differ
    by at most one day, earlier folds longer). For a test fold starting at index a, the training
    span is ``[0, a)`` (expanding) or ``[a - train_days, a)`` (rolling); its usable days end at
    ``a - 1 - horizon - embargo_days``; the last ``val_fraction`` of them (at least one day) is
    the validation part, and the fit part ends ``horizon`` days before it.
    """
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    days = pd.DatetimeIndex(dates)
    if days.has_duplicates or not days.is_monotonic_increasing:
        raise ValueError("dates must be sorted unique trading days")
    n_test = len(days) - spec.min_train_days
    if n_test < spec.n_folds:
        raise DataError(
            f"only {len(days)} trading days: {spec.n_folds} test folds after "
            f"min_train_days={spec.min_train_days} need at least "
            f"{spec.min_train_days + spec.n_folds}"
        )
    bounds = np.array_split(np.arange(spec.min_train_days, len(days)), spec.n_folds)
    folds = []
    for k, test in enumerate(bounds):
        a, b = int(test[0]), int(test[-1])
        start = 0 if spec.mode == "expanding" else max(0, a - spec.window_days)
        last = a - 1 - horizon - spec.embargo_days
        usable = last - start + 1
        n_val = max(1, round(usable * spec.val_fraction))
        fit_last = last - n_val - horizon
        if fit_last - start + 1 < 2:
            raise DataError(
                f"fold {k}: a training span of {a - start} days leaves fewer than 2 fit days "
                f"after purging horizon {horizon}, embargo {spec.embargo_days} and {n_val} "
                "validation days; raise min_train_days or train_days"
            )
        folds.append(
            Fold(
                index=k,
                fit_start=days[start],
                fit_end=days[fit_last],
                val_start=days[last - n_val + 1],
                val_end=days[last],
                embargo_start=days[a - spec.embargo_days],
                test_start=days[a],
                test_end=days[b],
            )
        )
    return folds


def fold_masks(
    window_dates: np.ndarray, label_dates: np.ndarray, fold: Fold
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fit, val, test) boolean masks over windows (rows of several tickers share dates).

    Fit and validation rows need a known label date before the next part (``val_start``,
    ``embargo_start``); test rows are kept even without a label, to be predicted.
    """
    d = pd.DatetimeIndex(window_dates)
    lab = pd.DatetimeIndex(label_dates)
    if len(d) != len(lab):
        raise ValueError(f"{len(d)} window dates but {len(lab)} label dates")
    known = np.asarray(lab.notna())
    fit = (d >= fold.fit_start) & (d <= fold.fit_end) & known & (lab < fold.val_start)
    val = (d >= fold.val_start) & (d <= fold.val_end) & known & (lab < fold.embargo_start)
    test = (d >= fold.test_start) & (d <= fold.test_end)
    return np.asarray(fit), np.asarray(val), np.asarray(test)


def folds_table(folds: list[Fold]) -> pd.DataFrame:
    """One row per fold with its date ranges, for reports."""
    return pd.DataFrame([asdict(f) for f in folds]).set_index("index")


def fold_scaler(windows: WindowSet, fit_mask: np.ndarray) -> Scaler:
    """A `Scaler` fit on the distinct (ticker, day) feature rows covered by the fit windows.

    Like `build_windows`, each day's feature row counts once per ticker even though it appears
    in up to L overlapping windows; rows after the last fit window are never seen.
    """
    covered = windows.covered(np.asarray(fit_mask, dtype=bool))
    # the covered rows CHUNK at a time, in order: the row where each chunk's count starts
    counts = np.cumsum(covered, dtype=np.int32)
    total = int(counts[-1]) if len(counts) else 0
    bounds = [0, *np.searchsorted(counts, np.arange(CHUNK, total, CHUNK), "right")]
    del counts
    chunks = (slice(a, b) for a, b in zip(bounds, [*bounds[1:], len(covered)], strict=True))
    return Scaler.fit_chunks(
        windows.scaler.inverse(windows.rows[part][covered[part]]) for part in chunks
    )


def fold_rescaling(windows: WindowSet, fit_mask: np.ndarray) -> Rescaling:
    """The re-scaling of ``windows.rows`` by a scaler fit on this fold's fit rows only
    (`fold_scaler`), to apply batch by batch (`WindowSet.samples`)."""
    return Rescaling(windows.scaler, fold_scaler(windows, np.asarray(fit_mask, dtype=bool)))


def rescale(windows: WindowSet, fit_mask: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """``windows.rows`` re-scaled (float32) with a scaler fit on this fold's fit rows only: a
    copy of the rows (`fold_rescaling` applied ``chunk`` rows at a time)."""
    rescaling = fold_rescaling(windows, fit_mask)
    out = np.empty_like(windows.rows)
    for a in range(0, len(out), chunk):
        out[a : a + chunk] = rescaling(windows.rows[a : a + chunk])
    return out


def stitch(fold_predictions: list[pd.DataFrame]) -> pd.DataFrame:
    """Join per-fold out-of-sample predictions (ticker, date, score, ...) into one series.

    Folds must come in order (each fold's dates after the previous fold's) and no (ticker, date)
    may appear twice. Adds a ``fold`` column (the position in the list) unless present; sorted by
    date, then ticker.
    """
    if not fold_predictions:
        raise ValueError("no fold predictions to stitch")
    frames = []
    last_date: pd.Timestamp | None = None
    for k, frame in enumerate(fold_predictions):
        missing = {"ticker", "date"} - set(frame.columns)
        if missing:
            raise ValueError(f"fold {k} predictions lack columns {sorted(missing)}")
        if frame.empty:
            continue
        dates = pd.DatetimeIndex(frame["date"])
        if last_date is not None and dates.min() <= last_date:
            raise ValueError(
                f"fold {k} starts on {dates.min().date()}, not after the previous fold's last "
                f"date {last_date.date()}: folds are out of order or overlap"
            )
        last_date = dates.max()
        frames.append(frame if "fold" in frame.columns else frame.assign(fold=k))
    if not frames:
        return fold_predictions[0].iloc[0:0].assign(fold=pd.Series(dtype=np.int64))
    out = pd.concat(frames, ignore_index=True)
    dup = out.duplicated(["ticker", "date"])
    if dup.any():
        row = out.loc[dup].iloc[0]
        raise ValueError(f"ticker {row['ticker']} on {row['date']} is predicted twice")
    return out.sort_values(["date", "ticker"], kind="mergesort").reset_index(drop=True)
