"""initial: instruments, daily_bars, ingest_runs

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "instruments",
        sa.Column("ticker", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ticker", name=op.f("pk_instruments")),
    )
    op.create_table(
        "daily_bars",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("ticker", sa.String(32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("open", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("close", sa.Float(), nullable=False),
        sa.Column("adj_close", sa.Float(), nullable=True),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticker"],
            ["instruments.ticker"],
            name=op.f("fk_daily_bars_ticker_instruments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_bars")),
        sa.UniqueConstraint(
            "ticker", "date", "source", name=op.f("uq_daily_bars_ticker_date_source")
        ),
    )
    op.create_index("ix_daily_bars_ticker_date", "daily_bars", ["ticker", "date"])
    op.create_table(
        "ingest_runs",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("tickers", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_runs")),
    )


def downgrade() -> None:
    op.drop_table("ingest_runs")
    op.drop_index("ix_daily_bars_ticker_date", table_name="daily_bars")
    op.drop_table("daily_bars")
    op.drop_table("instruments")
