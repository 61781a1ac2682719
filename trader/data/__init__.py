"""Stage 1, data: prices in, validated, stored; run records.

- `store`: the `Store` (SQLAlchemy 2, SQLite or PostgreSQL), its tables (`schema`) and Alembic
  migrations (`migrate`, ``migrations/``)
- `ingest`: the bundled sample, CSV files and Yahoo (`yahoo`) into the store, one transaction each
- `validate`: the rules every bar passes before it is written
- `bars`: tidy bars as validated per-ticker frames
- `predictions`: predictions made elsewhere, as a checked (date, ticker, score) table
- `records`: run records (config, seeds, versions, data hash, metrics, predictions, trades)
- `service_tables`: tables of the unattended service (promoted models, signals, restatements,
  job claims and runs), used by `trader.operations`
"""

from __future__ import annotations

from trader.data.bars import BAR_COLUMNS, PRICE_COLUMNS, ticker_frames
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
    list_runs,
    run_predictions,
    run_trades,
    save_run,
)
from trader.data.schema import Base, DailyBar, IngestRun, Instrument
from trader.data.service_tables import (
    JobClaim,
    JobRun,
    ModelActivation,
    ProductionModel,
    Restatement,
    Signal,
)
from trader.data.store import INGEST_HINT, Store
from trader.data.validate import drop_invalid, validate_bars

__all__ = [
    "BAR_COLUMNS",
    "INGEST_HINT",
    "MIGRATIONS_DIR",
    "PRICE_COLUMNS",
    "Base",
    "DailyBar",
    "IngestReport",
    "IngestRun",
    "Instrument",
    "JobClaim",
    "JobRun",
    "ModelActivation",
    "ProductionModel",
    "Restatement",
    "RunRecord",
    "Signal",
    "Store",
    "alembic_config",
    "drop_invalid",
    "fetch_yahoo",
    "get_run",
    "ingest",
    "ingest_yahoo",
    "list_runs",
    "read_csv",
    "read_predictions",
    "read_sample",
    "run_predictions",
    "run_trades",
    "sample_tickers",
    "save_run",
    "ticker_frames",
    "tidy_predictions",
    "validate_bars",
]
