"""Peak memory of training windows: views into the rows vs materialized arrays, side by side.

    .venv/bin/python bench/memory.py [--tickers 100] [--days 2500] [--length 60]

Synthetic bars (seeded random walks), windows of ``--length`` days over the default features,
one fold's fit and validation windows (the first 60% / next 20% of the days), a small dense
model trained for one epoch. Each variant runs in its own process, after TensorFlow has started
and trained once. From the moment the fold's data is prepared until the fit returns, two peaks
are taken: numpy's arrays (``tracemalloc``: the windows, rows, batches, labels; TensorFlow's
own tensors are not seen) and the process's resident set size (a thread samples it every 2 ms;
it includes TensorFlow's copies and its tracing of new shapes):

- ``views``: the pipeline's way, `WindowSet.samples` (views into the rows) re-scaled for the
  fold batch by batch (`fold_rescaling`), fed by `trader.models.fit`;
- ``materialized``: the rows re-scaled for the fold (`rescale`) and the windows copied out as
  (samples, L, F) arrays, given to plain ``model.fit`` (Keras copies them again into tensors).

Printed: both peaks, the arrays' as a multiple of the input arrays (the feature rows, float32,
that the windows are cut from).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class Peak:
    """The highest resident set size seen while the ``with`` block runs."""

    def __enter__(self) -> Peak:
        tracemalloc.start()
        self.before = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(0.002)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())
        self.traced = tracemalloc.get_traced_memory()[1]  # numpy's arrays (not TensorFlow's)
        tracemalloc.stop()


def measure(variant: str, tickers: int, days: int, length: int) -> dict[str, float]:
    import numpy as np

    sys.path.insert(0, os.path.dirname(__file__))
    from engines import market

    from trader import models
    from trader.config import ModelConfig, WindowConfig
    from trader.research import build_windows, fold_rescaling, rescale

    bars, _ = market(tickers, days)
    features = ["log_return", "ohlc", "volume_change"]
    windows = build_windows(bars, WindowConfig(length=length, features=features))
    fit, val = windows.part("train"), windows.part("val")
    config = ModelConfig(name="m", kind="dense", units=[8], epochs=1, batch_size=256)
    model = models.build_model(config, windows.shape, windows.label, windows.n_classes)
    warm = models.Windows.of(np.zeros((512, length, windows.shape[1]), np.float32))
    zeros = np.zeros(512)
    models.fit(model, warm, zeros, warm, zeros, config, label="binary", n_classes=2)
    with Peak() as peak:
        if variant == "views":
            samples = windows.samples(transform=fold_rescaling(windows, fit))
            models.fit(
                model, samples.subset(fit), windows.labels[fit], samples.subset(val),
                windows.labels[val], config, label="binary", n_classes=2,
            )  # fmt: skip
        else:
            rows = rescale(windows, fit)
            x_fit, x_val = windows.take(fit, rows), windows.take(val, rows)
            encoding = models.resolve(config, "binary", 2).encoding
            y_fit, y_val = (
                models.encode_labels(windows.labels[m], encoding, 2) for m in (fit, val)
            )
            model.fit(
                x_fit, y_fit, validation_data=(x_val, y_val),
                batch_size=config.batch_size, epochs=1, shuffle=True, verbose=0,
            )  # fmt: skip
    return {
        "peak": float(peak.peak - peak.before),
        "arrays": float(peak.traced),
        "rows": float(windows.rows.nbytes),
        "set": float(sum(v.nbytes for v in vars(windows).values() if isinstance(v, np.ndarray))),
        "windows": float(int(fit.sum() + val.sum()) * length * windows.shape[1] * 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickers", type=int, default=100)
    parser.add_argument("--days", type=int, default=2500)
    parser.add_argument("--length", type=int, default=60)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(args.variant, args.tickers, args.days, args.length)))
        return
    shape = ["--tickers", str(args.tickers), "--days", str(args.days), "--length", str(args.length)]
    print(f"training windows: {args.tickers} tickers x {args.days} days, length {args.length}")
    for variant in ("views", "materialized"):
        out = subprocess.run(
            [sys.executable, __file__, "--variant", variant, *shape],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        r = json.loads(out.strip().splitlines()[-1])
        mb = 1024 * 1024
        print(
            f"{variant:<13} numpy arrays peak {r['arrays'] / mb:6.1f} MB = "
            f"{r['arrays'] / r['rows']:5.2f}x the feature rows ({r['rows'] / mb:.1f} MB), "
            f"{r['arrays'] / r['set']:4.2f}x all the WindowSet's arrays ({r['set'] / mb:.1f} MB); "
            f"process RSS +{r['peak'] / mb:6.1f} MB"
        )
    print(f"(the fit and validation windows as one float32 array: {r['windows'] / mb:.0f} MB)")


if __name__ == "__main__":
    main()
