"""Tables of the unattended service (`trader.operations`): promoted models, daily signals,
restatements found on re-download, job claims and job runs.

Declared on the same `Base` as ``schema.py`` (so Alembic sees one schema); created by migration
``0004_operations``. Change a table here only together with a new migration.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trader.data.schema import Base, Id


class ProductionModel(Base):
    """A model refit on all stored data and saved for daily signals (`trader models promote`)."""

    __tablename__ = "production_models"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    tickers: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    data_hash: Mapped[str] = mapped_column(String(64))
    first_date: Mapped[dt.date] = mapped_column(Date)
    last_date: Mapped[dt.date] = mapped_column(Date)
    versions: Mapped[dict[str, Any]] = mapped_column(JSON)
    git_commit: Mapped[str | None] = mapped_column(String(80))
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)


class ModelActivation(Base):
    """One change of production: a model became the production model of its tickers."""

    __tablename__ = "model_activations"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    model_id: Mapped[str] = mapped_column(String(64), ForeignKey("production_models.id"))
    activated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(16))


class Signal(Base):
    """One daily signal of a production model, later reconciled with the realized move."""

    __tablename__ = "signals"
    __table_args__ = (
        UniqueConstraint("date", "ticker", "model_id"),
        Index("ix_signals_model_id_date", "model_id", "date"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    date: Mapped[dt.date] = mapped_column(Date)
    ticker: Mapped[str] = mapped_column(String(32))
    model_id: Mapped[str] = mapped_column(String(64), ForeignKey("production_models.id"))
    score: Mapped[float] = mapped_column(Float)
    call: Mapped[str] = mapped_column(String(8))
    target: Mapped[float] = mapped_column(Float)
    data_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    realized_return: Mapped[float | None] = mapped_column(Float)
    realized: Mapped[str | None] = mapped_column(String(8))
    hit: Mapped[bool | None] = mapped_column(Boolean)
    outcome_date: Mapped[dt.date | None] = mapped_column(Date)


class Restatement(Base):
    """A stored bar that came back different on re-download (a vendor's change of history)."""

    __tablename__ = "restatements"
    __table_args__ = (Index("ix_restatements_ticker_source", "ticker", "source"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ticker: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date)
    column: Mapped[str] = mapped_column(String(16))
    stored: Mapped[float] = mapped_column(Float)
    fetched: Mapped[float] = mapped_column(Float)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class JobClaim(Base):
    """The one claim that lets exactly one scheduler run a job for a session date."""

    __tablename__ = "job_claims"
    __table_args__ = (UniqueConstraint("job", "session_date"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64))
    session_date: Mapped[dt.date] = mapped_column(Date)
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    owner: Mapped[str] = mapped_column(String(128))


class JobRun(Base):
    """One run of a scheduled job: when, by whom, how it ended and what it did."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_session_date", "job", "session_date"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    session_date: Mapped[dt.date] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
