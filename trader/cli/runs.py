"""`trader runs`, `show`, `replay`, `audit`, `strategies`: run records and research hygiene."""

from __future__ import annotations

from typing import Annotated

import typer

from trader import pipeline
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
from trader.data import Store, get_run, list_runs, run_predictions, run_trades
from trader.report import LiteralTable, num, pct
from trader.signals import describe

RunArgument = Annotated[str, typer.Argument(help="Run id (see `trader runs`).")]


@cli_errors
def runs(as_json: JsonOption = False, db: DbOption = None) -> None:
    """List the recorded train and backtest runs."""
    frame = list_runs(Store(db))
    if as_json:
        print_json(frame.astype({"created_at": str}).to_dict(orient="records"))
        return
    if frame.empty:
        err().print("no recorded runs yet: run `trader train` or `trader demo`")
        return
    table = LiteralTable("Recorded runs")
    for col in ("id", "kind", "parent", "created", "commit", "data hash"):
        table.add_column(col)
    for row in frame.to_dict(orient="records"):
        sha = str(row["git_commit"] or "-")
        commit = sha[:12] + ("+dirty" if "dirty" in sha else "")
        table.add_row(
            str(row["id"]), str(row["kind"]), str(row["parent_id"] or "-"),
            str(row["created_at"])[:19], commit, str(row["data_hash"])[:12],
        )  # fmt: skip
    out().print(table)


@cli_errors
def show(run_id: RunArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Show one recorded run: config, seeds, versions, commit, data hash, metrics."""
    from dataclasses import asdict

    store = Store(db)
    record = asdict(get_run(store, run_id))
    record["created_at"] = str(record["created_at"])
    record["predictions"] = len(run_predictions(store, run_id))
    record["trades"] = len(run_trades(store, run_id))
    if as_json:
        print_json(record)
        return
    console = out()
    for key in ("id", "kind", "parent_id", "created_at", "git_commit", "data_hash"):
        console.print(f"{key}: {record[key]}", markup=False)
    console.print(f"seeds: {record['seeds']}", markup=False)
    console.print(f"versions: {record['versions']}", markup=False)
    stored = f"stored: {record['predictions']} predictions, {record['trades']} trades"
    if record["kind"] == "backtest":
        stored += f" (its predictions are stored with its train run {record['parent_id']})"
    console.print(stored, markup=False)
    for name, entry in record["metrics"].items():
        if isinstance(entry, dict) and "total" in entry:
            t = entry["total"]
            console.print(
                f"  {name}: return {pct(t.get('total_return'))}, Sharpe "
                f"{num(t.get('sharpe'))}, trades {t.get('trades', '-')}, hit rate "
                f"{pct(t.get('hit_rate'))}",
                markup=False,
            )
    console.print("use --json for the full record", style="dim")


@cli_errors
def replay(run_id: RunArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Run a recorded run again; exit 0 only when predictions, trades and metrics match."""
    with RichProgress(err()) as progress:
        result = pipeline.replay(run_id, db, progress=progress)
    if as_json:
        print_json(result.as_dict())
    else:
        console = out()
        same = "identical" if result.identical else "NOT identical"
        console.print(
            f"replay of {result.original} as {result.replay}: {same} "
            f"({', '.join(result.compared)} compared)",
            markup=False,
        )
        for line in result.differences:
            console.print(f"  differs: {line}", markup=False)
        for line in result.causes:
            console.print(f"  changed: {line}", markup=False)
    if not result.identical:
        raise typer.Exit(1)


@cli_errors
def audit(
    config: ConfigOption = None,
    tickers: TickersOption = None,
    overrides: SetOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Leakage audit: future perturbation, a leaking canary, fill timing. Exit 0 only on PASS."""
    run = run_config_from(config, tickers, overrides)
    with RichProgress(err()) as progress:
        result = pipeline.audit(run, db, progress=progress)
    if as_json:
        print_json(result.as_dict())
    else:
        console = out()
        for check in result.checks:
            mark = "ok  " if check.passed else "FAIL"
            console.print(f"{mark} {check.name}: {check.detail}", markup=False)
        console.print(f"audit: {result.verdict}", markup=False)
    if not result.passed:
        raise typer.Exit(1)


@cli_errors
def strategies(as_json: JsonOption = False) -> None:
    """List the strategies in strategies/ with their parameters."""
    from dataclasses import asdict

    infos = describe()
    if as_json:
        print_json([asdict(i) for i in infos])
        return
    table = LiteralTable("Strategies (strategies/)")
    for col in ("name", "what", "parameters (default)"):
        table.add_column(col)
    for info in infos:
        params = ", ".join(f"{p.name}={p.default}" for p in info.params)
        table.add_row(info.name, info.summary, params or "-")
    out().print(table)


def register(app: typer.Typer) -> None:
    """Add these commands to the `trader` app."""
    for command in (runs, show, replay, audit, strategies):
        app.command()(command)
