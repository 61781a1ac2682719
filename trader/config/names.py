"""Names a user gives trader, checked at the door the same way everywhere.

- tickers: 1 to `MAX_TICKER` characters, letters, digits and ``. - _ = ^`` (``BRK-B``,
  ``^GSPC``, ``EURUSD=X``, ``7203.T``), upper-cased; the same on SQLite and PostgreSQL
- names (run ids, model names, data sources): 1 to 64 characters, letters, digits and
  ``_ . -``, starting with a letter or digit: a name is never a path
- dates (``start``/``end``): a calendar date, ``start`` not after ``end``
"""

from __future__ import annotations

import datetime as dt
import re

from trader.errors import ConfigError

MAX_TICKER = 32  # the width of every ticker column (instruments, daily_bars, run tables)
MAX_NAME = 64  # the width of run ids and model names in the run tables
MAX_SOURCE = 32
TICKER_CHARACTERS = "letters, digits and . - _ = ^"
NAME_CHARACTERS = "letters, digits and _ . - (starting with a letter or digit)"
TICKER_PATTERN = r"[A-Z0-9^][A-Z0-9._=^-]*"
_TICKER = re.compile(TICKER_PATTERN)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def shown(value: object, limit: int = 40) -> str:
    """``value`` quoted for an error message, cut to ``limit`` characters, controls escaped."""
    text = str(value)
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return repr(cut)


def ticker_problem(name: str) -> str | None:
    """Why ``name`` (already stripped and upper-cased) is not a ticker, or None when it is."""
    if not name:
        return "empty ticker"
    if len(name) > MAX_TICKER:
        return f"ticker {shown(name)} is too long ({len(name)} characters, at most {MAX_TICKER})"
    if not _TICKER.fullmatch(name):
        return f"ticker {shown(name)} has characters other than {TICKER_CHARACTERS}"
    return None


def check_ticker(name: object, where: str = "ticker") -> str:
    """``name`` stripped and upper-cased, or a `ConfigError` saying what a ticker may be."""
    text = str(name).strip().upper()
    problem = ticker_problem(text)
    if problem is not None:
        raise ConfigError(f"{where}: {problem}")
    return text


def name_problem(value: str, kind: str = "name", limit: int = MAX_NAME) -> str | None:
    """Why ``value`` is not a plain name (a file-system-safe word), or None when it is."""
    if not value:
        return f"empty {kind}"
    if len(value) > limit:
        return f"{kind} {shown(value)} is too long ({len(value)} characters, at most {limit})"
    if not _NAME.fullmatch(value):
        return f"{kind} {shown(value)} is not a name: use {NAME_CHARACTERS}, no folders"
    return None


def check_name(value: object, kind: str, limit: int = MAX_NAME) -> str:
    """``value`` when it is a plain name (`name_problem`), else a `ConfigError`."""
    text = str(value)
    problem = name_problem(text, kind, limit)
    if problem is not None:
        raise ConfigError(problem)
    return text


def check_run_id(run_id: object) -> str:
    """A run id is a name, never a path: ``20240101-120000-1a2b3c4d5e6f``."""
    return check_name(run_id, "run id")


def iso_date(value: object, what: str) -> str | None:
    """A date option (``2016-01-01``, a YAML date, ``None``) as ``YYYY-MM-DD`` text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ConfigError(f"{what}: not a date: {shown(text)} (use YYYY-MM-DD)") from None


def check_range(start: dt.date | str | None, end: dt.date | str | None, what: str = "") -> None:
    """Refuse ``start`` after ``end`` in plain words."""
    if start is None or end is None or str(start) <= str(end):
        return
    prefix = f"{what}: " if what else ""
    raise ConfigError(f"{prefix}start {start} is after end {end} (the range is reversed)")
