"""Restatements: stored bars a source later gave differently, recorded until resolved.

A restatement is resolved when the stored bar is replaced by the restated one (for example by
``trader ingest yahoo TICKER --start ...``, which overwrites the stored history): then the stored
value equals the fetched value again. Until then the quality gate refuses the ticker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, insert, select

from trader.data import DailyBar, Restatement, Store

_RESTATEMENTS = cast(Table, Restatement.__table__)
_BARS = cast(Table, DailyBar.__table__)
COLUMNS = ["ticker", "source", "date", "column", "stored", "fetched", "detected_at"]


def record_restatements(store: Store, source: str, rows: Sequence[dict[str, Any]]) -> int:
    """Store the restated values not recorded yet (same ticker, date, column and new value)."""
    if not rows:
        return 0
    known = {
        (r.ticker, r.date, r.column, r.fetched)
        for r in restatements(store, tickers=sorted({r["ticker"] for r in rows})).itertuples()
    }
    now = dt.datetime.now(dt.UTC)
    new = [
        {**r, "source": source, "detected_at": now}
        for r in rows
        if (r["ticker"], r["date"], r["column"], r["fetched"]) not in known
    ]
    if new:
        with store.begin() as conn:
            conn.execute(insert(_RESTATEMENTS), new)
    return len(new)


def restatements(store: Store, *, tickers: Sequence[str] | None = None) -> pd.DataFrame:
    """Every recorded restatement, oldest first."""
    stmt = select(*(_RESTATEMENTS.c[c] for c in COLUMNS)).order_by(_RESTATEMENTS.c.id)
    if tickers is not None:
        stmt = stmt.where(_RESTATEMENTS.c.ticker.in_(list(tickers)))
    with store.begin() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)


def unresolved(
    store: Store, *, tickers: Sequence[str] | None = None, tolerance: float = 1e-4
) -> pd.DataFrame:
    """Recorded restatements whose stored bar still differs from the restated value."""
    found = restatements(store, tickers=tickers)
    if found.empty:
        return found.assign(current=pd.Series(dtype=float))
    prices = [_BARS.c[c] for c in ("open", "high", "low", "close")]
    stmt = select(_BARS.c.ticker, _BARS.c.source, _BARS.c.date, *prices)
    stmt = stmt.where(_BARS.c.ticker.in_(sorted(set(found["ticker"]))))
    with store.begin() as conn:
        bars = pd.DataFrame(
            [tuple(r) for r in conn.execute(stmt).all()],
            columns=["ticker", "source", "date", "open", "high", "low", "close"],
        )
    long = bars.melt(id_vars=["ticker", "source", "date"], var_name="column", value_name="current")
    merged = found.merge(long, on=["ticker", "source", "date", "column"], how="inner")
    current, fetched = merged["current"].to_numpy(float), merged["fetched"].to_numpy(float)
    open_ = np.abs(current - fetched) > tolerance * np.maximum(np.abs(fetched), 1e-12)
    latest = merged[open_].drop_duplicates(["ticker", "source", "date", "column"], keep="last")
    return pd.DataFrame(latest.reset_index(drop=True))
