"""Run records: every train, backtest and experiment run with what it takes to replay it.

A record holds the resolved config, seeds, package versions, the git commit, a hash of the
exact data slice and the metrics; its predictions, trades and trials go to their own tables.
Saving is one transaction. A new run never overwrites another: ``save_run(..., new=True)``
refuses an id that is already recorded (re-saving a record on purpose replaces it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, delete, insert, select

from trader.config import check_run_id
from trader.data.schema import Run, RunPrediction, RunTrade
from trader.data.store import Store
from trader.data.trials import TrialRecord, write_trials
from trader.errors import ConfigError, StoreError, did_you_mean

_RUNS = cast(Table, Run.__table__)
_PREDICTIONS = cast(Table, RunPrediction.__table__)
_TRADES = cast(Table, RunTrade.__table__)
PREDICTION_COLUMNS = ["model", "ticker", "date", "score"]
TRADE_COLUMNS = [
    "strategy", "ticker", "direction", "entry_date", "exit_date", "size", "entry_price",
    "exit_price", "pnl_net",
]  # fmt: skip
LIST_COLUMNS = ["id", "kind", "parent_id", "created_at", "git_commit", "data_hash"]


@dataclass(frozen=True)
class RunRecord:
    """One run as stored (JSON-safe dicts only)."""

    id: str
    kind: str
    config: dict[str, Any]
    data_hash: str
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    parent_id: str | None = None
    seeds: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, Any] = field(default_factory=dict)
    git_commit: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)


def _rows(frame: pd.DataFrame | None, columns: list[str], run_id: str) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    out = frame[columns].copy()
    for name in ("date", "entry_date", "exit_date"):
        if name in out:
            out[name] = pd.to_datetime(out[name]).dt.date.astype(object)
    out = out.astype(object).where(out.notna(), None)
    return [
        {"run_id": run_id, **{str(k): v for k, v in row.items()}}
        for row in out.to_dict(orient="records")
    ]


def save_run(
    store: Store,
    record: RunRecord,
    *,
    predictions: pd.DataFrame | None = None,
    trades: pd.DataFrame | None = None,
    trials: list[TrialRecord] | None = None,
    new: bool = False,
) -> None:
    """Store ``record`` with its predictions (model, ticker, date, score), trades and trials.

    One transaction: the record, its rows and the trials it evaluated (`trader.data.trials`)
    are all written or none is. ``new``: the record is a new run, refused (`StoreError`) when
    its id is already recorded; otherwise a record with the same id is replaced.
    """
    check_run_id(record.id)
    with store.begin() as conn:
        if new and conn.execute(select(_RUNS.c.id).where(_RUNS.c.id == record.id)).first():
            raise StoreError(f"run '{record.id}' is already recorded; not overwriting it")
        conn.execute(delete(_RUNS).where(_RUNS.c.id == record.id))
        conn.execute(insert(_RUNS), {c.name: getattr(record, c.name) for c in _RUNS.columns})
        if rows := _rows(predictions, PREDICTION_COLUMNS, record.id):
            conn.execute(insert(_PREDICTIONS), rows)
        if rows := _rows(trades, TRADE_COLUMNS, record.id):
            conn.execute(insert(_TRADES), rows)
        write_trials(conn, trials or [])


def list_runs(store: Store) -> pd.DataFrame:
    """All recorded runs, oldest first."""
    stmt = select(*(_RUNS.c[c] for c in LIST_COLUMNS)).order_by(_RUNS.c.created_at, _RUNS.c.id)
    with store.read() as conn:
        rows = conn.execute(stmt).all()
    # object columns keep None as None (pandas 3 string columns would turn it into NaN)
    return pd.DataFrame([tuple(r) for r in rows], columns=LIST_COLUMNS, dtype=object)


def get_run(store: Store, run_id: str) -> RunRecord:
    """The record ``run_id``; an unknown id is a `ConfigError` with "did you mean"."""
    check_run_id(run_id)
    with store.read() as conn:
        row = conn.execute(select(_RUNS).where(_RUNS.c.id == run_id)).mappings().first()
        if row is None:
            known = [str(v) for v in conn.execute(select(_RUNS.c.id)).scalars()]
            raise ConfigError(f"unknown run '{run_id}'{did_you_mean(run_id, known)}")
    return RunRecord(**dict(row))


def is_recorded(store: Store, run_id: str) -> bool:
    """Whether a run with this id is recorded."""
    check_run_id(run_id)
    with store.read() as conn:
        return conn.execute(select(_RUNS.c.id).where(_RUNS.c.id == run_id)).first() is not None


def _read(store: Store, table: Table, columns: list[str], run_id: str) -> pd.DataFrame:
    check_run_id(run_id)
    stmt = select(*(table.c[c] for c in columns)).where(table.c.run_id == run_id)
    with store.read() as conn:
        rows = conn.execute(stmt.order_by(table.c.id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def run_predictions(store: Store, run_id: str) -> pd.DataFrame:
    """A run's stored predictions in the order they were saved."""
    return _read(store, _PREDICTIONS, PREDICTION_COLUMNS, run_id)


def run_trades(store: Store, run_id: str) -> pd.DataFrame:
    """A run's stored trades in the order they were saved."""
    return _read(store, _TRADES, TRADE_COLUMNS, run_id)
