"""The price database: daily bars per ticker and source, written idempotently in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import pandas as pd
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL

from trader.data import bulk, migrate  # the submodule (no cycle: migrate imports nothing of trader)
from trader.data.engine import Engines, database_errors, open_engines, parse_url, safe
from trader.data.schema import DailyBar, IngestRun, Instrument
from trader.data.validate import as_date, checked_bars, date_range
from trader.errors import DataError, StoreError, did_you_mean
from trader.paths import default_database_url

INGEST_HINT = "run `trader ingest ...` first"
BAR_COLUMNS = ["ticker", "date", "open", "high", "low", "close", "adj_close", "volume", "source"]
STATUS_COLUMNS = ["ticker", "source", "first", "last", "rows"]
RUN_COLUMNS = [
    "id", "source", "detail", "tickers", "started_at", "finished_at", "rows_written", "status",
]  # fmt: skip

_BARS = cast(Table, DailyBar.__table__)
_RUNS = cast(Table, IngestRun.__table__)
_INSTRUMENTS = cast(Table, Instrument.__table__)


def _tickers(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(n.strip().upper() for n in names))


class Store:
    """Prices in a SQLite or PostgreSQL database, migrated to the latest schema on first use.

    Bad URLs are refused when the store is made; the database is opened on first use. Every
    database failure is one `StoreError` line, with the URL's password masked.
    """

    def __init__(self, url: str | None = None) -> None:
        self._url = url or default_database_url()
        self._parsed: URL = parse_url(self._url)
        self._engines: Engines | None = None
        self._ready = False

    @property
    def url(self) -> str:
        """The URL as given (with its password: pass it on, never print it; see `safe_url`)."""
        return self._url

    @property
    def safe_url(self) -> str:
        """The URL with its password masked, for messages and logs."""
        return safe(self._parsed)

    def __repr__(self) -> str:
        return f"Store({self.safe_url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def _get_engines(self) -> Engines:
        if self._engines is None:
            self._engines = open_engines(self._parsed)
        return self._engines

    def _ready_engines(self) -> Engines:
        if not self._ready:
            self.upgrade()
        return self._get_engines()

    def upgrade(self) -> None:
        """Apply any pending migrations (also done automatically on first use).

        Safe to run from several processes at once: the migration runs under a lock (a
        PostgreSQL advisory lock; SQLite's write lock), and whoever comes second finds the
        schema up to date.
        """
        engines = self._get_engines()
        with database_errors(self._parsed):
            with engines.read.connect() as conn:
                if migrate.is_current(conn):
                    self._ready = True
                    return
            with engines.write.begin() as conn:
                migrate.lock(conn)
                try:
                    migrate.upgrade(conn)
                except CommandError as err:
                    raise StoreError(
                        f"database {self.safe_url}: cannot migrate ({err}); "
                        "was it written by a newer trader?"
                    ) from err
        self._ready = True

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One write transaction on the migrated database (rolled back when the block raises).

        On SQLite the write lock is taken at the start (waiting while another process holds
        it, see `trader.data.engine`), so concurrent writers queue instead of failing.
        """
        with database_errors(self._parsed), self._ready_engines().write.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only use of the migrated database (one snapshot on SQLite)."""
        with database_errors(self._parsed), self._ready_engines().read.connect() as conn:
            yield conn

    def check_writable(self) -> None:
        """Raise `StoreError` now when the database cannot be written (read-only file or
        URL, no privilege), before long work whose result would then be lost."""
        with self.begin() as conn:
            version = migrate.version_table()
            conn.execute(update(version).values(version_num=version.c.version_num))

    def dispose(self) -> None:
        """Close pooled connections (the store can still be used afterwards)."""
        if self._engines is not None:
            self._engines.read.dispose()
            self._engines = None

    def write_bars(
        self, bars: pd.DataFrame, *, source: str, detail: str = "", origin: str | None = None
    ) -> int:
        """Upsert tidy bars (ticker, date, OHLC, volume[, adj_close]) and log the ingest run.

        The bars are validated first (errors name ``origin``, default ``source``). Everything
        happens in one transaction: instruments, bars and the ``ingest_runs`` row are all
        written or none is. Returns the number of bar rows written (inserted or updated).
        """
        where = origin or source
        if "ticker" not in bars.columns:
            raise DataError(f"{where}: missing column 'ticker'")
        rows = bulk.bar_rows(checked_bars(bars, where))
        started = dt.datetime.now(dt.UTC)
        tickers = rows.names()
        with self.begin() as conn:
            if tickers:
                new = dialect_insert(conn)(_INSTRUMENTS).on_conflict_do_nothing(
                    index_elements=["ticker"]
                )
                conn.execute(new, [{"ticker": t, "created_at": started} for t in tickers])
            bulk.upsert_bars(conn, rows, source=source, ingested_at=started)
            run = {
                "source": source,
                "detail": detail,
                "tickers": ",".join(tickers),
                "started_at": started,
                "finished_at": dt.datetime.now(dt.UTC),
                "rows_written": len(rows),
                "status": "ok",
            }
            conn.execute(insert(_RUNS), run)
        return len(rows)

    def read_bars(
        self,
        tickers: Sequence[str] | None = None,
        *,
        source: str | None = None,
        start: dt.date | str | None = None,
        end: dt.date | str | None = None,
    ) -> pd.DataFrame:
        """Stored bars as one tidy frame sorted by ticker and date (``date`` as datetime64[ns])."""
        first, last = date_range(start, end)
        names = _tickers(tickers) if tickers is not None else None
        stmt = select(*(_BARS.c[c] for c in BAR_COLUMNS)).order_by(
            _BARS.c.ticker, _BARS.c.date, _BARS.c.source
        )
        if names is not None:
            stmt = stmt.where(_BARS.c.ticker.in_(names))
        if source is not None:
            stmt = stmt.where(_BARS.c.source == source)
        if first is not None:
            stmt = stmt.where(_BARS.c.date >= first)
        if last is not None:
            stmt = stmt.where(_BARS.c.date <= last)
        with self.read() as conn:
            result = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in result], columns=BAR_COLUMNS)
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
        for name in bulk.VALUE_COLUMNS:
            frame[name] = frame[name].astype(float)
        found = set(frame["ticker"].unique().tolist())
        missing = [n for n in names if n not in found] if names is not None else []
        if missing or frame.empty:
            raise self._no_prices(missing[0] if missing else None, source, first, last)
        sources = frame.groupby("ticker")["source"].unique()
        mixed = sources[sources.map(len) > 1]
        if source is None and not mixed.empty:
            ticker = str(mixed.index[0])
            listed = ", ".join(sorted(mixed.iloc[0]))
            raise DataError(
                f"ticker '{ticker}' has prices from more than one source ({listed}); "
                "pass --source to choose one"
            )
        return frame.reset_index(drop=True)

    def _no_prices(
        self, ticker: str | None, source: str | None, first: dt.date | None, last: dt.date | None
    ) -> DataError:
        """The error for a read that found nothing, saying what *is* stored."""
        stored = self.status()
        what = f"ticker '{ticker}'" if ticker else "any ticker"
        if ticker is not None:
            stored = stored[stored["ticker"] == ticker]
            if stored.empty:
                hint = did_you_mean(ticker, self.status()["ticker"].tolist())
                return DataError(f"no prices stored for {what}{hint} — {INGEST_HINT}")
        if stored.empty:
            return DataError(f"no prices stored — {INGEST_HINT}")
        if source is not None and source not in set(stored["source"]):
            have = ", ".join(sorted(set(stored["source"])))
            return DataError(f"no prices stored for {what} from source '{source}' (stored: {have})")
        span = f"{min(stored['first'])} to {max(stored['last'])}"
        asked = f"{first or '...'} to {last or '...'}"
        return DataError(f"no prices stored for {what} in {asked} (stored: {span})")

    def last_date(self, ticker: str, source: str) -> dt.date | None:
        """The latest stored date for ``ticker`` from ``source``, or ``None``."""
        stmt = select(func.max(_BARS.c.date)).where(
            _BARS.c.ticker == ticker.strip().upper(), _BARS.c.source == source
        )
        with self.read() as conn:
            value = conn.execute(stmt).scalar_one_or_none()
        return value if isinstance(value, dt.date) or value is None else as_date(value, "date")

    def status(self) -> pd.DataFrame:
        """One row per (ticker, source): first and last date (``datetime.date``) and row count."""
        stmt = (
            select(
                _BARS.c.ticker,
                _BARS.c.source,
                func.min(_BARS.c.date),
                func.max(_BARS.c.date),
                func.count(),
            )
            .group_by(_BARS.c.ticker, _BARS.c.source)
            .order_by(_BARS.c.ticker, _BARS.c.source)
        )
        with self.read() as conn:
            result = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in result], columns=STATUS_COLUMNS)
        return frame.astype({"rows": "int64"})

    def ingest_runs(self) -> pd.DataFrame:
        """The ingest log, oldest first (timestamps as UTC)."""
        stmt = select(*(_RUNS.c[c] for c in RUN_COLUMNS)).order_by(_RUNS.c.id)
        with self.read() as conn:
            result = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in result], columns=RUN_COLUMNS)
        for name in ("started_at", "finished_at"):
            frame[name] = pd.to_datetime(frame[name], utc=True)
        return frame.astype({"id": "int64", "rows_written": "int64"})


def dialect_insert(conn: Connection) -> Any:
    """The dialect's ``insert`` (which has ``on_conflict_do_update``)."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert
    if name == "postgresql":
        return postgresql.insert
    raise StoreError(f"unsupported database '{name}' (use SQLite or PostgreSQL)")
