"""`trader scheduler`: the service; `scheduler run-once JOB [--date D]`; `scheduler history`."""

from __future__ import annotations

import os
import signal
import sys
import threading
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from trader.cli.common import DbOption, JsonOption, cli_errors, err, out, print_json
from trader.cli.service import DateOption, SettingsOption, parse_date, settings_from
from trader.data import Store
from trader.operations import Service, configure_logging, job_history

app = typer.Typer(
    help="Run the scheduled jobs (daily signals, retrain-and-promote, backtests) as a service.",
    invoke_without_command=True,
)
EXIT_CODES = {"ok": 0, "claimed": 0, "skipped": 0, "failed": 1, "interrupted": 1, "refused": 3}


@app.callback()
@cli_errors
def scheduler(
    ctx: typer.Context,
    settings: SettingsOption = None,
    grace: Annotated[
        float, typer.Option("--grace", help="Seconds a running job may finish after SIGTERM.")
    ] = 30.0,
    db: DbOption = None,
) -> None:
    """Run until SIGTERM/SIGINT: each job at its time in the exchange's time zone, exactly once
    per date even with several schedulers; structured logs on stderr."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"settings": settings, "db": db}
        return
    chosen = settings_from(settings)
    if not chosen.jobs:
        raise typer.BadParameter("the settings list no jobs", param_hint="--settings")
    configure_logging(sys.stderr)
    service = Service(Store(db), chosen)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    service.start()
    while not stop.wait(1.0):
        pass
    interrupted = service.stop(grace)
    if interrupted is not None:  # the job's thread is still busy: do not wait for it at exit
        sys.stderr.flush()
        os._exit(1)


@app.command("run-once")
@cli_errors
def run_once(
    ctx: typer.Context,
    job: Annotated[str, typer.Argument(help="Job name from the settings.")],
    date: DateOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run even if this job already ran for the date.")
    ] = False,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
    db: DbOption = None,
) -> None:
    """Run one job now (for cron and tests), with the same claim and record as the service.
    Exit code: 0 ok or already run, 1 failed, 3 refused by the data-quality gate."""
    parent: dict[str, Any] = ctx.obj or {}
    chosen = settings_from(settings or parent.get("settings"))
    configure_logging(sys.stderr)
    service = Service(Store(db or parent.get("db")), chosen)
    outcome = service.run_job(job, parse_date(date), force=force)
    if as_json:
        print_json({**asdict(outcome), "date": str(outcome.day)})
    else:
        err().print(f"{outcome.job} {outcome.day}: {outcome.status}"
                    + (f" ({outcome.error})" if outcome.error else ""), markup=False)  # fmt: skip
    raise typer.Exit(EXIT_CODES.get(outcome.status, 1))


@app.command("history")
@cli_errors
def history(
    ctx: typer.Context,
    job: Annotated[str | None, typer.Option("--job", help="Only this job.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many runs (newest first).")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The recorded job runs: start, end, status, error and summary."""
    parent: dict[str, Any] = ctx.obj or {}
    frame = job_history(Store(db or parent.get("db")), job=job, limit=limit)
    if as_json:
        print_json(frame.astype({"session_date": str, "started_at": str, "finished_at": str})
                   .to_dict(orient="records"))  # fmt: skip
        return
    if frame.empty:
        err().print("no job has run yet")
        return
    table = Table(title="Job runs")
    for col in ("id", "job", "kind", "date", "started", "finished", "status", "owner", "error"):
        table.add_column(col)
    for r in frame.to_dict(orient="records"):
        cells = [
            r["id"], r["job"], r["kind"], r["session_date"], str(r["started_at"])[:19],
            str(r["finished_at"] or "-")[:19], r["status"], r["owner"], r["error"] or "",
        ]  # fmt: skip
        table.add_row(*(str(c) for c in cells))
    out().print(table)


def register(root: typer.Typer) -> None:
    """Add the ``scheduler`` group to the `trader` app."""
    root.add_typer(app, name="scheduler")
