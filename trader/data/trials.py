"""The trial registry: every configuration evaluated on a dataset, for the deflated Sharpe ratio.

A *dataset* is the exact price slice a backtest used: the hash of its bars
(`trader.provenance.data_hash`) and its first and last date. A *trial* is one configuration
(a model with its seed and settings, a baseline, a rule with its parameters, with the costs and
the test period) evaluated on it, identified by a hash of that configuration. Evaluating the
same configuration again (a second backtest, a replay) replaces its row, so it counts once; any
change (another seed, window, threshold, cost) is a new trial. The DSR of a model deflates its
Sharpe ratio by the number of trials recorded on its dataset and the variance of their Sharpe
ratios (`trader.evaluate.trials`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, and_, delete, insert, select

from trader.data.schema import Trial
from trader.data.store import Store
from trader.provenance import data_hash

_TRIALS = cast(Table, Trial.__table__)
LIST_COLUMNS = [
    "data_hash", "data_start", "data_end", "name", "kind", "run_id", "test_start", "test_end",
    "days", "sharpe", "excess_sharpe", "created_at", "config_hash",
]  # fmt: skip


@dataclass(frozen=True)
class Dataset:
    """The exact data a backtest used: the hash of its bars and their first and last date."""

    data_hash: str
    start: dt.date
    end: dt.date

    def as_dict(self) -> dict[str, str]:
        return {"data_hash": self.data_hash, "start": str(self.start), "end": str(self.end)}


def dataset_of(bars: pd.DataFrame) -> Dataset:
    """The `Dataset` of tidy bars: `trader.provenance.data_hash` and the first and last date."""
    dates = pd.to_datetime(bars["date"])
    return Dataset(data_hash(bars), dates.min().date(), dates.max().date())


@dataclass(frozen=True)
class TrialRecord:
    """One configuration evaluated on ``dataset``; Sharpe ratios annualized (None: undefined)."""

    dataset: Dataset
    config_hash: str
    name: str
    kind: str
    run_id: str
    test_start: dt.date
    test_end: dt.date
    days: int
    sharpe: float | None
    excess_sharpe: float | None
    config: dict[str, Any] = field(default_factory=dict)
    train_run_id: str | None = None
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def row(self) -> dict[str, Any]:
        return {
            "data_hash": self.dataset.data_hash,
            "data_start": self.dataset.start,
            "data_end": self.dataset.end,
            "config_hash": self.config_hash,
            "name": self.name,
            "kind": self.kind,
            "run_id": self.run_id,
            "train_run_id": self.train_run_id,
            "created_at": self.created_at,
            "test_start": self.test_start,
            "test_end": self.test_end,
            "days": self.days,
            "sharpe": self.sharpe,
            "excess_sharpe": self.excess_sharpe,
            "config": self.config,
        }


def _same(dataset: Dataset) -> Any:
    c = _TRIALS.c
    return and_(
        c.data_hash == dataset.data_hash, c.data_start == dataset.start, c.data_end == dataset.end
    )


def write_trials(conn: Connection, trials: list[TrialRecord]) -> None:
    """Insert ``trials`` inside the caller's transaction, replacing rows of the same config."""
    for trial in trials:
        conn.execute(
            delete(_TRIALS).where(_same(trial.dataset), _TRIALS.c.config_hash == trial.config_hash)
        )
    if trials:
        conn.execute(insert(_TRIALS), [t.row() for t in trials])


def save_trials(store: Store, trials: list[TrialRecord]) -> None:
    """`write_trials` in a transaction of its own."""
    with store.begin() as conn:
        write_trials(conn, trials)


def _record(row: Any) -> TrialRecord:
    r = dict(row)
    dataset = Dataset(r.pop("data_hash"), r.pop("data_start"), r.pop("data_end"))
    r.pop("id")
    return TrialRecord(dataset=dataset, **r)


def dataset_trials(store: Store, dataset: Dataset) -> list[TrialRecord]:
    """Every trial recorded on ``dataset``, oldest first."""
    stmt = select(_TRIALS).where(_same(dataset)).order_by(_TRIALS.c.created_at, _TRIALS.c.id)
    with store.read() as conn:
        return [_record(row) for row in conn.execute(stmt).mappings()]


def list_trials(store: Store, data_hash: str | None = None) -> pd.DataFrame:
    """All recorded trials (or those whose data hash starts with ``data_hash``), oldest first."""
    stmt = select(*(_TRIALS.c[c] for c in LIST_COLUMNS))
    if data_hash:
        stmt = stmt.where(_TRIALS.c.data_hash.startswith(data_hash, autoescape=True))
    with store.read() as conn:
        rows = conn.execute(stmt.order_by(_TRIALS.c.created_at, _TRIALS.c.id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=LIST_COLUMNS, dtype=object)


def reset_trials(store: Store, data_hash: str | None = None) -> int:
    """Delete every trial (or those whose data hash starts with ``data_hash``); how many."""
    stmt = delete(_TRIALS)
    if data_hash:
        stmt = stmt.where(_TRIALS.c.data_hash.startswith(data_hash, autoescape=True))
    with store.begin() as conn:
        return int(conn.execute(stmt).rowcount or 0)
