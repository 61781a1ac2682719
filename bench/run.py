"""Benchmarks measured side by side in one run; prints ratios, not absolute targets.

    .venv/bin/python bench/run.py            # or: make bench

1. predict: one batched `trader.models.predict` call over the test windows vs one
   `model.predict` call per window (the ~55 ms per call trap), on the same LSTM.
2. windows: `trader.research.windows.build_windows` (feature rows and window starts, every
   window then copied out with `WindowSet.take`) vs a Python loop that slices one window per
   sample, on the bundled sample's 20 stocks.
3. bootstrap: the paired block bootstrap of a Sharpe-ratio difference with the statistic computed
   on a whole chunk of resamples at once (`vectorized=True`, what the report uses) vs once per
   resample, on the same resamples.

The other benchmarks: bench/engines.py, bench/training.py, bench/memory.py, bench/ingest.py
(`make bench` runs them all; docs/benchmarks.md has the results).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd

from trader.config import ModelConfig, WindowConfig
from trader.data import ingestion as ingest
from trader.evaluate.bootstrap import bootstrap_distribution, per_period_sharpe, row_sharpe
from trader.research.scaling import Scaler
from trader.research.windows import build_windows, compute_features, feature_columns


def timed(func: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def loop_windows(bars: pd.DataFrame, config: WindowConfig, scaler: Scaler) -> np.ndarray:
    """The naive way: one slice per sample."""
    out = []
    for _, group in bars.sort_values(["ticker", "date"]).groupby("ticker", sort=True):
        feats = scaler.transform(
            compute_features(group.reset_index(drop=True), config.features).to_numpy()
        )
        for end in range(config.length, len(feats) + 1):
            out.append(feats[end - config.length : end])
    return np.asarray(out, dtype=np.float32)


def bench_windows(bars: pd.DataFrame) -> None:
    config = WindowConfig(length=20, features=["log_return", "ohlc", "volume_change"])
    fast = build_windows(bars, config)
    slow = loop_windows(bars, config, fast.scaler)
    assert np.allclose(fast.take(), slow, atol=1e-6), "loop and vectorized windows differ"
    t_fast = timed(lambda: build_windows(bars, config))
    t_slow = timed(lambda: loop_windows(bars, config, fast.scaler), repeat=1)
    print(
        f"windows  {len(fast.starts):>7} windows x "
        f"{len(feature_columns(config.features))} features: "
        f"vectorized {t_fast:.3f}s, loop {t_slow:.3f}s, loop/vectorized = {t_slow / t_fast:.1f}x"
    )


def bench_predict(bars: pd.DataFrame, n_calls: int = 200) -> None:
    from trader import models

    config = WindowConfig(length=20)
    windows = build_windows(bars, config)
    x = windows.take(windows.part("test", labelled=False))
    cfg = ModelConfig(name="lstm", kind="lstm", units=[32], epochs=1)
    model = models.build_model(cfg, (x.shape[1], x.shape[2]), windows.label, windows.n_classes)
    batched = models.predict(model, x)
    single = np.concatenate([model.predict(x[i : i + 1], verbose=0) for i in range(3)])
    assert np.allclose(batched[:3], single, atol=1e-5), "batched and per-call outputs differ"
    t_batch = timed(lambda: models.predict(model, x))
    sample = x[:n_calls]
    t_calls = timed(lambda: [model.predict(w[None], verbose=0) for w in sample], repeat=1)
    per_call_all = t_calls / len(sample) * len(x)  # extrapolated to every test window
    print(
        f"predict  {len(x):>7} test windows: one batched call {t_batch:.3f}s, "
        f"per-window calls {per_call_all:.1f}s (from {len(sample)} calls, "
        f"{t_calls / len(sample) * 1000:.0f} ms each), per-call/batched = "
        f"{per_call_all / t_batch:.0f}x"
    )


def bench_bootstrap(days: int = 756) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(0.0005, 0.01, days), rng.normal(0.0003, 0.01, days)

    def fast() -> np.ndarray:
        return bootstrap_distribution(
            days, lambda r: row_sharpe(a[r]) - row_sharpe(b[r]), n_boot=999, vectorized=True
        )

    def slow() -> np.ndarray:
        return bootstrap_distribution(
            days, lambda r: per_period_sharpe(a[r]) - per_period_sharpe(b[r]), n_boot=999
        )

    assert np.allclose(fast(), slow()), "vectorized and per-resample bootstraps differ"
    t_fast, t_slow = timed(fast), timed(slow, repeat=1)
    print(
        f"bootstrap {days:>6} days x 999 paired resamples of a Sharpe difference: vectorized "
        f"{t_fast:.3f}s, per resample {t_slow:.3f}s, per-resample/vectorized = "
        f"{t_slow / t_fast:.0f}x"
    )


def main() -> None:
    bars = ingest.read_sample(ingest.sample_tickers())
    bars = bars[bars["ticker"] != "SPY"]
    print(f"bundled sample: {bars['ticker'].nunique()} tickers, {len(bars)} rows")
    bench_windows(bars)
    bench_predict(bars[bars["ticker"].isin(["AAPL", "MSFT", "JPM"])])
    bench_bootstrap()


if __name__ == "__main__":
    main()
