"""Where trader keeps its files: the bundled sample and the runtime files under ``data/``;
writing them safely (writable folders checked first, files replaced atomically)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from trader.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def data_dir() -> Path:
    """The data folder: ``$TRADER_DATA_DIR``, else the project's ``data/``."""
    env = os.environ.get("TRADER_DATA_DIR")
    return Path(env) if env else PROJECT_DIR / "data"


def sample_dir() -> Path:
    """The bundled real sample prices (always the project's own copy)."""
    return PROJECT_DIR / "data" / "sample"


def default_database_url() -> str:
    """``$TRADER_DATABASE_URL``, else the SQLite file ``data/trader.db``."""
    env = os.environ.get("TRADER_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'trader.db'}"


def artifacts_dir() -> Path:
    """Where model files and reports go: ``$TRADER_ARTIFACTS`` (a folder every Dask worker can
    reach, e.g. a shared mount), else the data folder. URLs are refused: runs are published by
    a rename, which object stores do not offer."""
    env = os.environ.get("TRADER_ARTIFACTS")
    if not env:
        return data_dir()
    if "://" in env:
        raise ConfigError(
            f"TRADER_ARTIFACTS={env!r}: give a folder path (mount the storage on every worker); "
            "URLs are not supported"
        )
    return Path(env)


def models_dir() -> Path:
    return artifacts_dir() / "models"


def reports_dir() -> Path:
    return artifacts_dir() / "reports"


def partial_dir(root: Path) -> Path:
    """Where work in progress under ``root`` is written before it is published by a rename
    (``root/.partial``; what a killed process leaves there is never read and may be deleted)."""
    return root / ".partial"


def ensure_writable(directory: Path, what: str) -> Path:
    """Create ``directory`` if needed and prove a file can be written there, or raise
    `ConfigError` naming it (checked before long work, not after)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-test-"):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise ConfigError(
            f"{what} folder {directory} is not writable ({reason}); "
            "fix its permissions or set TRADER_DATA_DIR (TRADER_ARTIFACTS for models and reports)"
        ) from None
    return directory


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``path`` so that readers see the old file or the whole new one, never a part
    (a temporary file beside it, flushed, then renamed over it)."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
