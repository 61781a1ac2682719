"""What the service commands share: the settings option, dates, the quality refusal (exit 3)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer

from trader.cli.common import err
from trader.errors import ConfigError
from trader.operations import QualityReport, ServiceSettings, load_settings

SETTINGS_ENV = "TRADER_SETTINGS"
QUALITY_EXIT = 3

SettingsOption = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        help=f"Service settings YAML (exchange, update, quality, notify, jobs; default: "
        f"${SETTINGS_ENV}, else the built-in defaults).",
    ),
]
DateOption = Annotated[
    str | None, typer.Option("--date", help="Session date YYYY-MM-DD (default: the latest close).")
]


def settings_from(path: Path | None) -> ServiceSettings:
    """The settings file given, else ``$TRADER_SETTINGS``, else the defaults."""
    chosen = path or (Path(os.environ[SETTINGS_ENV]) if os.environ.get(SETTINGS_ENV) else None)
    return load_settings(chosen)


def parse_date(text: str | None, option: str = "--date") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} {text!r}: expected a date YYYY-MM-DD") from None


def refuse(report: QualityReport) -> None:
    """Print the data-quality report on stderr and exit with code 3."""
    console = err()
    for line in report.lines():
        console.print(line, markup=False)
    console.print("error: the data-quality gate refused: nothing was emitted", markup=False)
    raise typer.Exit(QUALITY_EXIT)
