"""Alembic, configured in code: the migrations ship inside the package (no alembic.ini).

Concurrent first uses are serialized: `lock` takes a PostgreSQL advisory lock for the
migrating transaction (SQLite's migrating transaction already holds the write lock), and
Alembic, run under the lock, finds the work done by whoever came first.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, MetaData, String, Table, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """An Alembic config for trader's migrations, optionally bound to an open connection.

    A new migration (after changing ``schema.py``)::

        command.revision(alembic_config(url), message="...", autogenerate=True)
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser escaping
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Migrate the database behind ``connection`` (inside its transaction) to ``revision``."""
    command.upgrade(alembic_config(connection.engine.url.render_as_string(), connection), revision)


@functools.cache
def head() -> str:
    """The newest migration shipped with this version of trader."""
    revision = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if revision is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return revision


def is_current(connection: Connection) -> bool:
    """Whether the database behind ``connection`` is at `head` (a read, no lock taken)."""
    revision = MigrationContext.configure(connection).get_current_revision()
    return revision == head()


def lock(connection: Connection) -> None:
    """Serialize migrations: on PostgreSQL, an advisory lock held until the transaction ends
    (one lock per schema, so separate schemas migrate side by side)."""
    if connection.dialect.name == "postgresql":
        key = "hashtext('trader.migrate.' || coalesce(current_schema(), ''))"
        connection.execute(text(f"SELECT pg_advisory_xact_lock({key})"))


def version_table() -> Table:
    """Alembic's ``alembic_version`` table (a row trader may rewrite to probe for writes)."""
    return Table("alembic_version", MetaData(), Column("version_num", String(32)))
