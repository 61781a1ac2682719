"""Bring stored prices up to date, ticker by ticker, and say exactly what was added.

Sources: ``yahoo`` (production; paced and retried, see `trader.operations.pacing`), ``sample``
and ``csv`` (offline). Each ticker is fetched from ``overlap_days`` before its last stored bar
(the whole file for sample/CSV), so the bars already stored are downloaded again and compared:
a stored open/high/low/close that changed by more than the tolerance is a **restatement** (a
vendor's change of adjustment). A restated ticker's new bars are not written (the stored
history stays as it was) and the restatement is recorded, for the quality gate and
`trader data verify`. A ticker that fails (after its retries) or has invalid rows is reported
and skipped; what succeeded is written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trader.data import (
    Store,
    fetch_yahoo,
    read_csv,
    read_sample,
    sample_tickers,
    validate_bars,
)
from trader.errors import ConfigError, DataError
from trader.operations.pacing import Pacer, Sleep, with_retries
from trader.operations.restatements import record_restatements
from trader.operations.settings import UpdateSettings

COMPARED = ("open", "high", "low", "close")


@dataclass(frozen=True)
class TickerUpdate:
    """What the update did for one ticker."""

    ticker: str
    status: str  # added | up to date | failed | restated
    rows: int = 0
    first: dt.date | None = None
    last: dt.date | None = None
    attempts: int = 0
    error: str = ""

    def line(self) -> str:
        if self.status == "added":
            span = self.first if self.first == self.last else f"{self.first} .. {self.last}"
            return f"{self.ticker}: added {self.rows} bar(s) ({span})"
        if self.status == "up to date":
            return f"{self.ticker}: up to date (last bar {self.last})"
        tries = f" after {self.attempts} attempt(s)" if self.attempts > 1 else ""
        return f"{self.ticker}: {self.status}{tries}: {self.error}"


@dataclass(frozen=True)
class UpdateReport:
    """Per ticker what one incremental update added, skipped or refused."""

    source: str
    tickers: list[TickerUpdate] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tickers)

    def with_status(self, status: str) -> list[TickerUpdate]:
        return [t for t in self.tickers if t.status == status]

    def lines(self) -> list[str]:
        added = self.with_status("added")
        head = (
            f"update from {self.source}: {self.rows} new bar(s) for {len(added)} of "
            f"{len(self.tickers)} ticker(s)"
        )
        return [head, *(f"  {t.line()}" for t in self.tickers)]

    def as_dict(self) -> dict[str, Any]:
        tickers = [
            {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(t).items()}
            for t in self.tickers
        ]
        return {"source": self.source, "rows": self.rows, "tickers": tickers}


Download = Callable[..., Any]


def _fetch_offline(source: str, tickers: list[str], csv_dir: str | None) -> dict[str, pd.DataFrame]:
    if source == "sample":
        have = set(sample_tickers())
        frame = read_sample([t for t in tickers if t in have]) if have & set(tickers) else None
    else:
        if not csv_dir:
            raise ConfigError("update: source csv needs a folder (update.csv_dir or --csv-dir)")
        frame = read_csv(Path(csv_dir))
    if frame is None:
        return {}
    return {str(t): g.reset_index(drop=True) for t, g in frame.groupby("ticker") if t in tickers}


def _compare(stored: pd.DataFrame, fetched: pd.DataFrame, tolerance: float) -> list[dict[str, Any]]:
    """Stored bars that the new download gives differently (one entry per date and column)."""
    both = stored.merge(
        fetched.assign(date=pd.to_datetime(fetched["date"])), on="date", suffixes=("_s", "_f")
    )
    out = []
    for column in COMPARED:
        old, new = both[f"{column}_s"].to_numpy(float), both[f"{column}_f"].to_numpy(float)
        changed = np.abs(new - old) > tolerance * np.maximum(np.abs(old), 1e-12)
        for k in np.flatnonzero(changed):
            day = pd.Timestamp(both["date"].iloc[k]).date()
            out.append({"date": day, "column": column, "stored": old[k], "fetched": new[k]})
    return sorted(out, key=lambda r: (r["date"], r["column"]))


def update_prices(
    store: Store,
    tickers: Sequence[str],
    source: str,
    settings: UpdateSettings,
    *,
    tolerance: float = 1e-4,
    download: Download | None = None,
    sleep: Sleep = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> UpdateReport:
    """Fetch, compare, and store the new bars of ``tickers`` from ``source``; report per ticker."""
    names = list(dict.fromkeys(t.strip().upper() for t in tickers))
    if source not in ("sample", "csv", "yahoo"):
        raise ConfigError(f"update: unknown source '{source}' (sample, csv or yahoo)")
    status = store.status()
    status = status[status["source"] == source].set_index("ticker")
    last = {str(t): row["last"] for t, row in status.iterrows()}
    fetched: dict[str, pd.DataFrame] = {}
    results: dict[str, TickerUpdate] = {}
    attempts: dict[str, int] = {}
    if source == "yahoo":
        pacer = Pacer(settings.requests_per_minute, clock=clock, sleep=sleep)
        for ticker in names:
            start = last.get(ticker)
            begin = None if start is None else start - dt.timedelta(days=settings.overlap_days)
            frame, tries = with_retries(
                lambda t=ticker, b=begin: fetch_yahoo(  # type: ignore[misc]
                    [t], None if b is None else b.isoformat(), None, download=download
                ),
                pacer=pacer,
                retries=settings.retries,
                backoff=settings.backoff_seconds,
                sleep=sleep,
            )
            attempts[ticker] = tries.count
            if frame is None:
                results[ticker] = TickerUpdate(
                    ticker, "failed", attempts=tries.count, error=tries.error
                )
            else:
                fetched[ticker] = frame
    else:
        fetched = _fetch_offline(source, names, settings.csv_dir)
        for ticker in names:
            if ticker not in fetched:
                where = "the bundled sample" if source == "sample" else str(settings.csv_dir)
                results[ticker] = TickerUpdate(ticker, "failed", error=f"not in {where}")
    return _store_new(store, source, names, fetched, results, last, attempts, tolerance)


def _store_new(
    store: Store,
    source: str,
    names: list[str],
    fetched: dict[str, pd.DataFrame],
    results: dict[str, TickerUpdate],
    last: dict[str, dt.date],
    attempts: dict[str, int],
    tolerance: float,
) -> UpdateReport:
    known = [t for t in fetched if t in last]
    stored = store.read_bars(known, source=source) if known else pd.DataFrame()
    new_frames, restated = [], []
    for ticker, frame in fetched.items():
        tries = attempts.get(ticker, 1)
        try:
            validate_bars(frame, f"{source} {ticker}")
        except DataError as err:
            results[ticker] = TickerUpdate(ticker, "failed", attempts=tries, error=str(err))
            continue
        dates = pd.to_datetime(frame["date"])
        stored_last = last.get(ticker)
        if stored_last is not None:
            mine = stored[stored["ticker"] == ticker]
            changes = _compare(mine, frame[dates <= pd.Timestamp(stored_last)], tolerance)
            if changes:
                restated += [{"ticker": ticker, **c} for c in changes]
                first = changes[0]
                results[ticker] = TickerUpdate(
                    ticker, "restated", attempts=tries,
                    error=f"{len(changes)} stored value(s) changed, first {first['date']} "
                    f"{first['column']} {first['stored']:.6g} -> {first['fetched']:.6g}",
                )  # fmt: skip
                continue
            frame = frame[dates > pd.Timestamp(stored_last)]
        if frame.empty:
            results[ticker] = TickerUpdate(ticker, "up to date", last=stored_last, attempts=tries)
            continue
        days = pd.to_datetime(frame["date"])
        results[ticker] = TickerUpdate(
            ticker, "added", rows=len(frame), first=days.min().date(), last=days.max().date(),
            attempts=tries,
        )  # fmt: skip
        new_frames.append(frame)
    if new_frames:
        store.write_bars(pd.concat(new_frames, ignore_index=True), source=source, detail="update")
    record_restatements(store, source, restated)
    return UpdateReport(source, [results[t] for t in names])
