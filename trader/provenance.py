"""Where a result came from: package versions, the git commit, a hash of the exact data."""

from __future__ import annotations

import hashlib
import subprocess
from importlib import metadata

import numpy as np
import pandas as pd

from trader.paths import PROJECT_DIR

PACKAGES = (
    "trader", "tensorflow", "keras", "numpy", "pandas", "backtrader", "sqlalchemy", "scipy",
)  # fmt: skip
HASHED_COLUMNS = ["ticker", "date", "open", "high", "low", "close", "volume"]


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a result depends on ("missing" when absent)."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def git_commit() -> str | None:
    """The project's commit (``+dirty`` when files differ from it), or None outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}+dirty" if dirty else head


def data_hash(bars: pd.DataFrame) -> str:
    """SHA-256 of the bars a run used (ticker, date, OHLCV; order-independent)."""
    frame = bars[HASHED_COLUMNS].sort_values(["ticker", "date"]).reset_index(drop=True)
    digest = hashlib.sha256()
    digest.update(frame["ticker"].astype(str).str.cat(sep="\n").encode())
    digest.update(pd.to_datetime(frame["date"]).to_numpy().astype("M8[D]").tobytes())
    digest.update(np.ascontiguousarray(frame[HASHED_COLUMNS[2:]].to_numpy(float)).tobytes())
    return digest.hexdigest()
