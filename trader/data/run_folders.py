"""Trained runs on disk: ``<models>/<run id>/`` with ``run.json``, ``predictions.csv`` and the
fold models, visible only once complete.

A run is written into ``<models>/.partial/<run id>/`` and published by one rename: a folder
directly under ``<models>`` always holds a whole run, whatever moment a process was killed at
(what a killed run leaves under ``.partial`` is never read). A run id is a name, never a path,
and is reserved before work starts (an exclusive ``mkdir``, and not already recorded), so two
runs started in the same second on the same data folder can never share an id.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from trader.config import check_run_id
from trader.errors import ConfigError, DataError, did_you_mean
from trader.paths import ensure_writable, partial_dir

RUN_FILE = "run.json"
PREDICTIONS_FILE = "predictions.csv"
_ATTEMPTS = 100


def new_run_id() -> str:
    """A sortable, practically unique run id: UTC time to the second plus 48 random bits."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(6)


@dataclass(frozen=True)
class RunFolder:
    """A reserved run: written in ``staging``, published to ``final`` by `publish`.

    As a context manager, a block that raises (or is interrupted) leaves nothing behind: the
    unpublished files are deleted, and a run published in the block is taken back.
    """

    run_id: str
    staging: Path
    final: Path

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self.unpublish()

    def publish(self) -> Path:
        """Make the run visible (one rename, after its files are flushed to disk); refuses to
        replace an existing run."""
        try:
            for path in sorted(self.staging.rglob("*")):
                if path.is_file():
                    _flush(path)
            os.rename(self.staging, self.final)
            _flush(self.final.parent)
        except OSError as err:
            raise ConfigError(
                f"run '{self.run_id}': cannot publish {self.final} ({err.strerror or err})"
            ) from None
        return self.final

    def unpublish(self) -> None:
        """Delete the run, published or not (it failed, or its record could not be saved)."""
        if not self.staging.exists() and self.final.exists():
            os.rename(self.final, self.staging)  # hidden first, in one step
        self.discard()

    def discard(self) -> None:
        """Delete the unpublished files (a failed or interrupted run)."""
        shutil.rmtree(self.staging, ignore_errors=True)


def _flush(path: Path) -> None:
    """Write ``path`` (a file or a folder's entries) through to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def reserve_run(root: Path, run_id: str | None, taken: Callable[[str], bool]) -> RunFolder:
    """Reserve a run id under ``root`` (the models folder) and create its staging folder.

    ``run_id`` None: a new id (`new_run_id`), drawn again while one is in use. A given id that
    is already in use (published, being written, or ``taken``: recorded in the database) is a
    `ConfigError`. Raises `ConfigError` when ``root`` is not writable.
    """
    staging_root = ensure_writable(partial_dir(ensure_writable(root, "models")), "models")
    for _ in range(_ATTEMPTS):
        candidate = check_run_id(run_id) if run_id is not None else new_run_id()
        staging = staging_root / candidate
        in_use = (root / candidate).exists() or taken(candidate)
        if not in_use:
            try:
                staging.mkdir()
                return RunFolder(candidate, staging, root / candidate)
            except FileExistsError:
                in_use = True
        if run_id is not None:
            raise ConfigError(f"run '{run_id}' already exists; choose another run id")
    raise ConfigError(f"{root}: could not reserve a new run id in {_ATTEMPTS} attempts")


def trained_runs(root: Path) -> list[str]:
    """Ids of the complete trained runs under ``root``, oldest first."""
    if not root.is_dir():
        return []
    return sorted(p.parent.name for p in root.glob(f"*/{RUN_FILE}"))


def read_run(root: Path, run_id: str | None) -> tuple[str, dict[str, Any], pd.DataFrame]:
    """A trained run's metadata and out-of-sample predictions (default: the latest run)."""
    runs = trained_runs(root)
    if run_id is None:
        if not runs:
            raise ConfigError("no trained run yet: run `trader train` first")
        run_id = runs[-1]
    check_run_id(run_id)
    directory = root / run_id
    if not (directory / RUN_FILE).is_file():
        raise ConfigError(f"unknown run '{run_id}'{did_you_mean(run_id, runs)}")
    try:
        meta = json.loads((directory / RUN_FILE).read_text(encoding="utf-8"))
        predictions = pd.read_csv(directory / PREDICTIONS_FILE, parse_dates=["date"])
    except (OSError, ValueError) as err:  # JSON and CSV parse errors are ValueErrors
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"run '{run_id}': files in {directory} are damaged ({reason})") from None
    if not isinstance(meta, dict) or "config" not in meta:
        raise DataError(f"run '{run_id}': {directory / RUN_FILE} is not a run description")
    return run_id, meta, predictions
