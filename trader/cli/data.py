"""`trader ingest`, `trader data`, `trader db`: prices into the database, and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from trader.cli.common import DbOption, DropOption, JsonOption, cli_errors, err, out, print_json
from trader.data import IngestReport, Store, ingest, ingest_yahoo, read_csv, read_sample
from trader.report import LiteralTable

ingest_app = typer.Typer(help="Load prices into the database.", no_args_is_help=True)
data_app = typer.Typer(help="What the database holds.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def _report_ingest(result: IngestReport) -> None:
    console = err()
    for message in result.dropped:
        console.print(f"dropped: {message}", markup=False)
    console.print(
        f"ingested {result.rows} rows for {len(result.tickers)} ticker(s) "
        f"({', '.join(result.tickers)}) from {result.source}",
        markup=False,
    )


@ingest_app.command("sample")
@cli_errors
def ingest_sample(
    tickers: Annotated[list[str] | None, typer.Argument(help="Tickers (default: all).")] = None,
    drop_invalid: DropOption = False,
    db: DbOption = None,
) -> None:
    """The bundled real prices in data/sample/."""
    frame = read_sample([t.upper() for t in tickers] if tickers else None)
    _report_ingest(
        ingest(Store(db), frame, source="sample", origin="sample", drop_invalid=drop_invalid)
    )


@ingest_app.command("csv")
@cli_errors
def ingest_csv(
    path: Annotated[Path, typer.Argument(help="A CSV file or a folder of them.")],
    ticker: Annotated[str | None, typer.Option("--ticker", help="Ticker for the file.")] = None,
    drop_invalid: DropOption = False,
    db: DbOption = None,
) -> None:
    """CSV files: date/Date, Open/open, ..., Adj Close/adj_close, optional ticker column."""
    frame = read_csv(path, ticker=ticker.upper() if ticker else None)
    _report_ingest(
        ingest(Store(db), frame, source="csv", origin=str(path), drop_invalid=drop_invalid)
    )


@ingest_app.command("yahoo")
@cli_errors
def ingest_yahoo_command(
    tickers: Annotated[list[str], typer.Argument(help="Tickers to download.")],
    start: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD.")] = None,
    db: DbOption = None,
) -> None:
    """Daily prices from Yahoo Finance (incremental: only after the last stored date)."""
    _report_ingest(ingest_yahoo(Store(db), [t.upper() for t in tickers], start, end))


@data_app.command("status")
@cli_errors
def data_status(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Tickers, sources, first/last date and row counts."""
    status = Store(db).status()
    if as_json:
        print_json(status.astype({"first": str, "last": str}).to_dict(orient="records"))
        return
    if status.empty:
        err().print("the database holds no prices yet: run `trader ingest sample`")
        return
    table = LiteralTable("Stored prices")
    for col in status.columns:
        table.add_column(str(col))
    for row in status.itertuples(index=False):
        table.add_row(*(str(v) for v in row))
    out().print(table)


@db_app.command("upgrade")
@cli_errors
def db_upgrade(db: DbOption = None) -> None:
    """Apply the database migrations (also done automatically on first use)."""
    store = Store(db)
    store.upgrade()
    err().print(f"database is up to date: {store.safe_url}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ingest, data and db command groups to the `trader` app."""
    app.add_typer(ingest_app, name="ingest")
    app.add_typer(data_app, name="data")
    app.add_typer(db_app, name="db")
