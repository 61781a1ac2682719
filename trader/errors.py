"""User-facing errors. Every problem a user can cause is a `TraderError` with a one-line message."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class TraderError(Exception):
    """Base class for errors whose message is shown to the user as ``error: <message>``."""


class ConfigError(TraderError):
    """A configuration value, option or name is wrong."""


class DataError(TraderError):
    """Input data is missing or invalid (names the file/ticker, row and problem)."""


class StoreError(TraderError):
    """The database cannot be used as asked."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""`` when none is close."""
    pool = sorted(set(choices))
    close = difflib.get_close_matches(name.lower(), [c.lower() for c in pool], n=1, cutoff=0.6)
    if not close:
        return ""
    original = next(c for c in pool if c.lower() == close[0])
    return f" (did you mean '{original}'?)"


def unknown(kind: str, name: str, choices: Iterable[str]) -> ConfigError:
    """A `ConfigError` for an unknown name, with a suggestion when one is close."""
    pool = sorted(set(choices))
    hint = did_you_mean(name, pool)
    if not hint:
        shown = ", ".join(pool[:12]) + (", ..." if len(pool) > 12 else "")
        hint = f" (choose from: {shown})"
    return ConfigError(f"unknown {kind} '{name}'{hint}")
