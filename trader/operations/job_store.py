"""Job claims and job runs in the database.

`claim` inserts the unique (job, session date) row and ignores a conflict: only the scheduler
whose insert went in runs the job, however many schedulers fire at once and however late one of
them fires (an advisory lock would only stop them overlapping). `start_run`/`finish_run` keep
the history shown by ``trader scheduler history``. `take_over_stale` lets a scheduler claim
again a (job, date) whose holder died mid-run (``kill -9``, a lost machine): the claim is older
than the job's timeout and its run never ended.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, insert, select, update

from trader.data import JobClaim, JobRun, Store
from trader.operations.signal_store import insert_ignore
from trader.report import json_safe

_CLAIMS = cast(Table, JobClaim.__table__)
_RUNS = cast(Table, JobRun.__table__)
HISTORY_COLUMNS = [
    "id", "job", "kind", "session_date", "owner", "started_at", "finished_at", "status", "error",
    "summary",
]  # fmt: skip


def owner_name() -> str:
    """This process: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(store: Store, job: str, day: dt.date, owner: str) -> bool:
    """Claim (job, day); True only for the one caller whose row went in."""
    row = {"job": job, "session_date": day, "claimed_at": dt.datetime.now(dt.UTC), "owner": owner}
    with store.begin() as conn:
        return insert_ignore(conn, _CLAIMS, [row], ["job", "session_date"]) == 1


def claim_owner(store: Store, job: str, day: dt.date) -> str | None:
    """Who claimed (job, day), if anyone."""
    stmt = select(_CLAIMS.c.owner).where(_CLAIMS.c.job == job, _CLAIMS.c.session_date == day)
    with store.read() as conn:
        return conn.execute(stmt).scalar_one_or_none()


def take_over_stale(
    store: Store, job: str, day: dt.date, owner: str, timeout: dt.timedelta
) -> str | None:
    """Take over the claim on (job, day) if its holder is gone: claimed more than ``timeout``
    ago and no run of it ended (its run is still ``running``, or none was recorded). The dead
    run is marked ``abandoned``. Returns the previous owner when this call took the claim over
    (one caller at most: the update only matches the old owner's row), else None."""
    now = dt.datetime.now(dt.UTC)
    where = (_CLAIMS.c.job == job, _CLAIMS.c.session_date == day)
    runs = (_RUNS.c.job == job, _RUNS.c.session_date == day)
    with store.begin() as conn:
        held = conn.execute(select(_CLAIMS.c.owner, _CLAIMS.c.claimed_at).where(*where)).first()
        if held is None:
            return None
        previous, stored_at = held  # stored_at as the database gives it, for the update below
        claimed_at = stored_at if stored_at.tzinfo else stored_at.replace(tzinfo=dt.UTC)  # SQLite
        if now - claimed_at < timeout:
            return None
        ended = select(_RUNS.c.id).where(*runs, _RUNS.c.status != "running").limit(1)
        if conn.execute(ended).first() is not None:
            return None
        taken = conn.execute(
            update(_CLAIMS)
            .where(*where, _CLAIMS.c.owner == previous, _CLAIMS.c.claimed_at == stored_at)
            .values(owner=owner, claimed_at=now)
        ).rowcount
        if taken != 1:
            return None
        error = f"{previous} stopped without ending this run; {owner} took the claim over"
        conn.execute(
            update(_RUNS)
            .where(*runs, _RUNS.c.status == "running")
            .values(status="abandoned", finished_at=now, error=error)
        )
    return str(previous)


def start_run(store: Store, job: str, kind: str, day: dt.date, owner: str) -> int:
    """Record a job run as ``running``; returns its id."""
    row = {
        "job": job, "kind": kind, "session_date": day, "owner": owner,
        "started_at": dt.datetime.now(dt.UTC), "status": "running", "summary": {},
    }  # fmt: skip
    with store.begin() as conn:
        return int(conn.execute(insert(_RUNS).returning(_RUNS.c.id), row).scalar_one())


def finish_run(
    store: Store, run_id: int, status: str, *, error: str | None = None,
    summary: dict[str, Any] | None = None,
) -> bool:  # fmt: skip
    """End a run that is still ``running`` (the first to end it wins); True if this call did."""
    values = {
        "finished_at": dt.datetime.now(dt.UTC), "status": status, "error": error,
        "summary": json.loads(json.dumps(json_safe(summary or {}), default=str)),
    }  # fmt: skip
    stmt = update(_RUNS).where(_RUNS.c.id == run_id, _RUNS.c.status == "running").values(values)
    with store.begin() as conn:
        return bool(conn.execute(stmt).rowcount)


def job_history(store: Store, *, job: str | None = None, limit: int | None = 50) -> pd.DataFrame:
    """The latest job runs, newest first."""
    stmt = select(*(_RUNS.c[c] for c in HISTORY_COLUMNS)).order_by(_RUNS.c.id.desc())
    if job is not None:
        stmt = stmt.where(_RUNS.c.job == job)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.read() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=HISTORY_COLUMNS, dtype=object)
