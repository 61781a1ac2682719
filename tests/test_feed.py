"""Training windows as views into rows, fed batch by batch in a seeded order.

`Windows` never copies a window out except the samples asked for; `Batches` visits the samples
in ``np.random.default_rng(seed + epoch).permutation(n)``; `models.fit` trains from them with
``shuffle=False`` and never gathers more than one batch at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from trader import models
from trader.config import ModelConfig, WindowConfig
from trader.errors import DataError
from trader.research import build_windows

L, F = 4, 3


def _rows(n: int = 40, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, F)).astype(np.float32)


def test_windows_are_views_into_the_rows() -> None:
    rows = _rows()
    starts = np.array([0, 5, 36, 17])
    samples = models.Windows(rows, starts, L)
    assert samples.shape == (4, L, F) and len(samples) == 4
    x = samples.take()
    for i, s in enumerate(starts):
        np.testing.assert_array_equal(x[i], rows[s : s + L])
    np.testing.assert_array_equal(samples.take(np.array([2, 0])), x[[2, 0]])
    sub = samples.subset(np.array([False, True, True, False]))
    assert sub.rows is rows and list(sub.starts) == [5, 36]
    # a 3-D array becomes rows without a copy, and back
    again = models.Windows.of(x)
    assert np.shares_memory(again.rows, x) and np.array_equal(again.take(), x)


def test_windows_refuse_what_they_cannot_hold() -> None:
    with pytest.raises(DataError, match="reaches past"):
        models.Windows(_rows(10), np.array([7]), L)
    with pytest.raises(DataError, match="samples, length, features"):
        models.Windows.of(np.zeros((3, 4)))
    rows = _rows()
    rows[21, 1] = np.nan
    models.Windows(rows, np.array([0, 30]), L).check_finite("x")  # row 21 is in no window
    with pytest.raises(DataError, match="x: 1 values are NaN"):
        models.Windows(rows, np.array([0, 18]), L).check_finite("x")


def test_batches_follow_the_seeded_epoch_order() -> None:
    n, batch = 23, 5
    samples = models.Windows(_rows(60), np.arange(n) * 2, L)
    feed = models.Batches(samples, np.arange(n), batch, seed=11)
    assert len(feed) == 5
    for epoch in range(3):
        feed.on_epoch_begin()
        seen = np.concatenate([feed[i][1] for i in range(len(feed))])
        expected = np.random.default_rng(11 + epoch).permutation(n)
        np.testing.assert_array_equal(seen, expected)
        x, y = feed[1]
        np.testing.assert_array_equal(x, samples.take(y))
    in_order = models.Batches(samples, np.arange(n), batch)
    assert np.concatenate([in_order[i][1] for i in range(5)]).tolist() == list(range(n))
    with pytest.raises(DataError, match="23 windows but 4 targets"):
        models.Batches(samples, np.arange(4), batch)


def _sample_windows() -> tuple[Any, ModelConfig]:
    bars = models_bars()
    windows = build_windows(bars, WindowConfig(length=10, features=["log_return", "ohlc"]))
    config = ModelConfig(name="m", kind="lstm", units=[4], epochs=3, batch_size=32, patience=5)
    return windows, config


def models_bars() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frames = []
    for ticker in ("AAA", "BBB"):
        close = 20 * np.exp(np.cumsum(rng.normal(0, 0.02, 300)))
        frames.append(
            pd.DataFrame(
                {
                    "ticker": ticker,
                    "date": pd.bdate_range("2020-01-01", periods=300),
                    "open": close * 1.001,
                    "high": close * 1.01,
                    "low": close * 0.99,
                    "close": close,
                    "volume": 1000.0,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_fit_gathers_one_batch_at_a_time_in_the_seeded_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    windows, config = _sample_windows()
    fit, val = windows.part("train"), windows.part("val")
    samples = windows.samples()
    gathered: list[int] = []
    visited: list[np.ndarray] = []  # the training samples of each batch, once an epoch began
    take, getitem = models.Windows.take, models.Batches.__getitem__

    def counted(self: models.Windows, index: np.ndarray | None = None) -> np.ndarray:
        out = take(self, index)
        gathered.append(len(out))
        return out

    def recorded(self: models.Batches, i: int) -> tuple[np.ndarray, np.ndarray]:
        if self.seed is not None and self.epoch > 0:
            visited.append(self._order[i * self.batch_size : (i + 1) * self.batch_size])
        return getitem(self, i)

    monkeypatch.setattr(models.Windows, "take", counted)
    monkeypatch.setattr(models.Batches, "__getitem__", recorded)
    model = models.build_model(config, windows.shape, windows.label, windows.n_classes)
    history = models.fit(
        model, samples.subset(fit), windows.labels[fit], samples.subset(val),
        windows.labels[val], config, label=windows.label, n_classes=windows.n_classes,
    )  # fmt: skip
    assert len(history["loss"]) == 3
    assert max(gathered) <= max(int(val.sum()), config.batch_size) < int(fit.sum())
    assert sum(gathered) >= 3 * int(fit.sum())  # every training window, every epoch
    n = int(fit.sum())
    epochs = [np.random.default_rng(config.seed + e).permutation(n) for e in range(3)]
    np.testing.assert_array_equal(np.concatenate(visited), np.concatenate(epochs))


def test_fit_from_views_equals_fit_from_arrays() -> None:
    """The same samples as views or as one array train to the same weights (same order)."""
    windows, config = _sample_windows()
    fit, val = windows.part("train"), windows.part("val")
    samples = windows.samples()
    weights = []
    for x_fit, x_val in (
        (samples.subset(fit), samples.subset(val)),
        (windows.take(fit), windows.take(val)),
    ):
        model = models.build_model(config, windows.shape, windows.label, windows.n_classes)
        models.fit(
            model, x_fit, windows.labels[fit], x_val, windows.labels[val], config,
            label=windows.label, n_classes=windows.n_classes,
        )  # fmt: skip
        weights.append(model.get_weights())
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_fold_rescaled_batch_by_batch_equals_the_rescaled_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`fold_rescaling` applied per gathered batch gives exactly `rescale`'s numbers (no copy of
    the rows), and `fold_scaler` reads the covered rows in the same chunks as before."""
    from trader.research import fold_rescaling, fold_scaler, rescale, walkforward
    from trader.research.scaling import Scaler

    windows, _ = _sample_windows()
    fit = windows.part("train")
    monkeypatch.setattr(walkforward, "CHUNK", 97)  # several chunks, boundaries inside tickers
    covered = np.flatnonzero(windows.covered(fit))
    chunks = [covered[a : a + 97] for a in range(0, len(covered), 97)]
    assert len(chunks) > 3
    expected = Scaler.fit_chunks(windows.scaler.inverse(windows.rows[c]) for c in chunks)
    got = fold_scaler(windows, fit)
    np.testing.assert_array_equal(got.mean, expected.mean)
    np.testing.assert_array_equal(got.std, expected.std)
    rows = rescale(windows, fit)
    samples = windows.samples(transform=fold_rescaling(windows, fit))
    assert samples.rows is windows.rows  # nothing copied
    everything = np.arange(len(samples))
    assert len(everything) > models.feed.TRANSFORM_CHUNK  # chunked inside one take
    np.testing.assert_array_equal(samples.take(), windows.take(rows=rows))
    picked = np.random.default_rng(0).permutation(everything)[:300]
    np.testing.assert_array_equal(samples.take(picked), windows.samples(rows).take(picked))
    feed = models.Batches(samples, windows.labels, 64, seed=5)
    feed.on_epoch_begin()
    x, _ = feed[2]
    order = np.random.default_rng(5).permutation(len(samples))[128:192]
    np.testing.assert_array_equal(x, windows.samples(rows).take(order))
