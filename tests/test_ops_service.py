"""Two real `trader scheduler` processes on one database: the due job runs exactly once, both
stop cleanly on SIGTERM, and the run is in `trader scheduler history`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from trader.data import Store
from trader.operations import job_history

TRADER = str(Path(sys.executable).with_name("trader"))


def _wait_for(check: object, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def test_two_schedulers_run_a_due_job_exactly_once(db_url: str, tmp_path: Path) -> None:
    settings = tmp_path / "service.yaml"
    settings.write_text(
        yaml.safe_dump(
            {
                "update": {"source": "sample"},
                "jobs": [
                    {
                        "name": "refresh",
                        "kind": "update",
                        "tickers": ["AAPL"],
                        "days": "daily",
                        "cron": {"second": "*"},
                    }
                ],  # due every second: both schedulers keep firing
            }
        )
    )
    Store(db_url).upgrade()  # both start on a migrated database
    env = {**os.environ, "TRADER_DATA_DIR": str(tmp_path / "data")}
    logs = [tmp_path / f"scheduler-{i}.log" for i in (1, 2)]
    procs = []
    for log in logs:
        with log.open("w") as handle:
            procs.append(
                subprocess.Popen(
                    [
                        TRADER,
                        "scheduler",
                        "--settings",
                        str(settings),
                        "--db",
                        db_url,
                        "--grace",
                        "20",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=handle,
                    env=env,
                )
            )
    try:

        def both_fired() -> bool:
            texts = [log.read_text() for log in logs]
            done = sum("event=job.finish" in t for t in texts)
            skipped = sum(t.count("event=job.claimed_elsewhere") for t in texts)
            return done == 1 and skipped >= 3  # each has fired; one ran it, the other was refused

        assert _wait_for(both_fired, 120), "\n".join(log.read_text() for log in logs)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(60) for proc in procs]
    texts = [log.read_text() for log in logs]
    assert codes == [0, 0], texts
    assert all("event=scheduler.stop" in t for t in texts)
    runs = job_history(Store(db_url))
    assert len(runs) == 1 and runs.iloc[0]["status"] == "ok", texts
    assert runs.iloc[0]["summary"]["rows"] > 1000  # the sample's AAPL history, written once
    shown = subprocess.run(
        [TRADER, "scheduler", "history", "--db", db_url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "refresh" in shown.stdout and " ok " in shown.stdout
