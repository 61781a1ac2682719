"""Alembic, configured in code: the migrations ship inside the package (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

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


def head() -> str:
    """The newest migration shipped with this version of trader."""
    revision = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if revision is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return revision
