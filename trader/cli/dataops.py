"""`trader data verify`, `data export`, `data update`: operations on the stored prices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from trader.cli.common import DbOption, JsonOption, cli_errors, err, out, print_json
from trader.cli.data import data_app
from trader.cli.service import SettingsOption, parse_date, refuse, settings_from
from trader.data import Store
from trader.operations import export_bars, update_data, verify_data

TickersArgument = Annotated[
    list[str] | None, typer.Argument(help="Tickers (default: every stored / production one).")
]
SourceOption = Annotated[str | None, typer.Option("--source", help="sample, csv or yahoo.")]


@cli_errors
def verify(
    tickers: TickersArgument = None,
    source: SourceOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge staleness as of this date.")
    ] = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
    db: DbOption = None,
) -> None:
    """Re-run validation and the quality checks over all stored bars: calendar gaps, closed-day
    bars, jumps, zero volume, stale series, restatements. Exit 3 when any is found."""
    report = verify_data(
        Store(db), settings_from(settings), tickers=tickers, source=source,
        as_of=parse_date(as_of, "--as-of"),
    )  # fmt: skip
    if as_json:
        print_json(report.as_dict())
        if not report.passed:
            raise typer.Exit(3)
        return
    if not report.passed:
        refuse(report)
    for line in report.lines():
        out().print(line, markup=False)


@cli_errors
def export(
    fmt: Annotated[
        Literal["csv", "parquet"], typer.Option("--format", help="csv or parquet (pyarrow).")
    ] = "csv",
    path: Annotated[
        Path | None, typer.Option("--out", help="File (default: data/exports/bars.<format>).")
    ] = None,
    tickers: TickersArgument = None,
    source: SourceOption = None,
    db: DbOption = None,
) -> None:
    """Write the stored bars to one CSV or Parquet file."""
    target, rows = export_bars(Store(db), fmt, path, tickers=tickers, source=source)
    err().print(f"exported {rows} bars to {target}", markup=False)


@cli_errors
def update(
    tickers: TickersArgument = None,
    source: SourceOption = None,
    csv_dir: Annotated[
        Path | None, typer.Option("--csv-dir", help="Folder read for source csv.")
    ] = None,
    as_json: JsonOption = False,
    settings: SettingsOption = None,
    db: DbOption = None,
) -> None:
    """Bring prices up to date incrementally (paced, retried); say per ticker what was added."""
    chosen = settings_from(settings)
    if csv_dir is not None:
        changed = chosen.update.model_copy(update={"csv_dir": str(csv_dir)})
        chosen = chosen.model_copy(update={"update": changed})
    reports = update_data(Store(db), chosen, tickers=tickers, source=source)
    if as_json:
        print_json([r.as_dict() for r in reports])
        return
    for report in reports:
        for line in report.lines():
            out().print(line, markup=False)


def register(root: typer.Typer) -> None:
    """Add verify, export and update to the ``data`` group (registered by `trader.cli.data`)."""
    del root
    for command in (verify, export, update):
        data_app.command()(command)
