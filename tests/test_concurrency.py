"""Concurrency: four `trader` processes at once on a fresh database (SQLite, and a new
PostgreSQL database created for the test), and SQLite's busy waiting.

The processes start together (each waits at a file barrier after its imports), so the first
migration and the first writes really race. No process may fail or print a traceback, no bar
may be stored twice, and the result must equal the same ingests run one after the other.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import postgres_url
from reliability import (
    PYTHON,
    bars_state,
    duplicate_bars,
    fresh_postgres_database,
    subprocess_env,
)
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from trader.cli import app
from trader.data import Store, ingest, read_sample
from trader.data.migrate import head

WORKERS = 4
BARRIER = """
import pathlib, sys, time
from trader.cli import main
folder, me, count = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
(folder / f"ready-{me}").touch()
deadline = time.monotonic() + 120
while len(list(folder.glob("ready-*"))) < count and time.monotonic() < deadline:
    time.sleep(0.005)
sys.argv = ["trader", *sys.argv[4:]]
main()
"""
# Overlapping tickers: every ticker is written by two processes.
TICKERS = [["AAPL", "MSFT"], ["MSFT", "KO"], ["KO", "JPM"], ["JPM", "AAPL"]]


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """Two URLs of databases that do not exist yet (SQLite) or are brand new and empty."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / name / 'trader.db'}" for name in ("fresh", "other")]
        return
    base = postgres_url()
    if base is None:
        pytest.skip("set TRADER_TEST_DATABASE_URL to run the PostgreSQL concurrency tests")
    with fresh_postgres_database(base) as first, fresh_postgres_database(base) as second:
        yield [first, second]


def _together(commands: list[list[str]], tmp_path: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run `trader` with each argument list in its own process, all released at once."""
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    processes = [
        subprocess.Popen(
            [PYTHON, "-c", BARRIER, str(barrier), str(i), str(len(commands)), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=subprocess_env(tmp_path / "data"),
        )
        for i, args in enumerate(commands)
    ]
    done = []
    for process, args in zip(processes, commands, strict=True):
        out, err = process.communicate(timeout=600)
        done.append(subprocess.CompletedProcess(args, process.returncode, out, err))
    return done


def _all_fine(done: list[subprocess.CompletedProcess[str]]) -> None:
    for result in done:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_concurrent_first_migrations(fresh_urls: list[str], tmp_path: Path) -> None:
    fresh_url = fresh_urls[0]
    done = _together([["db", "upgrade", "--db", fresh_url]] * WORKERS, tmp_path)
    _all_fine(done)
    engine = create_engine(fresh_url, poolclass=NullPool)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert versions == [head()]


def test_concurrent_first_ingests_equal_a_sequential_ingest(
    fresh_urls: list[str], tmp_path: Path
) -> None:
    fresh_url, sequential = fresh_urls
    commands = [["ingest", "sample", *names, "--db", fresh_url] for names in TICKERS]
    _all_fine(_together(commands, tmp_path))
    with Store(sequential) as store:
        for names in TICKERS:
            ingest(store, read_sample(names), source="sample", origin="sample")
    assert duplicate_bars(fresh_url) == 0
    assert bars_state(fresh_url) == bars_state(sequential)
    assert bars_state(fresh_url)[2] == WORKERS  # one ingest log row each


def test_sqlite_busy_database_waits_then_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    Store(f"sqlite:///{path}").upgrade()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process writing for a long time
    runner = CliRunner()
    try:
        impatient = runner.invoke(
            app, ["ingest", "sample", "KO", "--db", f"sqlite:///{path}?timeout=0.3"]
        )
        assert impatient.exit_code == 2
        assert impatient.stderr.count("\n") == 1
        assert "is busy: another process held it for more than 0.3 s" in impatient.stderr
        assert "try again" in impatient.stderr
        release = threading.Timer(1.0, holder.rollback)
        release.start()
        patient = runner.invoke(app, ["ingest", "sample", "KO", "--db", f"sqlite:///{path}"])
        release.join()
        assert patient.exit_code == 0, patient.output  # waited for the lock, then wrote
    finally:
        holder.close()
    assert bars_state(f"sqlite:///{path}")[2] == 1  # the failed attempt wrote nothing
