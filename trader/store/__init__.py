"""Price storage: SQLAlchemy tables, Alembic migrations and the `Store` API."""

from __future__ import annotations

from trader.store.migrate import MIGRATIONS_DIR, alembic_config
from trader.store.schema import Base, DailyBar, IngestRun, Instrument
from trader.store.store import INGEST_HINT, Store

__all__ = [
    "INGEST_HINT",
    "MIGRATIONS_DIR",
    "Base",
    "DailyBar",
    "IngestRun",
    "Instrument",
    "Store",
    "alembic_config",
]
