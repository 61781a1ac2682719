"""Bulk upserts of daily bars, without SQLAlchemy's per-row parameter processing.

Checked bars become arrays sorted by (ticker, date) (one lock order for every writer: no
deadlocks between concurrent ingests), one row per key (the last given wins), missing values
as ``NULL``. They are written in batches of `BATCH_ROWS` (`write_batch`, a named step the crash
tests kill the ingest around), inside the caller's transaction:

- SQLite: the driver's ``executemany`` of tuples with ``INSERT ... ON CONFLICT DO UPDATE``
  (`Connection.exec_driver_sql`, so driver errors still become `StoreError`);
- PostgreSQL: ``COPY`` into a temporary table (dropped at commit) on the same connection, then
  one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` into ``daily_bars``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Column, Connection
from sqlalchemy.exc import DBAPIError

from trader.data.schema import DailyBar

BATCH_ROWS = 5000
TABLE = "daily_bars"
VALUE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
COLUMNS = ("ticker", "date", *VALUE_COLUMNS)  # what a batch row holds, in order
KEY = ("ticker", "date", "source")
STAGE = "trader_bars_in"

_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in [*VALUE_COLUMNS, "ingested_at"])
_CONFLICT = f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {_UPDATE}"
_TARGET = f"{TABLE} ({', '.join([*COLUMNS, 'source', 'ingested_at'])})"
SQLITE_UPSERT = f"INSERT INTO {_TARGET} VALUES ({', '.join('?' * (len(COLUMNS) + 2))}) {_CONFLICT}"
PG_STAGE = (
    f"CREATE TEMPORARY TABLE {STAGE} (ticker varchar(32), date date, "
    + ", ".join(f"{c} double precision" for c in VALUE_COLUMNS)
    + ") ON COMMIT DROP"
)
PG_COPY = f"COPY {STAGE} ({', '.join(COLUMNS)}) FROM STDIN"
PG_UPSERT = (
    f"INSERT INTO {_TARGET} SELECT {', '.join(COLUMNS)}, %(source)s, %(ingested_at)s "
    f"FROM {STAGE} ORDER BY ticker, date {_CONFLICT}"
)


@dataclass(frozen=True)
class BarRows:
    """Bars ready to write: sorted by (ticker, date), one row per key, floats with NaN."""

    tickers: np.ndarray  # str objects, upper case
    dates: np.ndarray  # "YYYY-MM-DD" (how SQLite stores a date; PostgreSQL parses it)
    values: dict[str, np.ndarray]  # VALUE_COLUMNS as float64, NaN where missing

    def __len__(self) -> int:
        return len(self.tickers)

    def names(self) -> list[str]:
        """The tickers, each once, sorted."""
        return sorted(set(self.tickers.tolist()))

    def part(self, first: int, last: int) -> BarRows:
        values = {name: array[first:last] for name, array in self.values.items()}
        return BarRows(self.tickers[first:last], self.dates[first:last], values)

    def tuples(self, *constants: object) -> list[tuple[Any, ...]]:
        """One tuple per row in `COLUMNS` order (NaN as None), then ``constants``."""
        columns: list[Sequence[Any]] = [self.tickers.tolist(), self.dates.tolist()]
        for name in VALUE_COLUMNS:
            array = self.values[name]
            missing = np.isnan(array)
            if missing.any():
                columns.append(np.where(missing, None, array.astype(object)).tolist())
            else:
                columns.append(array.tolist())
        columns += [[value] * len(self) for value in constants]
        return list(zip(*columns, strict=True))


def bar_rows(checked: pd.DataFrame) -> BarRows:
    """`BarRows` from valid bars as `trader.data.validate.checked_bars` returns them."""
    frame = pd.DataFrame(
        {
            "ticker": checked["ticker"].astype(str).str.upper(),
            "date": checked["date"].to_numpy(dtype="datetime64[D]"),
        }
    )
    for name in VALUE_COLUMNS:
        present = name in checked.columns
        frame[name] = checked[name].to_numpy(dtype=np.float64) if present else np.nan
    frame = frame.sort_values(["ticker", "date"], kind="stable")
    frame = frame.drop_duplicates(["ticker", "date"], keep="last")
    dates = np.datetime_as_string(frame["date"].to_numpy(dtype="datetime64[D]"), unit="D")
    values = {name: frame[name].to_numpy(dtype=np.float64) for name in VALUE_COLUMNS}
    return BarRows(frame["ticker"].to_numpy(dtype=object), dates.astype(object), values)


def upsert_bars(conn: Connection, rows: BarRows, *, source: str, ingested_at: dt.datetime) -> None:
    """Insert or update ``rows`` in ``daily_bars`` within ``conn``'s transaction."""
    postgres = conn.dialect.name == "postgresql"
    if postgres and len(rows):
        conn.exec_driver_sql(PG_STAGE)
    for first in range(0, len(rows), BATCH_ROWS):
        write_batch(conn, rows.part(first, first + BATCH_ROWS), source, ingested_at)
    if postgres and len(rows):
        conn.exec_driver_sql(PG_UPSERT, {"source": source, "ingested_at": ingested_at})


def write_batch(conn: Connection, rows: BarRows, source: str, ingested_at: dt.datetime) -> None:
    """One batch: upserted (SQLite) or copied into the temporary table (PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        conn.exec_driver_sql(SQLITE_UPSERT, rows.tuples(source, _bound(conn, ingested_at)))
        return
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection in a transaction
    try:
        with driver.cursor() as cursor, cursor.copy(PG_COPY) as copy:
            for row in rows.tuples():
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as err:  # as SQLAlchemy would wrap it
        raise DBAPIError(PG_COPY, None, err) from err


def _bound(conn: Connection, stamp: dt.datetime) -> Any:
    """``stamp`` as SQLAlchemy would bind it to ``daily_bars.ingested_at`` (SQLite: text)."""
    column = cast(Column[dt.datetime], DailyBar.__table__.c.ingested_at)  # type: ignore[attr-defined]
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process(stamp) if process is not None else stamp
