"""Daily signals for 500 stored tickers: the whole `trader signals` path, timed.

    .venv/bin/python bench/signals.py [--tickers 500] [--db URL]

Stores 500 synthetic tickers (300 sessions each, XNYS calendar) in a fresh SQLite database (or
the PostgreSQL URL given), registers an LSTM production model for all of them, then times
`trader.operations.daily_signals` (quality gate, one batched predict call, targets through
the model strategy, storing) for one day, and for the next day after one more bar per ticker
arrived, which also reconciles the first day's 500 signals; then `signals history`'s live
figures (paper trading with the backtest engine). Side by side: what one `model.predict` call
per ticker would cost instead of the one batched call. The issue's target: at most 5 s a day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd

from trader.config import RunConfig
from trader.data import Store
from trader.operations import Calendar, ServiceSettings, all_models, daily_signals, live_stats
from trader.operations.promote import file_sha256
from trader.operations.registry import ModelInfo, save_model_info
from trader.provenance import data_hash

DAY = dt.date(2018, 2, 6)
NEXT = dt.date(2018, 2, 7)
TARGET_SECONDS = 5.0


def synthetic(n: int, sessions: int, last: dt.date) -> pd.DataFrame:
    days = Calendar("XNYS", "2010-01-01").sessions_back(last, sessions)
    rng = np.random.default_rng(0)
    frames = []
    for i in range(n):
        close = 50.0 * np.exp(np.cumsum(rng.normal(0, 0.015, sessions)))
        frames.append(pd.DataFrame({
            "ticker": f"T{i:04d}", "date": days, "open": close * 0.999, "high": close * 1.01,
            "low": close * 0.99, "close": close, "volume": rng.integers(1e5, 1e6, sessions) * 1.0,
        }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def register(store: Store, bars: pd.DataFrame, tickers: list[str], folder: Path) -> None:
    from trader import models

    config = RunConfig.model_validate({
        "data": {"tickers": tickers, "source": "synthetic"},
        "models": [{"name": "lstm", "kind": "lstm", "units": [32]}], "strategies": [],
    })  # fmt: skip
    width = len(config.window.features)
    net = models.build_model(config.models[0], (config.window.length, width), "binary", 2)
    path = folder / "lstm.keras"
    scaler = {"mean": [0.0] * width, "std": [1.0] * width}
    meta = {"model": config.models[0].model_dump(mode="json"), "label": "binary", "n_classes": 2,
            "scaler": scaler}  # fmt: skip
    models.save_model(net, path, meta)
    save_model_info(store, ModelInfo(
        id="m-bench", run_id="bench", name="lstm", created_at=dt.datetime.now(dt.UTC),
        tickers=tickers, source="synthetic", path=str(path), file_sha256=file_sha256(path),
        config=config.model_dump(mode="json"), data_hash=data_hash(bars),
        first_date=bars["date"].min().date(), last_date=DAY - dt.timedelta(days=1), versions={},
        git_commit=None, reference={"hit_rate": 0.5, "hit_rate_ci": [0.45, 0.55]},
    ))  # fmt: skip


def per_ticker_predict(tickers: int, model_path: Path, calls: int = 40) -> float:
    """Seconds for one `model.predict` call per ticker (extrapolated from ``calls`` calls)."""
    from trader import models

    net, _ = models.load_model(model_path)
    window = np.zeros((1, 20, 2), dtype=np.float32)
    net.predict(window, verbose=0)
    start = time.perf_counter()
    for _ in range(calls):
        net.predict(window, verbose=0)
    return (time.perf_counter() - start) / calls * tickers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickers", type=int, default=500)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="trader-bench-"))
    store = Store(args.db or f"sqlite:///{folder / 'bench.db'}")
    bars = synthetic(args.tickers, 301, NEXT)
    tickers = sorted(set(bars["ticker"]))
    store.write_bars(bars[bars["date"] <= pd.Timestamp(DAY)], source="synthetic")
    register(store, bars, tickers, folder)
    settings = ServiceSettings()
    from trader import models  # noqa: F401  (TensorFlow's import is not part of a daily run)

    timings = []
    for day in (DAY, NEXT):
        if day == NEXT:  # the overnight update: one more bar per ticker
            store.write_bars(bars[bars["date"] == pd.Timestamp(NEXT)], source="synthetic")
        start = time.perf_counter()
        result = daily_signals(store, settings, date=day, update=False)
        timings.append(time.perf_counter() - start)
        assert len(result.signals) == len(tickers) and not result.reused
    reconciled = sum(result.reconciled.values())
    start = time.perf_counter()
    stats = live_stats(store, all_models(store)[0])
    t_history = time.perf_counter() - start
    loop = per_ticker_predict(len(tickers), folder / "lstm.keras")
    print(f"signals  {len(tickers)} tickers x 300 stored sessions ({store.url.split(':')[0]})")
    print(f"  day 1 (gate, one batched predict, targets, store):     {timings[0]:.2f}s "
          f"= {timings[0] / TARGET_SECONDS:.0%} of the {TARGET_SECONDS:g} s target")  # fmt: skip
    print(f"  day 2 (the same + reconcile day 1's {reconciled} signals):  {timings[1]:.2f}s "
          f"= {timings[1] / TARGET_SECONDS:.0%} of the target")  # fmt: skip
    print(f"  signals history (live figures, paper trading {stats['paper']['days']} days with "
          f"the backtest engine): {t_history:.2f}s")  # fmt: skip
    print(f"  one predict call per ticker instead would cost {loop:.1f}s for the predictions "
          f"alone ({loop / timings[0]:.0f}x the whole batched day)")  # fmt: skip


if __name__ == "__main__":
    main()
