"""Helpers of the reliability tests (bad-input corpus, crash and concurrency tests).

- `fingerprint`: a hash per table of everything a database holds (to prove "unchanged")
- `bars_state`: what the price tables hold, without ingest timestamps (to prove "complete")
- `trader_command`: the argv that runs the real `trader` entry point in a subprocess
- `fresh_postgres_database`: a uniquely named PostgreSQL database, dropped afterwards
- `unwritable_dir`: a folder this process cannot write to (root included)
"""

from __future__ import annotations

import hashlib
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

PYTHON = sys.executable


def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query)).all()]
    finally:
        engine.dispose()


def fingerprint(url: str) -> dict[str, str]:
    """Table name -> SHA-256 of its rows (order-independent); {} for an empty database."""
    engine = create_engine(url, poolclass=NullPool)
    out: dict[str, str] = {}
    try:
        with engine.connect() as conn:
            for table in sorted(inspect(conn).get_table_names()):
                rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
                digest = hashlib.sha256()
                for row in sorted(repr(tuple(r)) for r in rows):
                    digest.update(row.encode())
                out[table] = f"{len(rows)}:{digest.hexdigest()}"
    finally:
        engine.dispose()
    return out


def bars_state(url: str) -> tuple[int, str, int]:
    """(bar rows, hash of the bars without ingest times, ingest runs); (0, "", 0) if none."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if "daily_bars" not in inspect(conn).get_table_names():
                return 0, "", 0
    finally:
        engine.dispose()
    bars = _rows(
        url,
        "SELECT ticker, date, source, open, high, low, close, adj_close, volume FROM daily_bars",
    )
    digest = hashlib.sha256()
    for row in sorted(repr(r) for r in bars):
        digest.update(row.encode())
    runs = _rows(url, "SELECT count(*) FROM ingest_runs")[0][0]
    return len(bars), digest.hexdigest(), int(str(runs))


def duplicate_bars(url: str) -> int:
    """Rows sharing (ticker, date, source) with another row."""
    query = (
        "SELECT count(*) - count(DISTINCT ticker || '|' || CAST(date AS VARCHAR) || '|' || "
        "source) FROM daily_bars"
    )
    return int(str(_rows(url, query)[0][0]))


def trader_command(*args: str) -> list[str]:
    """The `trader` console script's entry point, run by this interpreter."""
    return [PYTHON, "-c", "from trader.cli import main; main()", *args]


def subprocess_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TRADER_DATABASE_URL"}
    env |= {"TRADER_DATA_DIR": str(data_dir), "TF_CPP_MIN_LOG_LEVEL": "3", "COLUMNS": "200"}
    return env


@contextmanager
def fresh_postgres_database(base: str) -> Iterator[str]:
    """A new, uniquely named database on ``base``'s server; dropped (forced) afterwards."""
    name = f"trader_t_{uuid.uuid4().hex[:20]}"
    admin = create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def unwritable_dir(tmp_path: Path) -> Path:
    """A folder path that cannot be created or written, even by root (else the test skips)."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        return locked / "data"
    candidate = Path("/sys") / f"trader-test-{uuid.uuid4().hex[:8]}"
    try:
        candidate.mkdir()
    except OSError:
        return candidate
    candidate.rmdir()
    pytest.skip("no folder here refuses writes to root")
