"""The one place that knows stage order: data, research, signals, backtesting, evaluate, report.

- `steps`: `train`, `backtest`, `run`, and the prices of a config (`load_bars`)
- `jobs`: `audit`, `demo`, `replay`, `ingest_sample`


`train` walks the protocol's folds (purged walk-forward by default): per fold every model is
refit and predicts the fold's test period, beside the baselines (`trader.research`). The
stitched out-of-sample predictions and the fold models are saved under
``data/models/<run id>/`` and recorded in the database. `backtest` trades those predictions,
the baselines, buy-and-hold and the rule strategies over the same period with the same costs
(`trader.signals`, `trader.evaluate`), writes the report under ``data/reports/<run id>/`` and
records the backtest run. `audit` and `replay` check a configuration and a recorded run.

Every function takes the config as a `RunConfig`, a mapping, a YAML path or ``None`` (the
defaults), and the database as a `Store`, a URL or ``None`` (``$TRADER_DATABASE_URL``, else
``data/trader.db``).
"""

from __future__ import annotations

from trader.pipeline.jobs import audit, demo, ingest_sample, replay
from trader.pipeline.steps import (
    StoreSource,
    TrainResult,
    backtest,
    load_bars,
    load_run,
    open_store,
    run,
    train,
)

__all__ = [
    "StoreSource",
    "TrainResult",
    "audit",
    "backtest",
    "demo",
    "ingest_sample",
    "load_bars",
    "load_run",
    "open_store",
    "replay",
    "run",
    "train",
]
