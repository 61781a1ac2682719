"""Getting prices in: the bundled sample, CSV files or folders, and Yahoo Finance (yfinance).

Readers return one tidy frame with columns ``COLUMNS`` (``date`` as datetime64[ns] when every
date parses, else left as read so validation can name the bad row). `ingest` validates and writes
everything in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from trader.config import check_ticker
from trader.data import validate
from trader.data.store import Store
from trader.data.yahoo import Download, download_one
from trader.errors import ConfigError, DataError, did_you_mean
from trader.paths import sample_dir

COLUMNS = ["ticker", "date", "open", "high", "low", "close", "adj_close", "volume"]
PRICE_COLUMNS = ["open", "high", "low", "close", "adj_close"]
# Header spellings (lower-cased, letters only) -> column; earlier entries win for the same column.
ALIASES: dict[str, str] = {
    "date": "date",
    "datetime": "date",
    "timestamp": "date",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "adjclose": "adj_close",
    "adjustedclose": "adj_close",
    "volume": "volume",
    "vol": "volume",
    "ticker": "ticker",
    "symbol": "ticker",
    "name": "ticker",
}
_CSV_SUFFIXES = (".csv", ".csv.gz")


@dataclass(frozen=True)
class IngestReport:
    """What one ingest wrote: rows upserted, tickers touched and messages for dropped rows."""

    source: str
    rows: int
    tickers: list[str]
    dropped: list[str] = field(default_factory=list)


def _key(name: object) -> str:
    return re.sub(r"[^a-z]", "", str(name).lower())


def _tidy(raw: pd.DataFrame, origin: str, ticker: str | None) -> pd.DataFrame:
    """Rename known headers, keep ``COLUMNS``, fill the ticker and parse dates and numbers."""
    chosen: dict[str, tuple[int, object]] = {}
    priority = list(ALIASES)
    for column in raw.columns:
        key = _key(column)
        if key in ALIASES:
            target, rank = ALIASES[key], priority.index(key)
            if target not in chosen or rank < chosen[target][0]:
                chosen[target] = (rank, column)
    for name in validate.REQUIRED:
        if name not in chosen:
            raise DataError(f"{origin}: missing column '{name}'")
    frame = pd.DataFrame({target: raw[column] for target, (_, column) in chosen.items()})
    if "ticker" in frame.columns:
        frame["ticker"] = frame["ticker"].astype("str").where(frame["ticker"].notna())
        frame["ticker"] = frame["ticker"].str.strip().str.upper()
    elif ticker:
        frame["ticker"] = ticker.strip().upper()
    else:
        raise DataError(f"{origin}: no ticker column and no ticker given")
    if "adj_close" not in frame.columns:
        frame["adj_close"] = float("nan")
    parsed = validate.parse_dates(frame["date"])
    if parsed.notna().all():
        frame["date"] = parsed
    for name in [*PRICE_COLUMNS, "volume"]:
        if pd.api.types.is_numeric_dtype(frame[name].dtype):
            frame[name] = frame[name].astype(float)
    return frame[COLUMNS].reset_index(drop=True)


def _stem(path: Path) -> str:
    name = path.name
    for suffix in sorted(_CSV_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def load_csv(path: Path) -> pd.DataFrame:
    """A CSV file's rows; an empty or unreadable file is one `DataError` naming the file."""
    try:
        raw = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path.name}: empty file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, zlib.error) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"{path.name}: cannot read CSV ({reason})") from err
    if raw.empty:
        raise DataError(f"{path.name}: no rows")
    return raw


def _read_file(path: Path, ticker: str | None) -> pd.DataFrame:
    return _tidy(load_csv(path), path.name, ticker or _stem(path).upper())


def read_csv(path: Path, ticker: str | None = None) -> pd.DataFrame:
    """Prices from a CSV file (``.csv`` or ``.csv.gz``) or a folder of them, as one tidy frame.

    Headers are matched case-insensitively (``Date``, ``Adj Close``, ``adj_close``, ``<VOL>``...);
    extra columns are ignored. The ticker comes from a ticker/symbol/name column, else ``ticker``,
    else the file name (``aapl.us.csv`` -> ``AAPL.US``).
    """
    path = Path(path)
    if path.is_dir():
        if ticker:
            raise ConfigError(f"{path}: a ticker can only be given for a single file")
        try:
            files = sorted(
                p for p in path.iterdir() if p.name.lower().endswith(_CSV_SUFFIXES) and p.is_file()
            )
        except OSError as err:
            raise DataError(f"{path}: cannot read folder ({err.strerror or err})") from None
        if not files:
            raise DataError(f"{path}: no *.csv or *.csv.gz files in this folder")
        return pd.concat([_read_file(p, ticker) for p in files], ignore_index=True)
    if not path.exists():
        raise DataError(f"{path}: file or folder not found")
    if not path.is_file():  # a pipe or a device would block or never end
        raise DataError(f"{path}: not a regular file")
    return _read_file(path, ticker)


def sample_tickers() -> list[str]:
    """Tickers of the bundled sample (``data/sample/<TICKER>.csv``)."""
    return sorted(_stem(p).upper() for p in sample_dir().glob("*.csv"))


