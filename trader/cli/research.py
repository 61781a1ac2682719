"""`trader train`, `backtest`, `report`, `demo`: the research job, step by step or whole."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from trader import paths, pipeline
from trader.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    SetOption,
    TickersOption,
    cli_errors,
    err,
    out,
    print_json,
    run_config_from,
)
from trader.cli.progress import RichProgress
from trader.config import StrategyConfig, parse_section
from trader.report import load_report, render, write_html


@cli_errors
def train(
    config: ConfigOption = None,
    tickers: TickersOption = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Train the models on every walk-forward fold; keep their out-of-sample predictions."""
    run = run_config_from(config, tickers, overrides)
    with RichProgress(err()) as progress:
        result = pipeline.train(run, db, progress=progress)
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
        where = Path(files["report"]).parent
        err().print(f"report files: {where} (open {where / 'report.html'})", markup=False)


@cli_errors
def backtest(
    run_id: Annotated[
        str | None, typer.Option("--run", help="Trained run (default: latest).")
    ] = None,
    strategy: Annotated[
        list[str] | None,
        typer.Option("--strategy", "-s", help="Rule strategy from strategies/ (repeatable)."),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="Backtest engine: fast, or backtrader (the reference).")
    ] = "fast",
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Backtest a trained run's out-of-sample predictions beside baselines and rules; report."""
    chosen = [parse_section(StrategyConfig, {"name": s}, "--strategy") for s in strategy or []]
    with RichProgress(err()) as progress:
        report = pipeline.backtest(
            run_id, db, strategies=chosen or None, engine=engine, progress=progress
        )
    _show(report, as_json)


@cli_errors
def report(
    run_id: Annotated[str | None, typer.Argument(help="Run id (default: latest).")] = None,
    html: Annotated[
        bool, typer.Option("--html", help="(Re)write report.html beside report.json; print it.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show a written report again (or write its self-contained HTML page)."""
    shown = load_report(run_id)
    if html:
        path = write_html(shown, paths.reports_dir() / shown["run_id"])
        out().print(str(path), markup=False, soft_wrap=True)
        return
    _show(shown, as_json)


@cli_errors
def demo(
    config: ConfigOption = None,
    tickers: TickersOption = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Ingest the sample, train LSTM and dense models walk-forward, backtest, audit, report."""
    run = run_config_from(config, tickers, overrides)
    with RichProgress(err()) as progress:
        report = pipeline.demo(run, db, progress=progress)
    _show(report, as_json)


def register(app: typer.Typer) -> None:
    """Add these commands to the `trader` app."""
    for command in (train, backtest, report, demo):
        app.command()(command)
