"""Crash tests: `trader ingest` and `trader train` killed with SIGKILL at chosen moments.

Each killed command runs in its own process (`kill_at.py` kills it just before or after a
chosen call: a statement of the ingest's transaction, its commit, a fold's training, the
publishing rename of a run, the commit of a run's record), or is killed from outside after a
seeded random delay. Afterwards the database must be unchanged or hold the whole result, every
visible run folder must be complete, and `runs`, `backtest` and a new `train` must work.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from conftest import postgres_url, with_search_path
from reliability import PYTHON, bars_state, fingerprint, subprocess_env, trader_command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from trader.cli import app
from trader.data import Store, list_runs, read_sample

KILL_AT = str(Path(__file__).with_name("kill_at.py"))
INGEST = ["ingest", "sample", "SPY", "AAPL", "KO"]  # 7759 rows: two insert batches
COMMIT = "sqlalchemy.engine.base:Connection._commit_impl"
EXECUTE = "sqlalchemy.engine.base:Connection.execute"
TINY = """
data: {tickers: [KO], start: "2016-01-01"}
window: {length: 5, features: [log_return]}
models: [{name: dense, kind: dense, units: [4], epochs: 2, batch_size: 256}]
protocol: {folds: 2, min_train_days: 150}
strategies: [{name: ma_cross, params: {fast: 5, slow: 20}}]
"""


@contextmanager
def databases(backend: str, count: int, tmp_path: Path) -> Iterator[list[str]]:
    """``count`` empty databases of ``backend`` (PostgreSQL: one schema each, dropped after)."""
    if backend == "sqlite":
        yield [f"sqlite:///{tmp_path / f'db{i}' / 'trader.db'}" for i in range(count)]
        return
    base = postgres_url()
    if base is None:
        pytest.skip("set TRADER_TEST_DATABASE_URL to run the PostgreSQL crash tests")
    schemas = [f"t_{uuid.uuid4().hex}" for _ in range(count)]
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        for schema in schemas:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield [with_search_path(base, schema) for schema in schemas]
    finally:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _killed(spec: str, args: list[str], data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, KILL_AT, spec, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(data),
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = process.communicate(timeout=600)
    return process.returncode, err


# Steps of an ingest: statements 1 the schema check (a read), 2 instruments; the two batches of
# bars (`write_batch`: upserted on SQLite, copied on PostgreSQL, then one upsert statement);
# statement 3 the ingest log row; then the one commit.
BATCH = "trader.data.bulk:write_batch"
INGEST_POINTS = [
    (f"{BATCH}:before:1", "unchanged"),  # instruments written, no bar yet
    (f"{BATCH}:before:2", "unchanged"),  # half the bars written
    (f"{EXECUTE}:before:3", "unchanged"),  # every bar written, not the log row
    (f"{COMMIT}:before:1", "unchanged"),  # everything written, not committed
    (f"{COMMIT}:after:1", "complete"),  # committed, killed before saying so
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ingest_killed_at_every_step_is_all_or_nothing(backend: str, tmp_path: Path) -> None:
    with databases(backend, len(INGEST_POINTS) + 1, tmp_path) as urls:
        for url in urls:
            Store(url).write_bars(read_sample(["KO"]), source="sample")
        reference, *targets = urls
        before = bars_state(reference)
        runner = CliRunner()
        assert runner.invoke(app, [*INGEST, "--db", reference]).exit_code == 0
        complete = bars_state(reference)
        assert complete[0] > before[0] and complete[2] == before[2] + 1
        processes = [
            _killed(spec, [*INGEST, "--db", url], tmp_path / "data")
            for (spec, _), url in zip(INGEST_POINTS, targets, strict=True)
        ]
        for (spec, expected), process, url in zip(INGEST_POINTS, processes, targets, strict=True):
            code, err = _finish(process)
            assert code == -signal.SIGKILL, f"{spec}: not killed ({code}): {err}"
            assert bars_state(url) == (before if expected == "unchanged" else complete), spec
            again = runner.invoke(app, [*INGEST, "--db", url])  # the next ingest works
            assert again.exit_code == 0, again.output
            assert bars_state(url)[:2] == complete[:2], spec


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ingest_killed_at_random_moments(backend: str, tmp_path: Path) -> None:
    """Killed from outside (kill -9) after seeded random delays: whole or nothing, always."""
    delays = [random.Random(seed).uniform(0.5, 6.0) for seed in (1, 2)]
    with databases(backend, 2, tmp_path) as (reference, url):
        Store(reference).write_bars(read_sample(["KO"]), source="sample")
        Store(url).write_bars(read_sample(["KO"]), source="sample")
        runner = CliRunner()
        assert runner.invoke(app, [*INGEST, "--db", reference]).exit_code == 0
        complete = bars_state(reference)
        for delay in delays:
            before = bars_state(url)
            process = subprocess.Popen(
                trader_command(*INGEST, "--db", url),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=subprocess_env(tmp_path / "data"),
            )
            time.sleep(delay)
            process.kill()
            _, err = process.communicate(timeout=600)
            state = bars_state(url)
            assert state[:2] == complete[:2] or state == before, f"after {delay:.2f} s"
            assert state[2] in (before[2], before[2] + 1)
            assert b"Traceback" not in err


TRAIN_POINTS = {
    "trader.models:fit:before:2": (0, 0),  # mid-training: the first fold is saved (staging)
    "trader.data.run_folders:RunFolder.publish:after:1": (1, 0),  # published, not recorded
    f"{COMMIT}:after:2": (1, 1),  # recorded (2nd commit: 1st is the writable probe)
}


def _complete(folder: Path) -> bool:
    files = {p.name for p in folder.iterdir()}
    models = list(folder.glob("fold-*/*.keras"))
    return {"run.json", "predictions.csv"} <= files and len(models) == 2


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_train_killed_at_every_step_leaves_complete_runs_only(backend: str, tmp_path: Path) -> None:
    config = tmp_path / "tiny.yaml"
    config.write_text(TINY)
    data = tmp_path / "data"
    with databases(backend, 1, tmp_path) as (url,):
        Store(url).write_bars(read_sample(["KO"]), source="sample")
        runner = CliRunner()
        env = {"TRADER_DATA_DIR": str(data)}
        models = data / "models"
        tables = fingerprint(url)
        # every kill point at once: concurrent trains on one database and one data folder
        processes = {
            spec: _killed(spec, ["train", "-c", str(config), "--db", url], data)
            for spec in TRAIN_POINTS
        }
        for spec, process in processes.items():
            code, err = _finish(process)
            assert code == -signal.SIGKILL, f"{spec}: not killed ({code}): {err}"
        published = {p for p in models.iterdir() if not p.name.startswith(".")}
        recorded = set(list_runs(Store(url))["id"])
        assert len(published) == sum(f for f, _ in TRAIN_POINTS.values())
        assert len(recorded) == sum(r for _, r in TRAIN_POINTS.values())
        assert all(_complete(folder) for folder in published), "a visible run is incomplete"
        assert recorded <= {p.name for p in published}, "a record without its run"
        assert fingerprint(url)["daily_bars"] == tables["daily_bars"]

        listed = runner.invoke(app, ["runs", "--db", url], env=env)
        assert listed.exit_code == 0, listed.output
        latest = runner.invoke(app, ["backtest", "--db", url, "--json"], env=env)
        assert latest.exit_code == 0, latest.output
        unrecorded = {p.name for p in published} - recorded - {json.loads(latest.stdout)["run_id"]}
        for run_id in unrecorded:  # published, killed before its record: still backtests
            result = runner.invoke(app, ["backtest", "--run", run_id, "--db", url], env=env)
            assert result.exit_code == 0, result.output
        again = runner.invoke(app, ["train", "-c", str(config), "--db", url, "--json"], env=env)
        assert again.exit_code == 0, again.output
        assert len(list_runs(Store(url)).query("kind == 'train'")) == len(recorded) + 1
        predictions = pd.read_csv(models / sorted(recorded)[0] / "predictions.csv")
        assert not predictions.empty
