"""The scheduler service: exactly-once claims, recorded runs, statuses, clean stop, webhook,
structured logs, settings; and two real `trader scheduler` processes running one job once."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from trader.data import Store
from trader.errors import ConfigError, DataError
from trader.operations import Service, claim, job_history, load_settings
from trader.operations.logs import LogfmtFormatter, configure, event
from trader.operations.notify import post_json
from trader.operations.quality import QualityRefused, QualityReport
from trader.operations.settings import NotifySettings

DAY = dt.date(2018, 2, 7)


def settings(**extra: Any) -> Any:
    jobs = [{"name": "work", "kind": "update"}, {"name": "signal", "kind": "signals"}]
    return load_settings({"jobs": jobs, **extra})


def service(store: Store, job: Any, **extra: Any) -> Service:
    return Service(store, settings(**extra), jobs={"update": job, "signals": job}, owner="me:1")


def test_a_claim_is_granted_once(store: Store) -> None:
    assert claim(store, "work", DAY, "a:1")
    assert not claim(store, "work", DAY, "b:2")
    assert claim(store, "work", DAY + dt.timedelta(days=1), "b:2")


def test_a_job_runs_once_per_date_and_is_recorded(store: Store) -> None:
    calls = []

    def job(*args: Any) -> dict[str, Any]:
        calls.append(args[3])
        return {"rows": 3}

    runner = service(store, job)
    first = runner.run_job("work", DAY)
    again = Service(store, settings(), jobs={"update": job}, owner="other:2").run_job("work", DAY)
    assert (first.status, again.status) == ("ok", "claimed")
    assert "me:1" in str(again.error) and calls == [DAY]
    forced = runner.run_job("work", DAY, force=True)
    assert forced.status == "ok" and calls == [DAY, DAY]
    history = job_history(store)
    assert list(history["status"]) == ["ok", "ok"] and history["summary"].iloc[0] == {"rows": 3}
    assert history["finished_at"].notna().all()


def test_a_claim_whose_holder_died_is_taken_over_after_the_timeout(store: Store) -> None:
    """kill -9 of a scheduler mid-run leaves its claim and a ``running`` run: after the job's
    timeout another scheduler claims it again and runs the job; before it, it does not."""
    from sqlalchemy import update

    from trader.data import JobClaim
    from trader.operations import job_store

    calls: list[str] = []
    job = lambda *a: calls.append("ran") or {}  # noqa: E731
    assert claim(store, "work", DAY, "dead:9")
    job_store.start_run(store, "work", "update", DAY, "dead:9")
    fresh = service(store, job).run_job("work", DAY)
    assert fresh.status == "claimed" and calls == []  # within the timeout: the holder may live
    with store.begin() as conn:  # five hours later
        old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
        conn.execute(update(JobClaim.__table__).values(claimed_at=old))
    first = service(store, job).run_job("work", DAY)
    second = Service(store, settings(), jobs={"update": job}, owner="other:2").run_job("work", DAY)
    assert (first.status, second.status, calls) == ("ok", "claimed", ["ran"])
    history = job_history(store)
    assert list(history["status"]) == ["ok", "abandoned"]
    assert (
        "dead:9 stopped without ending this run; me:1 took the claim over"
        in history["error"].iloc[1]
    )
    # a job that ended (even failed) is never taken over: rerunning it is a deliberate --force
    assert claim(store, "work", DAY + dt.timedelta(days=1), "gone:3")
    run = job_store.start_run(store, "work", "update", DAY + dt.timedelta(days=1), "gone:3")
    job_store.finish_run(store, run, "failed", error="boom")
    with store.begin() as conn:
        conn.execute(update(JobClaim.__table__).values(claimed_at=old))
    later = service(store, job).run_job("work", DAY + dt.timedelta(days=1))
    assert later.status == "claimed" and calls == ["ran"]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DataError("no prices"), "failed"),
        (RuntimeError("bug"), "failed"),
        (QualityRefused(QualityReport(DAY, DAY, ["AAA"])), "refused"),
    ],
)
def test_failures_are_recorded_never_raised(store: Store, error: Exception, status: str) -> None:
    def job(*args: Any) -> dict[str, Any]:
        raise error

    outcome = service(store, job).run_job("work", DAY)
    assert outcome.status == status and outcome.error
    row = job_history(store).iloc[0]
    assert (row["status"], row["error"]) == (status, outcome.error)


def test_unknown_job_name(store: Store) -> None:
    with pytest.raises(ConfigError, match="unknown job 'wrok' \\(did you mean 'work'"):
        service(store, lambda *a: {}).run_job("wrok", DAY)


def test_stop_marks_a_job_that_does_not_finish_as_interrupted(store: Store) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(*args: Any) -> dict[str, Any]:
        started.set()
        release.wait(10)
        return {}

    runner = service(store, slow)
    thread = threading.Thread(target=runner.run_job, args=("work", DAY))
    thread.start()
    assert started.wait(10)
    interrupted = runner.stop(grace=0.2)
    release.set()
    thread.join(10)
    row = job_history(store).iloc[0]
    assert interrupted == row["id"] and row["status"] == "interrupted"  # the late finish lost


class Hook(http.server.BaseHTTPRequestHandler):
    answers: ClassVar[list[int]] = []
    bodies: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(type(self).answers.pop(0) if type(self).answers else 200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def webhook() -> Iterator[str]:
    Hook.answers, Hook.bodies = [], []
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_webhook_retries_then_sends(webhook: str) -> None:
    Hook.answers = [503, 500]
    sleeps: list[float] = []
    result = post_json(
        NotifySettings(webhook=webhook, retries=3, backoff_seconds=0.5),
        {"x": float("nan")},
        sleep=sleeps.append,
    )
    assert result == {"status": "sent", "attempts": 3, "http_status": 200}
    assert sleeps == [0.5, 1.0] and Hook.bodies[-1] == {"x": None}


def test_webhook_failure_is_reported_not_raised(webhook: str) -> None:
    Hook.answers = [404]
    result = post_json(NotifySettings(webhook=webhook, retries=3), {}, sleep=lambda s: None)
    assert result["status"] == "failed" and "404" in result["error"] and result["attempts"] == 1
    closed = NotifySettings(webhook="http://127.0.0.1:9/x", retries=1, timeout_seconds=2)
    down = post_json(closed, {}, sleep=lambda s: None)
    assert down["status"] == "failed" and down["attempts"] == 2


def test_signals_job_notifies_and_records_a_failed_notification(store: Store, webhook: str) -> None:
    Hook.answers = [500, 500]
    runner = service(
        store,
        lambda *a: {"count": 2},
        notify={"webhook": webhook, "retries": 1, "backoff_seconds": 0},
    )
    outcome = runner.run_job("signal", DAY)
    assert outcome.status == "ok"  # the notification failed; the job did not
    assert outcome.summary["notify"]["status"] == "failed"
    assert Hook.bodies[0]["job"] == "signal" and Hook.bodies[0]["count"] == 2
    assert job_history(store).iloc[0]["summary"]["notify"]["attempts"] == 2


def test_logfmt_lines() -> None:
    stream = io.StringIO()
    handler = configure(stream)
    try:
        event("job.finish", logging.WARNING, job="daily signals", status="ok", n=3)
    finally:
        logging.getLogger("trader.scheduler").removeHandler(handler)
    line = stream.getvalue().strip()
    assert line.startswith("ts=") and line.endswith('job="daily signals" status=ok n=3')
    assert " level=warning event=job.finish " in line
    record = logging.LogRecord("x", logging.INFO, "", 0, 'say "hi"', None, None)
    assert 'event="say \\"hi\\""' in LogfmtFormatter().format(record)


def test_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"jobs\.0\.at"):
        load_settings({"jobs": [{"name": "x", "kind": "signals", "at": "25:00"}]})
    with pytest.raises(ConfigError, match="needs a config"):
        load_settings({"jobs": [{"name": "x", "kind": "retrain"}]})
    with pytest.raises(ConfigError, match=r"unknown option 'quality\.max_jmp'"):
        load_settings({"quality": {"max_jmp": 1}})
    with pytest.raises(ConfigError, match="unique"):
        load_settings({"jobs": [{"name": "x", "kind": "update"}] * 2})


def test_triggers_run_in_the_exchange_time_zone(store: Store) -> None:
    runner = service(store, lambda *a: {})
    trigger = runner.trigger(runner.settings.job("signal"))
    start = dt.datetime(2026, 11, 27, 12, 0, tzinfo=runner.calendar.tz)  # a Friday
    fire = trigger.get_next_fire_time(None, start)
    assert (fire.weekday(), fire.hour, fire.minute) == (4, 17, 30)
    assert str(fire.tzinfo) == "America/New_York"
