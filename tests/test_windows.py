"""Windows, labels, split and scaler: shapes, known answers and no look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trader.config import WindowConfig
from trader.errors import DataError
from trader.research.windows import build_windows, compute_features, forward_returns, make_labels


def make_bars(
    n: int = 120, tickers: tuple[str, ...] = ("AAA", "BBB"), seed: int = 0
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    dates = pd.bdate_range("2020-01-01", periods=n)
    for i, ticker in enumerate(tickers):
        close = 50 * (i + 1) * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
        open_ = close * np.exp(rng.normal(0, 0.003, n))
        high = np.maximum(open_, close) * 1.01
        low = np.minimum(open_, close) * 0.99
        volume = rng.integers(1_000, 5_000, n).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "ticker": ticker,
                    "date": dates,
                    "open": open_,
                    "high": high,
                    "low": low,
                    "close": close,
                    "volume": volume,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_features_known_answer() -> None:
    bars = pd.DataFrame(
        {
            "date": pd.bdate_range("2021-01-04", periods=3),
            "open": [10.0, 11.0, 12.0],
            "high": [10.5, 11.5, 12.5],
            "low": [9.5, 10.5, 11.0],
            "close": [10.0, 11.0, 12.1],
            "volume": [99.0, 199.0, 99.0],
        }
    )
    f = compute_features(bars, ["return", "log_return", "ohlc", "volume_change"])
    assert len(f) == 2
    assert f["return"].tolist() == pytest.approx([0.1, 0.1])
    assert f["log_return"].iloc[0] == pytest.approx(np.log(1.1))
    assert f["open_rel"].iloc[1] == pytest.approx(np.log(12.0 / 11.0))
    assert f["low_rel"].iloc[1] == pytest.approx(np.log(11.0 / 11.0))
    assert f["volume_change"].iloc[0] == pytest.approx(np.log(2.0))


def test_labels_known_answer() -> None:
    fwd = forward_returns(np.array([10.0, 11.0, 10.0, 10.01, 12.0]), 1)
    assert fwd[-1] != fwd[-1]  # NaN: the future is unknown
    assert make_labels(fwd, "binary", 0.0)[:4].tolist() == [1, 0, 1, 1]
    assert make_labels(fwd, "sign", 0.0)[:4].tolist() == [1, -1, 1, 1]
    assert make_labels(fwd, "multiclass", 0.005)[:4].tolist() == [2, 0, 1, 2]
    assert make_labels(fwd, "regression", 0.0)[0] == pytest.approx(0.1)
    assert forward_returns(np.array([1.0, 2.0, 4.0]), 2)[0] == pytest.approx(3.0)


def test_shapes_and_split() -> None:
    bars = make_bars()
    cfg = WindowConfig(length=5, features=["log_return", "ohlc"], horizon=1)
    ws = build_windows(bars, cfg)
    per_ticker = 120 - 1 - 5 + 1
    x = ws.take()
    assert x.shape == (2 * per_ticker, 5, 5) and ws.shape == (5, 5)
    assert x.dtype == ws.rows.dtype == np.float32
    # windows are kept as rows (each day once per ticker) and the first row of each window
    assert ws.rows.shape == (2 * (120 - 1), 5) and len(ws.starts) == 2 * per_ticker
    # the window ending at t holds the features of t-4..t
    f = compute_features(bars[bars.ticker == "AAA"], cfg.features)
    scaled = ws.scaler.transform(f.to_numpy())
    assert np.allclose(x[0], scaled[:5], atol=1e-6)
    assert np.array_equal(ws.take(np.array([3, per_ticker])), x[[3, per_ticker]])
    assert pd.Timestamp(ws.dates[0]) == f.index[4]
    # chronological: every train date before every val date before every test date
    d = pd.DatetimeIndex(ws.dates)
    assert d[ws.split == "train"].max() < d[ws.split == "val"].min()
    assert d[ws.split == "val"].max() < d[ws.split == "test"].min()


def test_purge_and_train_only_scaler() -> None:
    bars = make_bars()
    ws = build_windows(bars, WindowConfig(length=5, horizon=3))
    train = ws.part("train")
    assert (pd.DatetimeIndex(ws.label_dates[train]) <= ws.split_dates.train_end).all()
    # exactly h windows per ticker are purged at the end of training
    assert ((ws.split == "train") & ~train).sum() == 2 * 3
    # the scaler standardizes the training feature rows
    bars_a = bars.sort_values(["ticker", "date"])
    rows = np.concatenate(
        [
            compute_features(g, ["log_return", "volume_change"])
            .loc[: ws.split_dates.train_end]
            .to_numpy()
            for _, g in bars_a.groupby("ticker")
        ]
    )
    assert np.allclose(ws.scaler.mean, rows.mean(0))
    assert np.allclose(ws.scaler.std, rows.std(0))


def test_ticker_with_missing_days_and_too_short() -> None:
    bars = make_bars()
    bars = bars.drop(index=bars.index[(bars.ticker == "BBB")][[10, 11]])
    ws = build_windows(bars, WindowConfig(length=5))
    assert (ws.tickers == "BBB").sum() == (ws.tickers == "AAA").sum() - 2
    with pytest.raises(DataError, match="too short"):
        build_windows(make_bars(n=12), WindowConfig(length=20))


@settings(max_examples=25, deadline=None)
@given(
    cut=st.integers(min_value=75, max_value=118),
    # never near 1: a factor of 1 changes nothing, and the last assertion needs a real change
    factor=st.one_of(st.floats(0.2, 0.8), st.floats(1.25, 5.0)),
    seed=st.integers(0, 50),
)
def test_no_look_ahead(cut: int, factor: float, seed: int) -> None:
    """Changing any price after day T leaves every window ending at or before T, and its scaled
    values, unchanged (T at or after the end of the training period); a window after T does
    see the change (the perturbation is non-trivial by construction: ``factor`` is never near 1)."""
    bars = make_bars(seed=seed)
    cfg = WindowConfig(
        length=7, features=["return", "log_return", "ohlc", "volume_change"], horizon=2
    )
    base = build_windows(bars, cfg)
    dates = pd.bdate_range("2020-01-01", periods=120)
    cut_date = dates[cut]
    assert cut_date >= base.split_dates.train_end
    changed = bars.copy()
    later = changed["date"] > cut_date
    for col in ("open", "high", "low", "close", "volume"):
        changed.loc[later, col] = changed.loc[later, col] * factor
    other = build_windows(changed, cfg)
    assert other.split_dates == base.split_dates
    upto = pd.DatetimeIndex(base.dates) <= cut_date
    assert np.array_equal(base.take(upto), other.take(upto))
    assert np.array_equal(base.tickers[upto], other.tickers[upto])
    # and a window after the cut does see the change
    assert not np.array_equal(base.take(~upto), other.take(~upto))
