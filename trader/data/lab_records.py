"""The lab's bookkeeping: experiments and their trials, written idempotently.

A trial is one configuration x seed of an experiment, under a unique key. Registering trials
never duplicates one (insert or ignore); finishing a trial is accepted once (the first result
wins): a task that runs twice, e.g. because Dask reran it after its worker died, cannot write
twice. So an interrupted sweep resumes by running the trials that are not ``done``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, delete, select, update

from trader.data.schema import LabExperiment, LabTrial
from trader.data.store import Store, dialect_insert

_EXPERIMENTS = cast(Table, LabExperiment.__table__)
_TRIALS = cast(Table, LabTrial.__table__)
STATUSES = ("pending", "running", "done", "failed")
TRIAL_COLUMNS = [c.name for c in _TRIALS.columns]


@dataclass(frozen=True)
class TrialRow:
    """A trial to register: what it runs and where it stands in the sweep."""

    key: str
    experiment: str
    config_key: str
    ordinal: int
    repeat: int
    params: dict[str, Any]
    config: dict[str, Any]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def save_experiment(store: Store, name: str, source: str, spec: dict[str, Any]) -> None:
    """Record (or update) an experiment's checked content."""
    now = _now()
    with store.begin() as conn:
        stmt = dialect_insert(conn)(_EXPERIMENTS).values(
            name=name, source=source, spec=spec, created_at=now, updated_at=now
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"],
                set_={"source": source, "spec": spec, "updated_at": now},
            )
        )


def register_trials(store: Store, rows: Sequence[TrialRow]) -> int:
    """Add trials as ``pending``; a key already present is left as it is. Returns how many
    were new."""
    if not rows:
        return 0
    with store.begin() as conn:
        keys = [r.key for r in rows]
        before = len(conn.execute(select(_TRIALS.c.key).where(_TRIALS.c.key.in_(keys))).all())
        values = [{**r.__dict__, "status": "pending"} for r in rows]
        conn.execute(dialect_insert(conn)(_TRIALS).values(values).on_conflict_do_nothing())
    return len(rows) - before


def claim_trial(store: Store, key: str, worker: str) -> bool:
    """Mark a trial ``running`` on ``worker``; False when it is already ``done``."""
    with store.begin() as conn:
        result = conn.execute(
            update(_TRIALS)
            .where(_TRIALS.c.key == key, _TRIALS.c.status != "done")
            .values(status="running", worker=worker, started_at=_now(), error=None)
        )
    return bool(result.rowcount)


def finish_trial(
    store: Store, key: str, *, run_id: str, record_id: str, metrics: dict[str, Any]
) -> bool:
    """Store a trial's result; only the first result counts. True when this one was stored."""
    with store.begin() as conn:
        result = conn.execute(
            update(_TRIALS)
            .where(_TRIALS.c.key == key, _TRIALS.c.status != "done")
            .values(
                status="done", run_id=run_id, record_id=record_id, metrics=metrics,
                finished_at=_now(), error=None,
            )
        )  # fmt: skip
    return bool(result.rowcount)


def fail_trial(store: Store, key: str, error: str) -> None:
    """Record why a trial failed (unless another run of it finished meanwhile)."""
    with store.begin() as conn:
        conn.execute(
            update(_TRIALS)
            .where(_TRIALS.c.key == key, _TRIALS.c.status != "done")
            .values(status="failed", error=error[:2000], finished_at=_now())
        )


def lab_trials(store: Store, experiment: str) -> pd.DataFrame:
    """Every trial of an experiment, in sweep order (``ordinal``, then ``repeat``)."""
    with store.read() as conn:
        rows = conn.execute(
            select(_TRIALS)
            .where(_TRIALS.c.experiment == experiment)
            .order_by(_TRIALS.c.ordinal, _TRIALS.c.repeat)
        ).all()
    return pd.DataFrame([dict(r._mapping) for r in rows], columns=TRIAL_COLUMNS)


def lab_experiments(store: Store) -> pd.DataFrame:
    """Every experiment with its trial counts by status."""
    with store.read() as conn:
        names = conn.execute(select(_EXPERIMENTS).order_by(_EXPERIMENTS.c.name)).all()
        counts = conn.execute(select(_TRIALS.c.experiment, _TRIALS.c.status, _TRIALS.c.key)).all()
    frame = pd.DataFrame([dict(r._mapping) for r in names])
    if frame.empty:
        return pd.DataFrame(columns=["name", "source", "updated_at", *STATUSES])
    tally = pd.DataFrame(counts, columns=["experiment", "status", "key"])
    for status in STATUSES:
        mine = tally[tally["status"] == status].groupby("experiment").size()
        frame[status] = frame["name"].map(mine).fillna(0).astype(int)
    return frame[["name", "source", "updated_at", *STATUSES]]


def experiment_spec(store: Store, name: str) -> dict[str, Any] | None:
    """The stored content of an experiment, or None."""
    with store.read() as conn:
        row = conn.execute(select(_EXPERIMENTS.c.spec).where(_EXPERIMENTS.c.name == name)).first()
    return None if row is None else dict(row[0])


def reopen_trials(store: Store, experiment: str) -> int:
    """Trials left ``running`` by a driver that died, and ``failed`` ones, go back to
    ``pending`` (run again by the next driver). Returns how many."""
    with store.begin() as conn:
        result = conn.execute(
            update(_TRIALS)
            .where(
                _TRIALS.c.experiment == experiment,
                _TRIALS.c.status.in_(["running", "failed"]),
            )
            .values(status="pending")
        )
    return int(result.rowcount)


def delete_experiment(store: Store, name: str) -> None:
    """Forget an experiment and its trials (its runs stay recorded)."""
    with store.begin() as conn:
        conn.execute(delete(_TRIALS).where(_TRIALS.c.experiment == name))
        conn.execute(delete(_EXPERIMENTS).where(_EXPERIMENTS.c.name == name))
