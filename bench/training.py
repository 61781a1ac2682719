"""Training speed and accuracy, measured side by side in one run on the demo's data and folds.

    .venv/bin/python bench/training.py [--epochs 10] [--repeat 2]

Each variant trains the demo's two models (LSTM 32, dense 64-32) on every walk-forward fold of
the demo (AAPL, MSFT, JPM; windows of 20 days, 6 features) for a fixed number of epochs (no
early stopping, so every variant does the same work) and predicts the fold's test windows:

- ``plain``: ``model.fit(x, y, batch_size, shuffle=True, validation_data=(x, y))`` on
  materialized (samples, L, F) arrays, a new model per fold: the default Keras way;
- ``reuse``: the same ``model.fit`` on arrays, but one compiled model per configuration reset
  per fold (`FreshModel`), to tell the feed's own cost from the tracing it saves;
- ``feed``: `trader.models.fit` as the pipeline runs it: `Batches` over views of the rows,
  seeded epoch order, ``shuffle=False``, one compiled model per configuration reset per fold
  (`FreshModel`), validation in one batch;
- ``feed+spe``: the same with ``steps_per_execution`` (several batches per graph call);
- ``feed+xla``: the same with ``jit_compile=True``.

Printed per variant: training samples/s (fit samples x epochs / fit seconds, tracing included),
the ratio to ``plain``, and accuracy (mean over folds of the last epoch's validation accuracy
and of the test hit rate) so that speed is compared at equal accuracy.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

from trader.config import ModelConfig, RunConfig
from trader.data import read_sample
from trader.research import fold_masks, protocol_folds, raw_windows, rescale


@dataclass
class Score:
    samples: int = 0
    seconds: float = 0.0
    val_accuracy: list[float] | None = None
    hit_rate: list[float] | None = None

    def add(self, samples: int, seconds: float, val_acc: float, hit: float) -> None:
        self.samples += samples
        self.seconds += seconds
        self.val_accuracy = [*(self.val_accuracy or []), val_acc]
        self.hit_rate = [*(self.hit_rate or []), hit]


def _hit(raw: np.ndarray, labels: np.ndarray) -> float:
    known = ~np.isnan(labels)
    return float(((raw[:, 0] > 0.5) == (labels > 0.5))[known].mean())


_LSTM = None


def run_variant(name: str, epochs: int, models_cfg: list[ModelConfig]) -> Score:
    import keras

    from trader import models

    global _LSTM
    if _LSTM is None:
        _LSTM = keras.layers.LSTM
    keras.layers.LSTM = _LSTM
    config = RunConfig(models=models_cfg)
    bars = read_sample(config.data.tickers)
    windows = raw_windows(bars, config)
    folds = protocol_folds(windows, config)
    score = Score()
    if name == "feed+unroll":  # LSTM layers unrolled over the window's days
        import functools

        import keras

        keras.layers.LSTM = functools.partial(_LSTM, unroll=True)
    builds = {
        c.name: models.FreshModel(c, windows.shape, windows.label, windows.n_classes)
        for c in models_cfg
    }
    for fold in folds:
        fit, val, test = fold_masks(windows.dates, windows.label_dates, fold)
        rows = rescale(windows, fit)
        samples = windows.samples(rows)
        y_fit, y_val, y_test = windows.labels[fit], windows.labels[val], windows.labels[test]
        for cfg in models_cfg:
            start = time.perf_counter()
            if name in ("plain", "reuse"):
                model = (
                    builds[cfg.name].fresh()
                    if name == "reuse"
                    else models.build_model(cfg, windows.shape, windows.label, windows.n_classes)
                )
                enc = models.resolve(cfg, windows.label, windows.n_classes).encoding
                history = model.fit(
                    windows.take(fit, rows), models.encode_labels(y_fit, enc, 2),
                    validation_data=(windows.take(val, rows), models.encode_labels(y_val, enc, 2)),
                    epochs=epochs, batch_size=cfg.batch_size, shuffle=True, verbose=0,
                ).history  # fmt: skip
            else:
                model = builds[cfg.name].fresh()
                if name == "feed+spe":
                    model.steps_per_execution = 16
                if name == "feed+xla":
                    model.jit_compile = True
                history = models.fit(
                    model, samples.subset(fit), y_fit, samples.subset(val), y_val, cfg,
                    label=windows.label, n_classes=windows.n_classes,
                )  # fmt: skip
            seconds = time.perf_counter() - start
            raw = models.predict(model, samples.subset(test))
            acc = [v for k, v in history.items() if k.startswith("val_") and "acc" in k]
            score.add(int(fit.sum()) * epochs, seconds, float(acc[0][-1]), _hit(raw, y_test))
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--variants", default="plain,feed,feed+spe,feed+xla")
    args = parser.parse_args()
    fixed: Callable[[ModelConfig], ModelConfig] = lambda c: c.model_copy(  # noqa: E731
        update={"epochs": args.epochs, "patience": args.epochs}
    )
    cfgs = [fixed(c) for c in RunConfig().models]
    print(f"training bench: demo data and folds, {args.epochs} epochs per fit, models "
          f"{', '.join(c.name for c in cfgs)}")  # fmt: skip
    results: dict[str, Score] = {}
    for name in args.variants.split(","):
        results[name] = run_variant(name, args.epochs, cfgs)
    base = results.get("plain")
    for name, s in results.items():
        rate = s.samples / s.seconds
        ratio = f"{rate / (base.samples / base.seconds):.2f}x plain" if base else ""
        print(
            f"{name:<9} {rate:>9,.0f} samples/s ({s.seconds:6.1f} s) {ratio:>12}   "
            f"val accuracy {np.mean(s.val_accuracy or [0]):.4f}   "
            f"test hit rate {np.mean(s.hit_rate or [0]):.4f}"
        )


if __name__ == "__main__":
    main()
