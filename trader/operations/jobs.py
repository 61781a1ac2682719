"""The kinds of scheduled job, each a function of (store, settings, job, day) to a summary.

- ``signals``: `daily_signals` for the day (after the close in the exchange's time zone); the
  webhook, when configured, gets the day's signals and the reconciliation (`run_job` sends it);
- ``retrain``: train the job's config walk-forward, then promote its model (weekly, say);
- ``backtest``: train and backtest a named config (the whole research job) and keep the report;
- ``update``: the incremental price update alone;
- ``verify``: `verify_data` as of the day (problems make the run ``refused``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from trader import pipeline
from trader.data import Store
from trader.events import Progress
from trader.operations.daily import daily_signals
from trader.operations.dataops import update_data, verify_data
from trader.operations.promote import promote
from trader.operations.quality import QualityRefused
from trader.operations.settings import JobSettings, ServiceSettings

JobFunction = Callable[[Store, ServiceSettings, JobSettings, dt.date, Progress], dict[str, Any]]


def signals_job(
    store: Store, settings: ServiceSettings, job: JobSettings, day: dt.date, progress: Progress
) -> dict[str, Any]:
    result = daily_signals(store, settings, date=day, progress=progress)
    summary = result.as_dict()
    summary["count"] = len(result.signals)
    return summary


def retrain_job(
    store: Store, settings: ServiceSettings, job: JobSettings, day: dt.date, progress: Progress
) -> dict[str, Any]:
    trained = pipeline.train(job.config, store, progress=progress)
    info = promote(store, trained.run_id, name=job.model, progress=progress)
    return {"run_id": trained.run_id, "model_id": info.id, "model": info.name,
            "tickers": info.tickers, "last_date": str(info.last_date)}  # fmt: skip


def backtest_job(
    store: Store, settings: ServiceSettings, job: JobSettings, day: dt.date, progress: Progress
) -> dict[str, Any]:
    report = pipeline.run(job.config, store, progress=progress)
    headline = {
        name: {k: entry["total"].get(k) for k in ("total_return", "sharpe", "hit_rate")}
        for name, entry in report["strategies"].items()
        if entry.get("kind") in ("model", "benchmark")
    }
    return {"run_id": report["run_id"], "record_id": report["record_id"], "headline": headline}


def update_job(
    store: Store, settings: ServiceSettings, job: JobSettings, day: dt.date, progress: Progress
) -> dict[str, Any]:
    reports = update_data(store, settings, tickers=job.tickers)
    for report in reports:
        progress("update", {"lines": report.lines()})
    return {"updates": [r.as_dict() for r in reports], "rows": sum(r.rows for r in reports)}


def verify_job(
    store: Store, settings: ServiceSettings, job: JobSettings, day: dt.date, progress: Progress
) -> dict[str, Any]:
    report = verify_data(store, settings, tickers=job.tickers, as_of=day)
    if not report.passed:
        raise QualityRefused(report)
    return report.as_dict()


JOBS: dict[str, JobFunction] = {
    "signals": signals_job,
    "retrain": retrain_job,
    "backtest": backtest_job,
    "update": update_job,
    "verify": verify_job,
}
