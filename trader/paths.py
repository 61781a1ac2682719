"""Where trader keeps its files: the bundled sample and the runtime files under ``data/``."""

from __future__ import annotations

import os
from pathlib import Path

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


def models_dir() -> Path:
    return data_dir() / "models"


def reports_dir() -> Path:
    return data_dir() / "reports"
