"""Data operations: verify the stored prices, export them, update them incrementally.

- `verify_data`: the ingest validation and every quality check over the **whole** stored history
  of each (ticker, source), as of a date: gaps against the exchange calendar, bars on closed
  days, jumps, zero volume, a stale last bar, unresolved restatements.
- `export_bars`: stored bars to one CSV or Parquet (pyarrow) file.
- `update_data`: the incremental update of the signal job on its own, for given tickers or every
  production ticker, with its per-ticker summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from trader import paths
from trader.data import Store, drop_invalid
from trader.errors import ConfigError, DataError
from trader.operations.calendar import calendar_for
from trader.operations.quality import Problem, QualityReport, ticker_problems
from trader.operations.registry import all_models, production
from trader.operations.restatements import unresolved
from trader.operations.settings import ServiceSettings
from trader.operations.update import UpdateReport, update_prices

ExportFormat = Literal["csv", "parquet"]


def _stored(store: Store, tickers: Sequence[str] | None, source: str | None) -> pd.DataFrame:
    status = store.status()
    if tickers is not None:
        names = [t.strip().upper() for t in tickers]
        for name in names:
            if name not in set(status["ticker"]):
                store.read_bars([name])  # raises the store's own "did you mean" error
        status = status[status["ticker"].isin(names)]
    if source is not None:
        status = status[status["source"] == source]
    if status.empty:
        raise DataError("no prices stored to verify — run `trader ingest ...` first")
    return status


def verify_data(
    store: Store,
    settings: ServiceSettings,
    *,
    tickers: Sequence[str] | None = None,
    source: str | None = None,
    as_of: dt.date | None = None,
) -> QualityReport:
    """Every check over every stored bar of the chosen (ticker, source) pairs, as of ``as_of``
    (default: the latest closed session)."""
    status = _stored(store, tickers, source)
    earliest = min(status["first"])
    calendar = calendar_for(settings.exchange, earliest, settings.quality.calendar_start)
    session = calendar.session_on_or_before(as_of) if as_of else calendar.last_closed_session()
    several = status["ticker"].duplicated(keep=False)
    labels = [
        f"{t} ({s})" if dup else str(t)
        for t, s, dup in zip(status["ticker"], status["source"], several, strict=True)
    ]
    problems: list[Problem] = []
    pairs = zip(status["ticker"], status["source"], strict=True)
    for label, (ticker, src) in zip(labels, pairs, strict=True):
        rows = store.read_bars([ticker], source=src, end=session)
        _, messages = drop_invalid(rows, f"{src} {ticker}")
        problems += [Problem(label, "invalid", m) for m in messages]
        problems += ticker_problems(
            label,
            rows,
            session=session,
            calendar=calendar,
            settings=settings.quality,
            lookback=None,
        )
    tolerance = settings.quality.restatement_tolerance
    restated = unresolved(store, tickers=list(status["ticker"]), tolerance=tolerance)
    for (ticker, src), rows in restated.groupby(["ticker", "source"]):
        first = rows.iloc[0]
        problems.append(Problem(
            str(ticker), "restated",
            f"{len(rows)} stored value(s) of {src} differ from a later download, first "
            f"{first['date']} {first['column']} {first['stored']:.6g} -> {first['fetched']:.6g}",
        ))  # fmt: skip
    return QualityReport(session, session, labels, problems)


def export_bars(
    store: Store,
    fmt: ExportFormat,
    path: Path | None = None,
    *,
    tickers: Sequence[str] | None = None,
    source: str | None = None,
) -> tuple[Path, int]:
    """Write stored bars (ticker, date, OHLC, adj_close, volume, source) to one file."""
    if fmt not in ("csv", "parquet"):
        raise ConfigError(f"export: unknown format '{fmt}' (csv or parquet)")
    bars = store.read_bars(tickers, source=source)
    target = Path(path) if path is not None else paths.data_dir() / "exports" / f"bars.{fmt}"
    if target.is_dir():
        target = target / f"bars.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    frame = bars.assign(date=bars["date"].dt.date)
    if fmt == "csv":
        frame.to_csv(target, index=False)
    else:
        frame.to_parquet(target, engine="pyarrow", index=False)
    return target, len(frame)


def update_data(
    store: Store,
    settings: ServiceSettings,
    *,
    tickers: Sequence[str] | None = None,
    source: str | None = None,
    download: Callable[..., Any] | None = None,
) -> list[UpdateReport]:
    """Update ``tickers`` from ``source``, or every production ticker from its model's source."""
    tolerance = settings.quality.restatement_tolerance
    chosen = source or settings.update.source
    if tickers:
        if chosen is None:
            raise ConfigError("update: name the source of these tickers (--source)")
        return [
            update_prices(
                store, tickers, chosen, settings.update, tolerance=tolerance, download=download
            )
        ]
    owners = production(store)
    if not owners:
        raise ConfigError(
            "update: name tickers, or promote a model first (its tickers are updated)"
        )
    sources = {m.id: m.source for m in all_models(store)}
    groups: dict[str, list[str]] = {}
    for ticker, model_id in sorted(owners.items()):
        src = chosen or sources[model_id]
        if src is not None:
            groups.setdefault(src, []).append(ticker)
    return [
        update_prices(store, names, src, settings.update, tolerance=tolerance, download=download)
        for src, names in sorted(groups.items())
    ]
