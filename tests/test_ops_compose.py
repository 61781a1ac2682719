"""docker-compose.yml and the Dockerfile, proven without a Docker daemon: the file is parsed and
checked, and the commands the app container runs (migrate, then the scheduler, with the
compose environment and deploy/service.yaml) run against the local PostgreSQL."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from trader.data import Store
from trader.operations import job_history, load_settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
BIN = Path(sys.executable).parent
TINY = """
data: {tickers: [AAPL, MSFT], source: sample, start: "2016-06-01"}
window: {length: 5}
models: [{name: lstm, kind: dense, units: [4], epochs: 2, batch_size: 128, patience: 1}]
protocol: {folds: 2, min_train_days: 200}
strategies: []
"""


def test_compose_file_is_what_the_service_needs() -> None:
    services = COMPOSE["services"]
    db, app = services["db"], services["app"]
    assert db["image"].startswith("postgres:") and "pgdata" in COMPOSE["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]  # a named volume
    assert (
        db["healthcheck"]["test"][0] == "CMD-SHELL" and "pg_isready" in db["healthcheck"]["test"][1]
    )
    assert db["env_file"] == [".env"] and "POSTGRES_PASSWORD" not in db["environment"]
    for name, service in services.items():  # nothing published on 0.0.0.0
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["environment"]["PGPASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    text = (ROOT / "docker-compose.yml").read_text()
    assert "change-me" not in text  # the password lives only in .env
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert "POSTGRES_PASSWORD=" in (ROOT / "deploy" / "env.example").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))
    assert yaml.safe_load(cmd[4:]) == app["command"]  # the image's default is the same command
    for name in ("dask-scheduler", "dask-worker"):
        assert services[name]["profiles"] == ["lab"]
    worker = services["dask-worker"]["command"]
    assert worker[worker.index("--nthreads") + 1] == "1"
    assert worker[worker.index("--memory-limit") + 1] == "2GiB"
    # the workers write model files where the app (the sweep's driver) reads them
    assert services["dask-worker"]["volumes"] == app["volumes"]
    assert (
        services["dask-worker"]["environment"]["TRADER_DATA_DIR"]
        == (app["environment"]["TRADER_DATA_DIR"])
    )
    assert "lab =" in (ROOT / "pyproject.toml").read_text()


def test_the_settings_the_container_uses_are_valid() -> None:
    app = COMPOSE["services"]["app"]
    path = ROOT / Path(app["environment"]["TRADER_SETTINGS"]).relative_to("/app")
    settings = load_settings(path)
    assert {j.kind for j in settings.jobs} >= {"signals", "retrain", "verify"}
    for job in settings.jobs:
        if job.config:
            assert (ROOT / job.config).exists()


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    """The app container's environment, pointed at the test database and folders."""
    settings = yaml.safe_load((ROOT / "deploy" / "service.yaml").read_text())
    tiny = tmp_path / "production.yaml"
    tiny.write_text(TINY)
    for job in settings["jobs"]:
        if job.get("config"):
            job["config"] = str(tiny)  # the same jobs, a tiny model to keep the test fast
    path = tmp_path / "service.yaml"
    path.write_text(yaml.safe_dump(settings))
    compose_env: dict[str, Any] = COMPOSE["services"]["app"]["environment"]
    env = {**os.environ, **{k: str(v) for k, v in compose_env.items()}}
    env.update(
        TRADER_DATABASE_URL=db_url,
        TRADER_SETTINGS=str(path),
        PGPASSWORD="unused",
        TRADER_DATA_DIR=str(tmp_path / "data"),
        PATH=f"{BIN}:{env['PATH']}",
    )
    return env


def _run(command: str, env: dict[str, str], code: int = 0) -> str:
    done = subprocess.run(
        ["sh", "-c", command], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == code, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_compose_commands_run_against_local_postgresql(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the compose file runs PostgreSQL")
    env = _env(db_url, tmp_path)
    health = COMPOSE["services"]["db"]["healthcheck"]["test"][1]
    migrate, serve = COMPOSE["services"]["app"]["command"][2].split(" && ")
    assert shlex.split(serve) == ["exec", "trader", "scheduler"]
    # README: the database is healthy, migrated, and holds prices before the first job
    setup = _run(f"{health} -h 127.0.0.1 && {migrate} && trader ingest sample AAPL MSFT", env)
    assert "accepting connections" in setup and "up to date" in setup
    assert "ok" in _run("trader scheduler run-once weekly-retrain", env)
    assert "ok" in _run(
        "trader scheduler run-once daily-signals --date 2018-02-07 && "
        "trader scheduler run-once nightly-verify --date 2018-02-07",
        env,
    )
    runs = job_history(Store(db_url))
    assert sorted(runs["job"]) == ["daily-signals", "nightly-verify", "weekly-retrain"]
    assert set(runs["status"]) == {"ok"}
    log = tmp_path / "scheduler.log"
    with log.open("w") as handle:  # the container's long-running command, stopped as Docker does
        proc = subprocess.Popen(["sh", "-c", serve], env=env, stderr=handle)
        end = time.monotonic() + 120
        while "event=scheduler.start" not in log.read_text() and time.monotonic() < end:
            time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, log.read_text()
    assert "event=scheduler.stop" in log.read_text()
