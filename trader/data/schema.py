"""Database tables (SQLAlchemy 2 declarative). Alembic migrations in ``migrations/`` create them.

Change a table here only together with a new migration in ``migrations/versions`` (see
``trader.data.alembic_config`` for running ``alembic revision --autogenerate``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names keep later (batch) migrations simple on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 64-bit ids on PostgreSQL; SQLite only auto-increments a column declared INTEGER PRIMARY KEY.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Instrument(Base):
    """A ticker that has prices stored."""

    __tablename__ = "instruments"

    ticker: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DailyBar(Base):
    """One day of OHLCV prices for one ticker from one source, keyed by (ticker, date, source)
    (the one index every read and upsert uses)."""

    __tablename__ = "daily_bars"

    ticker: Mapped[str] = mapped_column(
        String(32), ForeignKey("instruments.ticker"), primary_key=True
    )
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    open: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    close: Mapped[float] = mapped_column(Float)
    adj_close: Mapped[float | None] = mapped_column(Float)
    volume: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class IngestRun(Base):
    """One successful ``write_bars`` call (written in the same transaction as its bars)."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    tickers: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    rows_written: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))


class Run(Base):
    """One recorded train, backtest or experiment run: everything needed to replay it."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    seeds: Mapped[dict[str, Any]] = mapped_column(JSON)
    versions: Mapped[dict[str, Any]] = mapped_column(JSON)
    git_commit: Mapped[str | None] = mapped_column(String(64))
    data_hash: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)


class RunPrediction(Base):
    """One out-of-sample prediction of a recorded run."""

    __tablename__ = "run_predictions"
    __table_args__ = (Index("ix_run_predictions_run_id", "run_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey("runs.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(64))
    ticker: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)


class RunTrade(Base):
    """One round trip of a recorded backtest run."""

    __tablename__ = "run_trades"
    __table_args__ = (Index("ix_run_trades_run_id", "run_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey("runs.id", ondelete="CASCADE"))
    strategy: Mapped[str] = mapped_column(String(64))
    ticker: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(8))
    entry_date: Mapped[dt.date] = mapped_column(Date)
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
    size: Mapped[float] = mapped_column(Float)
    entry_price: Mapped[float] = mapped_column(Float)
    exit_price: Mapped[float | None] = mapped_column(Float)
    pnl_net: Mapped[float] = mapped_column(Float)


class Trial(Base):
    """One configuration evaluated on one dataset (data hash and period): a DSR trial.

    One row per (dataset, configuration): evaluating the same configuration again (a rerun, a
    replay) updates its row instead of counting twice. No foreign key to ``runs``: the count
    belongs to the dataset and outlives any run record.
    """

    __tablename__ = "trials"
    __table_args__ = (
        UniqueConstraint("data_hash", "data_start", "data_end", "config_hash"),
        Index("ix_trials_data_hash", "data_hash"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    data_hash: Mapped[str] = mapped_column(String(64))
    data_start: Mapped[dt.date] = mapped_column(Date)
    data_end: Mapped[dt.date] = mapped_column(Date)
    config_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[str] = mapped_column(String(64))
    train_run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    test_start: Mapped[dt.date] = mapped_column(Date)
    test_end: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    sharpe: Mapped[float | None] = mapped_column(Float)
    excess_sharpe: Mapped[float | None] = mapped_column(Float)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)


class LabExperiment(Base):
    """An experiment of the lab (`trader.lab`): the checked content of its file, as last run."""

    __tablename__ = "lab_experiments"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LabTrial(Base):
    """One configuration x seed of an experiment; its unique key makes every write idempotent."""

    __tablename__ = "lab_trials"
    __table_args__ = (Index("ix_lab_trials_experiment", "experiment"),)

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    experiment: Mapped[str] = mapped_column(String(64))
    config_key: Mapped[str] = mapped_column(String(32))
    ordinal: Mapped[int] = mapped_column(Integer)
    repeat: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(128))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
