"""trials: every configuration evaluated on a dataset, for the deflated Sharpe ratio

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "trials",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("data_hash", sa.String(64), nullable=False),
        sa.Column("data_start", sa.Date(), nullable=False),
        sa.Column("data_end", sa.Date(), nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("train_run_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("test_start", sa.Date(), nullable=False),
        sa.Column("test_end", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("sharpe", sa.Float(), nullable=True),
        sa.Column("excess_sharpe", sa.Float(), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trials")),
        sa.UniqueConstraint(
            "data_hash",
            "data_start",
            "data_end",
            "config_hash",
            name=op.f("uq_trials_data_hash_data_start_data_end_config_hash"),
        ),
    )
    op.create_index("ix_trials_data_hash", "trials", ["data_hash"])


def downgrade() -> None:
    op.drop_index("ix_trials_data_hash", table_name="trials")
    op.drop_table("trials")
