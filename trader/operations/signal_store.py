"""Stored signals: written once per (date, ticker, model), read back, reconciled in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from trader.data import Signal, Store
from trader.errors import StoreError

_SIGNALS = cast(Table, Signal.__table__)
COLUMNS = [
    "date", "ticker", "model_id", "score", "call", "target", "data_hash", "created_at",
    "realized_return", "realized", "hit", "outcome_date",
]  # fmt: skip


def insert_ignore(
    conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str]
) -> int:
    """Insert ``rows``, skipping any that collide with a stored row on the unique ``keys``.

    Returns how many were inserted (the rows the database returned; the claims rely on it).
    """
    if not rows:
        return 0
    name = conn.dialect.name
    if name == "sqlite":
        stmt: Any = sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)
    elif name == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
    else:
        raise StoreError(f"unsupported database '{name}' (use SQLite or PostgreSQL)")
    stmt = stmt.returning(*table.primary_key.columns)  # rowcount is -1 under RETURNING
    return len(conn.execute(stmt, rows).all())


def store_signals(store: Store, frame: pd.DataFrame) -> None:
    """Insert new signals (date, ticker, model_id, score, call, target, data_hash); a signal
    already stored for the same date, ticker and model is kept as it was."""
    now = dt.datetime.now(dt.UTC)
    out = frame[["date", "ticker", "model_id", "score", "call", "target", "data_hash"]].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.date.astype(object)
    rows = [
        {**{str(k): v for k, v in r.items()}, "created_at": now}
        for r in out.astype(object).to_dict(orient="records")
    ]
    with store.begin() as conn:
        insert_ignore(conn, _SIGNALS, rows, ["date", "ticker", "model_id"])


def read_signals(
    store: Store,
    model_ids: Sequence[str] | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    pending: bool = False,
) -> pd.DataFrame:
    """Stored signals sorted by model, date and ticker; ``pending``: not reconciled yet."""
    stmt = select(_SIGNALS.c.id, *(_SIGNALS.c[c] for c in COLUMNS)).order_by(
        _SIGNALS.c.model_id, _SIGNALS.c.date, _SIGNALS.c.ticker
    )
    if model_ids is not None:
        stmt = stmt.where(_SIGNALS.c.model_id.in_(list(model_ids)))
    if start is not None:
        stmt = stmt.where(_SIGNALS.c.date >= start)
    if end is not None:
        stmt = stmt.where(_SIGNALS.c.date <= end)
    if pending:
        stmt = stmt.where(_SIGNALS.c.hit.is_(None))
    with store.begin() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["id", *COLUMNS])
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    for name in ("score", "target", "realized_return"):
        frame[name] = pd.to_numeric(frame[name]).astype(float)
    return frame


def save_outcomes(store: Store, outcomes: list[dict[str, Any]]) -> None:
    """Write realized moves (id, realized_return, realized, hit, outcome_date) in one go."""
    if not outcomes:
        return
    stmt = (
        update(_SIGNALS)
        .where(_SIGNALS.c.id == bindparam("signal_id"))
        .values(
            realized_return=bindparam("realized_return"),
            realized=bindparam("realized"),
            hit=bindparam("hit"),
            outcome_date=bindparam("outcome_date"),
        )
    )
    with store.begin() as conn:
        conn.execute(stmt, outcomes)
