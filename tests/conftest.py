"""Shared fixtures: an isolated environment and a fresh database per test (SQLite and PostgreSQL).

PostgreSQL tests run when ``TRADER_TEST_DATABASE_URL`` is set (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets its own schema, selected
through the URL's ``options=-csearch_path=<schema>``, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

# Before anything imports TensorFlow or reads trader's settings.
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
# The fast engine's compiled code is cached across test sessions (the data dir is a fresh
# temporary folder per session, which would compile it again every time).
os.environ.setdefault(
    "NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / ".pytest_cache" / "numba")
)
os.environ.pop("TRADER_DATABASE_URL", None)

from trader.data import Store

# Hypothesis profiles: "ci" (selected by .ci/run with HYPOTHESIS_PROFILE=ci) draws the same
# examples on every run and keeps no example database, so a CI result is reproducible; the
# default profile keeps exploring new examples locally.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("default")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PG_ENV = "TRADER_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Runtime files go to a temporary data dir; the user's database URL never leaks in."""
    data = tmp_path_factory.mktemp("trader-data")
    patch = pytest.MonkeyPatch()
    patch.setenv("TRADER_DATA_DIR", str(data))
    patch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    patch.delenv("TRADER_DATABASE_URL", raising=False)
    yield data
    patch.undo()


def postgres_url() -> str | None:
    """The PostgreSQL server for tests, or None when ``TRADER_TEST_DATABASE_URL`` is unset."""
    return os.environ.get(PG_ENV) or None


def with_search_path(url: str, schema: str) -> str:
    """``url`` with every connection's ``search_path`` set to ``schema``."""
    parsed = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'trader.db'}"
        return
    base = postgres_url()
    if base is None:
        pytest.skip(f"set {PG_ENV} to run the PostgreSQL tests")
    schema = f"t_{uuid.uuid4().hex}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A `Store` on a fresh database (see `db_url`), disposed afterwards."""
    opened = Store(db_url)
    yield opened
    opened.dispose()


def synthetic_bars(
    ticker: str = "AAA", days: int = 5, start: str = "2015-03-02", price: float = 10.0
) -> pd.DataFrame:
    """Valid business-day bars for one ticker (close rises by 1% a day)."""
    dates = pd.bdate_range(start, periods=days)
    close = price * 1.01 ** np.arange(days)
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": dates,
            "open": close * 0.995,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "volume": 1000.0 + np.arange(days),
        }
    )


@pytest.fixture
def make_bars() -> Callable[..., pd.DataFrame]:
    """`synthetic_bars` as a fixture: ``make_bars("AAA", days=5, start="2015-03-02")``."""
    return synthetic_bars
