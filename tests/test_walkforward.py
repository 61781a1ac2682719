"""Walk-forward folds: coverage, purge and embargo, spans, masks, per-fold scaling, stitching."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trader.config import ProtocolConfig, WindowConfig
from trader.errors import DataError
from trader.research.scaling import Scaler
from trader.research.walkforward import (
    Fold,
    WalkForwardSpec,
    fold_masks,
    fold_scaler,
    folds_table,
    make_folds,
    rescale,
    stitch,
)
from trader.research.windows import build_windows, compute_features

DAYS = pd.bdate_range("2020-01-01", periods=600)


def make_bars(n: int = 400, tickers: tuple[str, ...] = ("AAA", "BBB"), seed: int = 0):
    rng = np.random.default_rng(seed)
    frames = []
    dates = pd.bdate_range("2020-01-01", periods=n)
    for i, ticker in enumerate(tickers):
        close = 50 * (i + 1) * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
        open_ = close * np.exp(rng.normal(0, 0.003, n))
        frames.append(
            pd.DataFrame(
                {
                    "ticker": ticker,
                    "date": dates,
                    "open": open_,
                    "high": np.maximum(open_, close) * 1.01,
                    "low": np.minimum(open_, close) * 0.99,
                    "close": close,
                    "volume": rng.integers(1_000, 5_000, n).astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def pos(ts: pd.Timestamp) -> int:
    return int(DAYS.get_loc(ts))


@pytest.mark.parametrize("mode", ["expanding", "rolling"])
@pytest.mark.parametrize("n_folds", [1, 3, 4, 7])
def test_test_folds_cover_the_test_span_once_in_order(mode: str, n_folds: int) -> None:
    spec = WalkForwardSpec(n_folds=n_folds, mode=mode, min_train_days=250)
    folds = make_folds(DAYS, 5, spec)
    assert [f.index for f in folds] == list(range(n_folds))
    covered = np.concatenate([np.arange(pos(f.test_start), pos(f.test_end) + 1) for f in folds])
    assert covered.tolist() == list(range(250, len(DAYS)))
    sizes = [pos(f.test_end) - pos(f.test_start) + 1 for f in folds]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("horizon", [1, 5])
@pytest.mark.parametrize("embargo", [0, 3])
@pytest.mark.parametrize("mode", ["expanding", "rolling"])
def test_purge_and_embargo_at_every_boundary(horizon: int, embargo: int, mode: str) -> None:
    spec = WalkForwardSpec(n_folds=4, mode=mode, min_train_days=200, embargo_days=embargo)
    for f in make_folds(DAYS, horizon, spec):
        fit_end, val_start, val_end = pos(f.fit_end), pos(f.val_start), pos(f.val_end)
        test_start = pos(f.test_start)
        # a label of day t is known on day t + horizon
        assert fit_end + horizon < val_start
        assert fit_end + horizon == val_start - 1  # exactly `horizon` days purged, no more
        assert val_end + horizon + embargo == test_start - 1
        assert pos(f.embargo_start) == test_start - embargo
        assert pos(f.fit_start) <= fit_end < val_start <= val_end < test_start


def test_expanding_and_rolling_spans() -> None:
    expanding = make_folds(DAYS, 1, WalkForwardSpec(n_folds=4, min_train_days=250))
    assert all(f.fit_start == DAYS[0] for f in expanding)
    rolling = make_folds(DAYS, 1, WalkForwardSpec(n_folds=4, mode="rolling", min_train_days=250))
    # default rolling length: the first training span
    assert [pos(f.test_start) - pos(f.fit_start) for f in rolling] == [250] * 4
    assert rolling[0].fit_start == DAYS[0] and rolling[-1].fit_start > DAYS[0]
    short = WalkForwardSpec(n_folds=4, mode="rolling", min_train_days=250, train_days=100)
    assert [pos(f.test_start) - pos(f.fit_start) for f in make_folds(DAYS, 1, short)] == [100] * 4
    # the validation part is the last val_fraction of the usable span
    f = expanding[0]
    usable = pos(f.val_end) - pos(f.fit_start) + 1
    assert pos(f.val_end) - pos(f.val_start) + 1 == round(0.2 * usable)


def test_too_few_days() -> None:
    with pytest.raises(DataError, match="only 253 trading days"):
        make_folds(DAYS[:253], 1, WalkForwardSpec(n_folds=4, min_train_days=250))
    with pytest.raises(DataError, match="fewer than 2 fit days"):
        make_folds(DAYS, 20, WalkForwardSpec(n_folds=2, min_train_days=25))
    with pytest.raises(ValueError, match="sorted unique"):
        make_folds(DAYS[::-1], 1, WalkForwardSpec())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_folds": 0}, "n_folds"),
        ({"mode": "sliding"}, "mode"),
        ({"train_days": 100}, "rolling"),
        ({"mode": "rolling", "train_days": 1}, "train_days"),
        ({"min_train_days": 1}, "min_train_days"),
        ({"val_fraction": 0.0}, "val_fraction"),
        ({"val_fraction": 1.0}, "val_fraction"),
        ({"embargo_days": -1}, "embargo_days"),
    ],
)
def test_spec_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WalkForwardSpec(**kwargs)


def test_spec_from_config() -> None:
    spec = WalkForwardSpec.from_config(ProtocolConfig(folds=3, embargo_days=2, train_days=300))
    assert spec == WalkForwardSpec(n_folds=3, embargo_days=2)  # train_days unused: expanding
    rolling = WalkForwardSpec.from_config(ProtocolConfig(mode="rolling", train_days=300))
    assert rolling.window_days == 300


def ticker_rows(days: pd.DatetimeIndex, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    label = np.full(len(days), np.datetime64("NaT"), "M8[ns]")
    label[:-horizon] = days[horizon:].to_numpy()
    return days.to_numpy(), label


@pytest.mark.parametrize("horizon", [1, 5])
@pytest.mark.parametrize("embargo", [0, 2])
def test_masks_purge_on_label_dates_with_gaps(horizon: int, embargo: int) -> None:
    gappy = DAYS.delete(list(range(190, 230, 3)) + list(range(330, 345)))
    parts = [ticker_rows(DAYS, horizon), ticker_rows(gappy, horizon)]
    dates = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    spec = WalkForwardSpec(n_folds=4, min_train_days=200, embargo_days=embargo)
    test_seen = np.zeros(len(dates), dtype=int)
    for f in make_folds(DAYS, horizon, spec):
        fit, val, test = fold_masks(dates, labels, f)
        assert not (fit & val).any() and not (val & test).any() and not (fit & test).any()
        assert (labels[fit] < np.datetime64(f.val_start)).all()
        assert (labels[val] < np.datetime64(f.embargo_start)).all()
        assert (labels[val] < np.datetime64(f.test_start)).all()
        assert (dates[test] >= np.datetime64(f.test_start)).all()
        # the complete ticker keeps every fit/val day of the fold
        full = np.arange(len(DAYS))
        assert fit[full].sum() == pos(f.fit_end) - pos(f.fit_start) + 1
        assert val[full].sum() == pos(f.val_end) - pos(f.val_start) + 1
        test_seen += test
        assert f.masks(dates, labels)[0].tolist() == fit.tolist()
    # every test-span row (labelled or not) is predicted exactly once
    assert (test_seen[dates >= np.datetime64(DAYS[200])] == 1).all()
    assert (test_seen[dates < np.datetime64(DAYS[200])] == 0).all()


def test_windows_masks_and_per_fold_scaler() -> None:
    config = WindowConfig(length=10, horizon=3)
    windows = build_windows(make_bars(), config)
    days = pd.DatetimeIndex(np.unique(windows.dates))
    folds = make_folds(days, config.horizon, WalkForwardSpec(n_folds=3, min_train_days=150))
    assert len(folds_table(folds)) == 3
    fit, _, test = folds[0].window_masks(windows)
    assert fit.sum() > 0 and test.sum() > 0
    # unscaled rows undo the build's scaler
    raw = build_windows(make_bars(), config, scaler=Scaler.identity(2))
    np.testing.assert_allclose(windows.scaler.inverse(windows.rows), raw.rows, atol=1e-5)
    # the fold scaler is fit on each ticker's feature rows up to the last fit window only
    rows = []
    for _, g in make_bars().groupby("ticker"):
        feats = compute_features(g.reset_index(drop=True), config.features)
        rows.append(feats.to_numpy()[feats.index <= folds[0].fit_end])
    expected = Scaler.fit(np.concatenate(rows))
    got = fold_scaler(windows, fit)
    np.testing.assert_allclose(got.mean, expected.mean, atol=1e-6)
    np.testing.assert_allclose(got.std, expected.std, rtol=1e-5)
    rows = rescale(windows, fit)  # the rows, O(rows x features); the windows are views of them
    assert rows.dtype == np.float32 and rows.shape == windows.rows.shape
    np.testing.assert_allclose(rows, expected.transform(raw.rows), atol=1e-4)
    np.testing.assert_allclose(windows.take(rows=rows), expected.transform(raw.take()), atol=1e-4)


def fold_frame(days: pd.DatetimeIndex, tickers: tuple[str, ...] = ("AAA", "BBB")) -> pd.DataFrame:
    return pd.DataFrame(
        [{"ticker": t, "date": d, "score": 0.1} for d in days for t in tickers]
    ).sample(frac=1.0, random_state=0)


def test_stitch_joins_folds_in_order_without_duplicates() -> None:
    folds = make_folds(DAYS, 1, WalkForwardSpec(n_folds=3, min_train_days=300))
    frames = [fold_frame(DAYS[pos(f.test_start) : pos(f.test_end) + 1]) for f in folds]
    out = stitch(frames)
    assert len(out) == 2 * 300
    assert not out.duplicated(["ticker", "date"]).any()
    assert out["date"].is_monotonic_increasing
    assert out["fold"].tolist() == sorted(out["fold"].tolist())
    assert set(out["fold"]) == {0, 1, 2}
    assert stitch([frames[0], frames[0].iloc[0:0], frames[1]])["fold"].max() == 2


def test_stitch_rejects_overlap_order_and_duplicates() -> None:
    a, b = fold_frame(DAYS[:10]), fold_frame(DAYS[10:20])
    with pytest.raises(ValueError, match="out of order or overlap"):
        stitch([b, a])
    with pytest.raises(ValueError, match="out of order or overlap"):
        stitch([a, fold_frame(DAYS[9:20])])
    with pytest.raises(ValueError, match="predicted twice"):
        stitch([pd.concat([a, a.iloc[:1]])])
    with pytest.raises(ValueError, match="lack columns"):
        stitch([a.drop(columns="ticker")])
    with pytest.raises(ValueError, match="no fold predictions"):
        stitch([])


def test_fold_is_plain_data() -> None:
    f = make_folds(DAYS, 1, WalkForwardSpec(n_folds=2, min_train_days=100))[1]
    assert isinstance(f, Fold)
    assert f.test_end == DAYS[-1]
