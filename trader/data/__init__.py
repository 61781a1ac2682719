"""Stage 1, data: prices in, validated, stored; run records.

- `store`: the `Store` (SQLAlchemy 2, SQLite or PostgreSQL), its tables (`schema`) and Alembic
  migrations (`migrate`, ``migrations/``, serialized across processes); `engine`: opening a
  database (URL checks, masked passwords, SQLite busy waits, one-line errors)
- `ingest`: the bundled sample, CSV files and Yahoo (`yahoo`) into the store, one transaction each
- `validate`: the rules every bar passes before it is written
- `bars`: tidy bars as validated per-ticker frames; tickers that share too few dates refused
- `predictions`: predictions made elsewhere, as a checked (date, ticker, score) table
- `records`: run records (config, seeds, versions, data hash, metrics, predictions, trades)
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
from trader.data.schema import Base, DailyBar, IngestRun, Instrument
from trader.data.store import INGEST_HINT, Store
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
    "IngestReport",
    "IngestRun",
    "Instrument",
    "RunFolder",
    "RunRecord",
    "Store",
    "alembic_config",
    "check_shared_dates",
    "drop_invalid",
    "fetch_yahoo",
    "get_run",
    "ingest",
    "ingest_yahoo",
    "is_recorded",
    "list_runs",
    "masked",
    "new_run_id",
    "read_csv",
    "read_predictions",
    "read_run",
    "read_sample",
    "reserve_run",
    "run_predictions",
    "run_trades",
    "sample_tickers",
    "save_run",
    "ticker_frames",
    "tidy_predictions",
    "trained_runs",
    "validate_bars",
]
