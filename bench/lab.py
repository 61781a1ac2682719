"""Sweep throughput of the experiment lab: configurations per minute, in this process and on
local Dask worker processes, side by side in one run.

    .venv/bin/python bench/lab.py                 # 8 configurations, 1 and 2 workers
    .venv/bin/python bench/lab.py --configs 24 --workers 1 2 4

The sweep: a dense model on AAPL, MSFT and JPM (the bundled sample from 2015), 3 walk-forward
folds, 3 epochs, window length x activation as a grid, one seed each; every trial trains and
backtests like `trader train` + `trader backtest`. Each worker count runs the same sweep on a
fresh SQLite database in a temporary data folder. Printed: wall time, configurations per
minute, and the speed-up over one worker (measured here, not assumed: on a 2-core machine
training in two processes does not run twice as fast).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from trader import ingest_sample
from trader.data import Store
from trader.lab import parse_experiment, run_experiment

TICKERS = ["AAPL", "MSFT", "JPM"]
ACTIVATIONS = ["relu", "tanh", "elu", "selu", "gelu", "softsign"]


LENGTHS = [10, 15, 20, 25]


def experiment(configs: int) -> dict[str, object]:
    """A grid of window length x activation with ``configs`` configurations (a multiple of 4)."""
    return {
        "name": "bench",
        "base": {
            "data": {"tickers": TICKERS, "source": "sample", "start": "2015-01-01"},
            "models": [{"name": "net", "kind": "dense", "units": [16], "epochs": 3}],
            "protocol": {"folds": 3},
            "strategies": [],
        },
        "sweep": {
            "params": {
                "window.length": LENGTHS,
                "models.net.activation": ACTIVATIONS[: configs // len(LENGTHS)],
            }
        },
    }


def sweep(configs: int, workers: int) -> float:
    """Wall seconds of the whole sweep on a fresh database and data folder."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["TRADER_DATA_DIR"] = folder
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        ingest_sample(TICKERS, store)
        spec = parse_experiment(experiment(configs))
        started = time.perf_counter()
        summary = run_experiment(spec, store, workers=workers)
        seconds = time.perf_counter() - started
        store.dispose()
    if summary.failed:
        raise SystemExit(f"{summary.failed} trials failed: {summary.errors[:2]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if args.configs % len(LENGTHS) or not 0 < args.configs <= len(LENGTHS) * len(ACTIVATIONS):
        parser.error(f"--configs: a multiple of 4 up to {len(LENGTHS) * len(ACTIVATIONS)}")
    print(f"sweep of {args.configs} configurations (dense, 3 tickers, 3 folds, 3 epochs)")
    base = None
    for workers in args.workers:
        seconds = sweep(args.configs, workers)
        rate = args.configs / seconds * 60
        base = base or rate
        print(
            f"  {workers} worker(s): {seconds:7.1f} s  {rate:6.2f} configurations/min  "
            f"x{rate / base:.2f} vs 1 worker"
        )


if __name__ == "__main__":
    main()
