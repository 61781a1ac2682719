"""Stage 1, data: prices in, validated, stored; run records.

- `store`: the `Store` (SQLAlchemy 2, SQLite or PostgreSQL), its tables (`schema`) and Alembic
  migrations (`migrate`, ``migrations/``, serialized across processes); `engine`: opening a
  database (URL checks, masked passwords, SQLite busy waits, one-line errors); `bulk`: bars
  upserted in bulk (SQLite: the driver's executemany; PostgreSQL: a binary COPY, one upsert)
- `ingest`: the bundled sample, CSV files and Yahoo (`yahoo`) into the store, one transaction each
- `validate`: the rules every bar passes before it is written
- `bars`: tidy bars as validated per-ticker frames; tickers that share too few dates refused
- `predictions`: predictions made elsewhere, as a checked (date, ticker, score) table
- `lab_records`: the lab's experiments and trials, written idempotently
- `records`: run records (config, seeds, versions, data hash, metrics, predictions, trades)
- `service_tables`: tables of the unattended service (promoted models, signals, restatements,
  job claims and runs), used by `trader.operations`
- `trials`: the trial registry, every configuration evaluated on a dataset (for the DSR)
- `run_folders`: trained runs on disk, published by a rename only when complete; run ids
"""

from __future__ import annotations

from trader.data.bars import BAR_COLUMNS, PRICE_COLUMNS, check_shared_dates, ticker_frames
from trader.data.engine import SQLITE_BUSY_SECONDS, masked
from trader.data.ingestion import (
    IngestReport,
    fetch_yahoo,
    ingest,
    ingest_yahoo,
    read_csv,
    read_sample,
    sample_tickers,
)
from trader.data.lab_records import (
    TrialRow,
    claim_trial,
    delete_experiment,
    experiment_spec,
    fail_trial,
    finish_trial,
    lab_experiments,
    lab_trials,
    register_trials,
    reopen_trials,
    save_experiment,
)
from trader.data.migrate import MIGRATIONS_DIR, alembic_config
from trader.data.predictions import read_predictions, tidy_predictions
from trader.data.records import (
    RunRecord,
    get_run,
    is_recorded,
    list_runs,
    run_predictions,
    run_trades,
    save_run,
)
from trader.data.run_folders import (
    PREDICTIONS_FILE,
    RUN_FILE,
    RunFolder,
    new_run_id,
    read_run,
    reserve_run,
    trained_runs,
)
from trader.data.schema import Base, DailyBar, IngestRun, Instrument, Trial
from trader.data.service_tables import (
    JobClaim,
    JobRun,
    ModelActivation,
    ProductionModel,
    Restatement,
    Signal,
)
from trader.data.store import INGEST_HINT, Store
from trader.data.trials import (
    Dataset,
    TrialRecord,
    dataset_of,
    dataset_trials,
    list_trials,
    reset_trials,
    save_trials,
)
from trader.data.validate import drop_invalid, validate_bars

__all__ = [
    "BAR_COLUMNS",
    "INGEST_HINT",
    "MIGRATIONS_DIR",
    "PREDICTIONS_FILE",
    "PRICE_COLUMNS",
    "RUN_FILE",
    "SQLITE_BUSY_SECONDS",
    "Base",
    "DailyBar",
    "Dataset",
    "IngestReport",
    "IngestRun",
    "Instrument",
    "JobClaim",
    "JobRun",
    "ModelActivation",
    "ProductionModel",
    "Restatement",
    "RunFolder",
    "RunRecord",
    "Signal",
    "Store",
    "Trial",
    "TrialRecord",
    "TrialRow",
    "alembic_config",
    "check_shared_dates",
    "claim_trial",
    "dataset_of",
    "dataset_trials",
    "delete_experiment",
    "drop_invalid",
    "experiment_spec",
    "fail_trial",
    "fetch_yahoo",
    "finish_trial",
    "get_run",
    "ingest",
    "ingest_yahoo",
    "is_recorded",
    "lab_experiments",
    "lab_trials",
    "list_runs",
    "list_trials",
    "masked",
    "new_run_id",
    "read_csv",
    "read_predictions",
    "read_run",
    "read_sample",
    "register_trials",
    "reopen_trials",
    "reserve_run",
    "reset_trials",
    "run_predictions",
    "run_trades",
    "sample_tickers",
    "save_experiment",
    "save_run",
    "save_trials",
    "ticker_frames",
    "tidy_predictions",
    "trained_runs",
    "validate_bars",
]
