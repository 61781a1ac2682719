"""operations: promoted models and their activations, daily signals, restatements, job claims
and job runs (trader.data.service_tables)

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "production_models",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tickers", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("data_hash", sa.String(64), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("git_commit", sa.String(80), nullable=True),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_models")),
    )
    op.create_table(
        "model_activations",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["production_models.id"],
            name=op.f("fk_model_activations_model_id_production_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_activations")),
    )
    op.create_table(
        "signals",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("ticker", sa.String(32), nullable=False),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("call", sa.String(8), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("data_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("realized_return", sa.Float(), nullable=True),
        sa.Column("realized", sa.String(8), nullable=True),
        sa.Column("hit", sa.Boolean(), nullable=True),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["production_models.id"],
            name=op.f("fk_signals_model_id_production_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signals")),
        sa.UniqueConstraint(
            "date", "ticker", "model_id", name=op.f("uq_signals_date_ticker_model_id")
        ),
    )
    op.create_index("ix_signals_model_id_date", "signals", ["model_id", "date"])
    op.create_table(
        "restatements",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("ticker", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("column", sa.String(16), nullable=False),
        sa.Column("stored", sa.Float(), nullable=False),
        sa.Column("fetched", sa.Float(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restatements")),
    )
    op.create_index("ix_restatements_ticker_source", "restatements", ["ticker", "source"])
    op.create_table(
        "job_claims",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_claims")),
        sa.UniqueConstraint("job", "session_date", name=op.f("uq_job_claims_job_session_date")),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_job_session_date", "job_runs", ["job", "session_date"])


def downgrade() -> None:
    op.drop_index("ix_job_runs_job_session_date", table_name="job_runs")
    op.drop_table("job_runs")
    op.drop_table("job_claims")
    op.drop_index("ix_restatements_ticker_source", table_name="restatements")
    op.drop_table("restatements")
    op.drop_index("ix_signals_model_id_date", table_name="signals")
    op.drop_table("signals")
    op.drop_table("model_activations")
    op.drop_table("production_models")
