"""Opening a database: URL checks, SQLite and PostgreSQL engines, one-line errors, no secrets.

- A URL that does not parse, names another database, has a non-numeric port or an unknown
  driver is a `StoreError`; every message shows the URL with its password masked (`masked`).
- SQLite: the folder of the file is created; writes take the write lock up front
  (``BEGIN IMMEDIATE``, see `Engines.write`), and a busy database is waited for
  (`SQLITE_BUSY_SECONDS`, or the URL's ``?timeout=``) before a clear "busy" error.
- PostgreSQL: connecting gives up after `PG_CONNECT_SECONDS` unless the URL says otherwise.
- `database_errors` turns driver errors (cannot connect, locked, not a database, ...) into one
  `StoreError` line that names the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool

from trader.errors import StoreError

SQLITE_BUSY_SECONDS = 30.0
PG_CONNECT_SECONDS = 10
_IMMEDIATE = "trader_immediate"
_PASSWORD = re.compile(r"(?<=://)([^/?#@]*?):[^/?#]*@")


def masked(text: str) -> str:
    """``text`` (a URL, or a message quoting one) with any password replaced by ``***``."""
    return _PASSWORD.sub(r"\1:***@", text)


def parse_url(text: str) -> URL:
    """A database URL, or a `StoreError` that shows it without its password."""
    try:
        url = make_url(text)
    except (ArgumentError, ValueError, TypeError) as err:
        bad_port = "int()" in str(err)
        detail = " (the host or port is not valid: a port is a number)" if bad_port else ""
        raise StoreError(f"invalid database URL '{masked(text)}'{detail}") from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database '{backend}' in {safe(url)} (use sqlite:/// or postgresql://)"
        )
    return url


def safe(url: URL) -> str:
    """``url`` as text with its password masked."""
    return url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class Engines:
    """The engine for reads, and the same pool opened for writes (``BEGIN IMMEDIATE`` on
    SQLite: the write lock is taken first, so a writer waits instead of failing mid-way)."""

    read: Engine
    write: Engine


def open_engines(url: URL) -> Engines:
    """Engines for ``url`` (see the module docstring for what each database gets)."""
    if url.get_backend_name() == "sqlite":
        return _sqlite(url)
    query = dict(url.query)
    args: dict[str, Any] = {}
    if "connect_timeout" not in query:
        args["connect_timeout"] = PG_CONNECT_SECONDS
    engine = _create(url, connect_args=args)
    return Engines(engine, engine)


def _create(url: URL, **kwargs: Any) -> Engine:
    try:
        return create_engine(url, **kwargs)
    except (ArgumentError, ImportError, ValueError, TypeError) as err:
        reason = masked(str(err).strip().splitlines()[0]) if str(err).strip() else ""
        raise StoreError(f"cannot use database URL {safe(url)}: {reason}") from None


def _sqlite(url: URL) -> Engines:
    database = url.database or ""
    kwargs: dict[str, Any] = {}
    if database in ("", ":memory:"):
        kwargs["poolclass"] = StaticPool
    elif not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"database {safe(url)}: cannot create its folder {folder} ({err.strerror or err})"
            ) from None
    if "timeout" not in url.query:
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS}
    engine = _create(url, **kwargs)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return Engines(engine, engine.execution_options(**{_IMMEDIATE: True}))


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own implicit BEGIN is off: `_sqlite_begin` starts every transaction
    # (pysqlite would otherwise run DDL outside any transaction and start writes late).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def database_errors(url: URL) -> Iterator[None]:
    """Driver errors as one `StoreError` line naming the database (password masked)."""
    try:
        yield
    except DBAPIError as err:
        raise StoreError(describe(url, err)) from err


def describe(url: URL, err: DBAPIError) -> str:
    """One line on what went wrong with the database."""
    lines = str(err.orig or err).strip().splitlines()
    reason = masked(lines[0].strip()) if lines else err.__class__.__name__
    if url.password:
        reason = reason.replace(str(url.password), "***")
    if url.get_backend_name() == "sqlite":
        if "locked" in reason or "busy" in reason:
            wait = url.query.get("timeout", SQLITE_BUSY_SECONDS)
            return (
                f"database {safe(url)} is busy: another process held it for more than "
                f"{wait} s ({reason}); try again when it is done"
            )
        if "not a database" in reason or "malformed" in reason:
            return f"database {safe(url)}: not a SQLite database, or a damaged one ({reason})"
    return f"database {safe(url)}: {reason}"
