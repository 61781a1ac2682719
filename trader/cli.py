"""The `trader` command line. Commands only parse options and delegate to the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from trader import cli_runs, paths
from trader import ingest as ingest_lib
from trader.cli_common import (
    ConfigOption,
    DbOption,
    DropOption,
    JsonOption,
    SetOption,
    TickersOption,
    cli_errors,
    err,
    out,
    print_json,
    run_config_from,
)
from trader.errors import ConfigError
from trader.progress import RichProgress
from trader.report import read_report
from trader.report_tables import render
from trader.store import Store

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    help="Stock-prediction trading research.", no_args_is_help=True, pretty_exceptions_enable=False
)
ingest_app = typer.Typer(help="Load prices into the database.", no_args_is_help=True)
data_app = typer.Typer(help="What the database holds.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
app.add_typer(data_app, name="data")
app.add_typer(db_app, name="db")


def _report_ingest(result: ingest_lib.IngestReport) -> None:
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
    frame = ingest_lib.read_sample([t.upper() for t in tickers] if tickers else None)
    _report_ingest(
        ingest_lib.ingest(
            Store(db), frame, source="sample", origin="sample", drop_invalid=drop_invalid
        )
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
    frame = ingest_lib.read_csv(path, ticker=ticker.upper() if ticker else None)
    _report_ingest(
        ingest_lib.ingest(
            Store(db), frame, source="csv", origin=str(path), drop_invalid=drop_invalid
        )
    )


@ingest_app.command("yahoo")
@cli_errors
def ingest_yahoo(
    tickers: Annotated[list[str], typer.Argument(help="Tickers to download.")],
    start: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD.")] = None,
    db: DbOption = None,
) -> None:
    """Daily prices from Yahoo Finance (incremental: only after the last stored date)."""
    _report_ingest(ingest_lib.ingest_yahoo(Store(db), [t.upper() for t in tickers], start, end))


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
    from rich.table import Table

    table = Table(title="Stored prices")
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
    err().print(f"database is up to date: {store.url}", markup=False)


@app.command()
@cli_errors
def train(
    config: ConfigOption = None,
    tickers: TickersOption = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Train the models on every walk-forward fold; keep their out-of-sample predictions."""
    from trader import pipeline

    run = run_config_from(config, tickers, overrides)
    with RichProgress(err()) as progress:
        result = pipeline.train(run, Store(db), progress=progress)
    summary = {
        "run_id": result.run_id,
        "models": str(result.directory),
        "samples": result.samples,
        "epochs": {k: [len(h.get("loss", [])) for h in v] for k, v in result.histories.items()},
    }
    if as_json:
        print_json(summary)
    else:
        err().print(f"trained run {result.run_id}: models in {result.directory}", markup=False)


def _show(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    out().print(render(report))
    files = report.get("files", {})
    if files:
        err().print(f"report files: {Path(files['report']).parent}", markup=False)


@app.command()
@cli_errors
def backtest(
    run_id: Annotated[
        str | None, typer.Option("--run", help="Trained run (default: latest).")
    ] = None,
    strategy: Annotated[
        list[str] | None,
        typer.Option("--strategy", "-s", help="Rule strategy from strategies/ (repeatable)."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Backtest a trained run's out-of-sample predictions beside baselines and rules; report."""
    from trader import pipeline
    from trader.config import StrategyConfig

    chosen = [StrategyConfig(name=s) for s in strategy] if strategy else None
    with RichProgress(err()) as progress:
        report = pipeline.backtest(run_id, Store(db), strategies=chosen, progress=progress)
    _show(report, as_json)


@app.command()
@cli_errors
def report(
    run_id: Annotated[str | None, typer.Argument(help="Run id (default: latest).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a written report again."""
    root = paths.reports_dir()
    runs = sorted(p.parent.name for p in root.glob("*/report.json")) if root.exists() else []
    if run_id is None:
        if not runs:
            raise ConfigError("no report yet: run `trader backtest` or `trader demo` first")
        run_id = runs[-1]
    if run_id not in runs:
        from trader.errors import did_you_mean

        raise ConfigError(f"no report for run '{run_id}'{did_you_mean(run_id, runs)}")
    _show(read_report(root / run_id), as_json)


@app.command()
@cli_errors
def demo(
    config: ConfigOption = None,
    tickers: TickersOption = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Ingest the sample, train LSTM and dense models walk-forward, backtest, audit, report."""
    from trader import pipeline

    run = run_config_from(config, tickers, overrides)
    store = Store(db)
    _report_ingest(
        ingest_lib.ingest(
            store, ingest_lib.read_sample(run.data.tickers), source="sample", origin="sample"
        )
    )
    if run.data.source is None:
        run = run.model_copy(update={"data": run.data.model_copy(update={"source": "sample"})})
    with RichProgress(err()) as progress:
        report = pipeline.demo(run, store, progress=progress)
    _show(report, as_json)


cli_runs.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
