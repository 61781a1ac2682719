"""The scheduler service: jobs from the settings on APScheduler 3.11, each run exactly once.

Every trigger (and ``run-once``) goes through `Service.run_job`: it claims the unique (job,
session date) row first (`trader.operations.job_store.claim`), so with two schedulers running
only one runs the job, even if the other fires after the first has finished. Each scheduler
keeps APScheduler's own job store in memory (never shared). Jobs run one at a time; every run
is recorded (start, end, status, error, summary) and logged to stderr as logfmt lines. A job
started after its time today (a restart) is caught up once (``catch_up``). `stop` ends the
service: no new job starts, the running one gets ``grace`` seconds to finish and is otherwise
marked ``interrupted``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from trader.data import Store
from trader.errors import TraderError
from trader.operations import job_store
from trader.operations.calendar import Calendar, calendar_for
from trader.operations.jobs import JOBS, JobFunction
from trader.operations.logs import event
from trader.operations.notify import post_json
from trader.operations.quality import QualityRefused
from trader.operations.settings import JobSettings, ServiceSettings


@dataclass(frozen=True)
class JobOutcome:
    job: str
    day: dt.date
    status: str  # ok | failed | refused | claimed (by another run) | skipped (not a session)
    run_id: int | None = None
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)


class Service:
    """Runs the settings' jobs on their schedule, once per (job, date) across schedulers."""

    def __init__(
        self,
        store: Store,
        settings: ServiceSettings,
        *,
        jobs: dict[str, JobFunction] | None = None,
        owner: str | None = None,
    ) -> None:
        self.store, self.settings = store, settings
        self._jobs = dict(JOBS if jobs is None else jobs)
        self.owner = owner or job_store.owner_name()
        self._calendar: Calendar | None = None
        self._scheduler: Any = None
        self._current: int | None = None
        self._idle = threading.Event()
        self._idle.set()

    @property
    def calendar(self) -> Calendar:
        if self._calendar is None:
            status = self.store.status()
            earliest = None if status.empty else min(status["first"])
            self._calendar = calendar_for(
                self.settings.exchange, earliest, self.settings.quality.calendar_start
            )
        return self._calendar

    def run_job(self, name: str, day: dt.date | None = None, *, force: bool = False) -> JobOutcome:
        """Run job ``name`` for ``day`` (default: today at the exchange) unless already claimed;
        ``force`` runs it even then (a deliberate rerun)."""
        job = self.settings.job(name)
        day = day or self.calendar.local_date(dt.datetime.now(dt.UTC))
        fields: dict[str, Any] = {
            "job": name,
            "kind": job.kind,
            "date": day.isoformat(),
            "owner": self.owner,
        }
        if not job_store.claim(self.store, name, day, self.owner) and not force:
            timeout = dt.timedelta(minutes=job.timeout_minutes)
            dead = job_store.take_over_stale(self.store, name, day, self.owner, timeout)
            if dead is None:
                holder = job_store.claim_owner(self.store, name, day)
                event("job.claimed_elsewhere", **fields, claimed_by=holder)
                return JobOutcome(name, day, "claimed", error=f"already claimed by {holder}")
            event("job.stale_claim_taken", logging.WARNING, **fields, previous_owner=dead)
        run_id = job_store.start_run(self.store, name, job.kind, day, self.owner)
        self._current = run_id
        self._idle.clear()
        event("job.start", **fields, run=run_id)
        try:
            outcome = self._execute(job, day, run_id)
        finally:
            self._current = None
            self._idle.set()
        level = logging.INFO if outcome.status == "ok" else logging.WARNING
        event("job.finish", level, **fields, run=run_id, status=outcome.status,
              error=outcome.error or "")  # fmt: skip
        return outcome

    def _execute(self, job: JobSettings, day: dt.date, run_id: int) -> JobOutcome:
        def progress(kind: str, info: dict[str, Any]) -> None:
            if kind in ("update", "quality", "stage"):
                lines = info.get("lines") or [str(info.get("name", ""))]
                event(f"job.{kind}", job=job.name, run=run_id, detail=lines[0])

        status, error, summary = "ok", None, {}
        try:
            summary = self._jobs[job.kind](self.store, self.settings, job, day, progress)
        except QualityRefused as err:
            status, error, summary = "refused", str(err), {"quality": err.report.as_dict()}
        except TraderError as err:
            status, error = "failed", str(err)
        except Exception as err:  # a job must never take the service down: record, log, go on
            status, error = "failed", f"{type(err).__name__}: {err}"
            event("job.crash", logging.ERROR, exc=True, job=job.name, run=run_id)
        if job.kind == "signals" and self.settings.notify.webhook:
            payload = {"job": job.name, "date": day.isoformat(), "status": status,
                       "error": error, **summary}  # fmt: skip
            summary = {**summary, "notify": post_json(self.settings.notify, payload)}
            event("job.notify", job=job.name, run=run_id, **summary["notify"])
        if not job_store.finish_run(self.store, run_id, status, error=error, summary=summary):
            status = "interrupted"  # `stop` gave up on this run before it ended
        return JobOutcome(job.name, day, status, run_id, error, summary)

    def _fire(self, name: str) -> None:
        job = self.settings.job(name)
        day = self.calendar.local_date(dt.datetime.now(dt.UTC))
        if job.days == "sessions" and not self.calendar.is_session(day):
            event("job.skip", job=name, date=day.isoformat(), reason="not a session")
            return
        try:
            self.run_job(name, day)
        except Exception:  # e.g. the database is down: log it, the next trigger tries again
            event("job.error", logging.ERROR, exc=True, job=name, date=day.isoformat())

    def trigger(self, job: JobSettings) -> Any:
        """The APScheduler cron trigger of ``job`` in the exchange's time zone."""
        from apscheduler.triggers.cron import CronTrigger

        tz = self.calendar.tz
        if job.cron is not None:
            return CronTrigger(timezone=tz, **job.cron)
        hour, minute = (int(p) for p in job.at.split(":"))
        days = {"sessions": "mon-fri", "daily": "*"}.get(job.days, job.days)
        return CronTrigger(day_of_week=days, hour=hour, minute=minute, timezone=tz)

    def start(self) -> None:
        """Schedule every job (catching up today's when its time has passed) and start."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        tz = self.calendar.tz
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=tz,
        )
        now = dt.datetime.now(tz)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        for job in self.settings.jobs:
            trigger = self.trigger(job)
            self._scheduler.add_job(self._fire, trigger, args=[job.name], id=job.name)
            first = trigger.get_next_fire_time(None, midnight)
            if job.catch_up and first is not None and first.date() == now.date() and first < now:
                self._scheduler.add_job(
                    self._fire, "date", args=[job.name], id=f"{job.name}-catch-up"
                )
        self._scheduler.start()
        names = ",".join(j.name for j in self.settings.jobs)
        event("scheduler.start", owner=self.owner, jobs=names, exchange=self.settings.exchange)

    def stop(self, grace: float = 30.0) -> int | None:
        """Stop scheduling; wait up to ``grace`` s for the running job, else mark it
        ``interrupted``. Returns the id of the run marked interrupted, if any."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        event("scheduler.stopping", owner=self.owner, running=self._current or "")
        interrupted = None
        if not self._idle.wait(grace) and (run := self._current) is not None:
            message = f"stopped after {grace:g} s (SIGTERM) before the job finished"
            if job_store.finish_run(self.store, run, "interrupted", error=message):
                interrupted = run
                event("job.interrupted", logging.WARNING, run=run, owner=self.owner)
        event("scheduler.stop", owner=self.owner)
        return interrupted