def read_sample(tickers: Sequence[str] | None = None) -> pd.DataFrame:
    """The bundled real daily prices (all tickers when ``tickers`` is None)."""
    available = sample_tickers()
    wanted = available if tickers is None else [t.strip().upper() for t in tickers]
    for name in wanted:
        if name not in available:
            hint = did_you_mean(name, available) or f" (available: {', '.join(available)})"
            raise DataError(f"no sample prices for ticker '{name}'{hint}")
    frames = [_read_file(sample_dir() / f"{name}.csv", name) for name in dict.fromkeys(wanted)]
    return pd.concat(frames, ignore_index=True)


def _no_data(ticker: str, reason: str = "") -> DataError:
    why = f"; yfinance said: {reason}" if reason else ""
    return DataError(
        f"yahoo: no data for ticker '{ticker}' (network unreachable or unknown ticker{why})"
    )


def _yahoo_frame(raw: pd.DataFrame | None, ticker: str) -> pd.DataFrame | None:
    """One ticker's bars from a download result ((Price, Ticker) columns), None when empty."""
    if raw is None or raw.empty:
        return None
    frame = raw
    if isinstance(frame.columns, pd.MultiIndex):
        levels = range(frame.columns.nlevels)
        level = next((i for i in levels if "Close" not in frame.columns.levels[i]), 1)
        if ticker not in set(frame.columns.get_level_values(level)):
            return None
        frame = pd.DataFrame(frame.xs(ticker, axis=1, level=level))
    frame = frame.rename_axis("date").reset_index()
    prices = [c for c in frame.columns if ALIASES.get(_key(c)) in PRICE_COLUMNS]
    frame = frame.dropna(how="all", subset=prices)  # rows yfinance padded when aligning tickers
    if frame.empty:
        return None
    return _tidy(frame, f"yahoo {ticker}", ticker)


def _names(tickers: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(check_ticker(t, "yahoo") for t in tickers))


def fetch_yahoo(
    tickers: Sequence[str],
    start: str | None,
    end: str | None,
    *,
    download: Download | None = None,
) -> pd.DataFrame:
    """Daily bars from Yahoo Finance: unadjusted OHLC plus ``adj_close``; ``end`` is inclusive.

    ``download`` defaults to ``yfinance.download`` (tests pass a fake); one call per ticker.
    Without ``start`` the whole history is fetched.
    """
    first, last = validate.date_range(start, end)
    frames = []
    for ticker in _names(tickers):
        raw, reason = download_one(download, ticker, first, last)
        frame = _yahoo_frame(raw, ticker)
        if frame is None:
            raise _no_data(ticker, reason)
        frames.append(frame)
    if not frames:
        return _empty()
    return pd.concat(frames, ignore_index=True)


def _empty() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    return frame.astype({"ticker": "str", "date": "datetime64[ns]"})


def ingest(
    store: Store,
    frame: pd.DataFrame,
    *,
    source: str,
    origin: str,
    drop_invalid: bool = False,
) -> IngestReport:
    """Validate ``frame`` (or drop its bad rows) and write it in one transaction."""
    if "ticker" not in frame.columns:
        raise DataError(f"{origin}: missing column 'ticker'")
    dropped: list[str] = []
    if drop_invalid:
        frame, dropped = validate.drop_invalid(frame, origin)
    detail = origin + (f" ({len(dropped)} bad rows dropped)" if dropped else "")
    rows = store.write_bars(frame, source=source, detail=detail, origin=origin)  # validates
    tickers = sorted(set(frame["ticker"].astype("str").str.strip().str.upper()))
    return IngestReport(source=source, rows=rows, tickers=tickers, dropped=dropped)


def ingest_yahoo(
    store: Store,
    tickers: Sequence[str],
    start: str | None,
    end: str | None,
    *,
    download: Download | None = None,
    drop_invalid: bool = False,
) -> IngestReport:
    """Fetch from Yahoo and store. Incremental: without ``start``, a ticker with stored ``yahoo``
    bars starts the day after its last one (a given ``start`` is fetched again and upserted).

    Every ticker is fetched and validated before anything is written, in one transaction. No new
    bars for an already-stored ticker (up to date, weekend, holiday) is 0 rows, not an error.
    """
    first, last_wanted = validate.date_range(start, end)
    today = dt.date.today()
    frames: list[pd.DataFrame] = []
    for ticker in _names(tickers):
        stored = store.last_date(ticker, "yahoo")
        begin = first
        if first is None and stored is not None:  # incremental
            begin = stored + dt.timedelta(days=1)
            if begin > min(last_wanted or today, today):
                continue  # already up to date: don't even ask
        raw, reason = download_one(download, ticker, begin, last_wanted)
        frame = _yahoo_frame(raw, ticker)
        if frame is None:
            if first is None and stored is not None:
                continue  # nothing newer than what is stored
            raise _no_data(ticker, reason)
        if first is None and stored is not None:  # Yahoo may repeat the last stored day
            dates = validate.parse_dates(frame["date"])
            frame = frame[dates.isna() | (dates > pd.Timestamp(stored))]
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else _empty()
    origin = f"yahoo {start or 'incremental'}..{end or 'today'}"
    return ingest(store, frame, source="yahoo", origin=origin, drop_invalid=drop_invalid)
