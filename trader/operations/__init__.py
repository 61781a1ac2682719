"""Stage 9, operations: trader run unattended — production models, daily signals, scheduling.

Comes after `trader.pipeline` (it trains, backtests and promotes through it) and before the
command line. Modules:

- `settings`: the service settings (exchange, update, quality gate, webhook, jobs) from YAML
- `calendar`: the exchange calendar (``exchange_calendars``, explicit ``start``)
- `promote`, `registry`: refit a run on all data, save it, production per ticker, rollback
- `update`, `pacing`, `restatements`: incremental price updates, paced and retried; restatements
- `quality`: the data-quality gate (`QualityRefused`, exit code 3)
- `live`, `daily`, `signal_store`: the daily signals, one batched predict call per model
- `reconcile`: realized moves, hit/miss, paper trading, live figures beside the backtest's
- `dataops`: ``trader data verify/export/update``
- `jobs`, `scheduler`, `job_store`, `notify`, `logs`: the scheduler service (APScheduler 3.11),
  exactly-once claims, job-run history, webhook, logfmt logs
"""

from __future__ import annotations

from trader.operations.calendar import Calendar
from trader.operations.daily import DailySignals, daily_signals, production_models
from trader.operations.dataops import export_bars, update_data, verify_data
from trader.operations.job_store import claim, job_history
from trader.operations.jobs import JOBS
from trader.operations.logs import configure as configure_logging
from trader.operations.promote import promote
from trader.operations.quality import Problem, QualityRefused, QualityReport, check_quality
from trader.operations.reconcile import live_stats
from trader.operations.registry import (
    ModelInfo,
    activate,
    activations,
    all_models,
    get_model,
    production,
    rollback,
)
from trader.operations.scheduler import JobOutcome, Service
from trader.operations.settings import ServiceSettings, load_settings
from trader.operations.signal_store import read_signals
from trader.operations.update import TickerUpdate, UpdateReport, update_prices

__all__ = [
    "JOBS",
    "Calendar",
    "DailySignals",
    "JobOutcome",
    "ModelInfo",
    "Problem",
    "QualityRefused",
    "QualityReport",
    "Service",
    "ServiceSettings",
    "TickerUpdate",
    "UpdateReport",
    "activate",
    "activations",
    "all_models",
    "check_quality",
    "claim",
    "configure_logging",
    "daily_signals",
    "export_bars",
    "get_model",
    "job_history",
    "live_stats",
    "load_settings",
    "production",
    "production_models",
    "promote",
    "read_signals",
    "rollback",
    "update_data",
    "update_prices",
    "verify_data",
]
