"""Progress events: the callback type every stage reports through, and its silent default.

A stage calls ``progress(event, info)`` (e.g. ``("stage", {"name": "report"})``); the CLI passes
`trader.cli.progress.RichProgress`, library callers pass nothing and get `quiet`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Progress = Callable[[str, dict[str, Any]], None]


def quiet(_event: str, _info: dict[str, Any]) -> None:
    """The progress callback that shows nothing."""
    return None
