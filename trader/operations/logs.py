"""Structured log lines on stderr: ``ts=... level=info event=job.finish job=... status=ok``.

One line per event, ``key=value`` pairs (logfmt), values quoted when they hold spaces, so the
lines can be read by people and parsed by log collectors alike. Library code logs through
`event`; the command line installs the handler (`configure`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, TextIO

LOGGER = "trader.scheduler"


def _value(value: Any) -> str:
    text = str(value)
    if text == "" or any(c in text for c in ' ="\n'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


class LogfmtFormatter(logging.Formatter):
    """``ts=<UTC ISO> level=<level> event=<message> key=value ...``."""

    def format(self, record: logging.LogRecord) -> str:
        ts = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        fields: dict[str, Any] = {
            "ts": ts.replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            fields["traceback"] = self.formatException(record.exc_info)
        return " ".join(f"{k}={_value(v)}" for k, v in fields.items())


def configure(stream: TextIO, level: int = logging.INFO) -> logging.Handler:
    """Send the scheduler's events to ``stream`` as logfmt lines; returns the handler."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LogfmtFormatter())
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return handler


def event(name: str, level: int = logging.INFO, *, exc: bool = False, **fields: object) -> None:
    """Log event ``name`` with ``fields``."""
    logging.getLogger(LOGGER).log(level, name, extra={"fields": fields}, exc_info=exc)
