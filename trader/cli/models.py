"""`trader models promote/list/show`: production models, promotion and rollback."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from trader.cli.common import DbOption, JsonOption, cli_errors, err, out, print_json
from trader.cli.progress import RichProgress
from trader.data import Store
from trader.errors import ConfigError
from trader.operations import ModelInfo, activate, all_models, get_model, production, promote
from trader.operations import rollback as roll_back
from trader.report import num, pct

app = typer.Typer(help="Production models: promote, list, show, roll back.", no_args_is_help=True)


def _live_for(info: ModelInfo, live: dict[str, str]) -> list[str]:
    return sorted(t for t, m in live.items() if m == info.id)


def _record(info: ModelInfo, live: dict[str, str]) -> dict[str, object]:
    return {**asdict(info), "live_for": _live_for(info, live)}


@app.command("promote")
@cli_errors
def promote_command(
    run_id: Annotated[
        str | None,
        typer.Argument(help="A train run to refit and promote, or a promoted model to reactivate."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The run's model to promote (default: its first).")
    ] = None,
    previous: Annotated[
        bool, typer.Option("--previous", help="Roll back: the model live before the current one.")
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Refit a run's model on all stored data and make it the production model of its tickers."""
    store = Store(db)
    if previous == (run_id is not None):
        raise ConfigError("give either RUN_ID (or a model id) or --previous")
    if previous:
        chosen = roll_back(store)
        verb = "rolled back to"
    elif run_id is not None and run_id in {m.id for m in all_models(store)}:
        chosen, verb = [activate(store, run_id)], "reactivated"
    else:
        with RichProgress(err()) as progress:
            chosen = [promote(store, str(run_id), name=name, progress=progress)]
        verb = "promoted"
    live = production(store)
    if as_json:
        print_json([_record(m, live) for m in chosen])
        return
    for info in chosen:
        err().print(
            f"{verb} {info.id} ({info.name} of run {info.run_id}, fit on bars "
            f"{info.first_date} .. {info.last_date}): production model of "
            f"{', '.join(_live_for(info, live)) or 'no ticker'}",
            markup=False,
        )


@app.command("list")
@cli_errors
def list_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every promoted model; which tickers each is live for."""
    store = Store(db)
    models, live = all_models(store), production(store)
    if as_json:
        print_json([_record(m, live) for m in models])
        return
    if not models:
        err().print("no model promoted yet: run `trader models promote RUN_ID`")
        return
    table = Table(title="Production models")
    for col in ("id", "model", "run", "fit up to", "live for", "backtest hit rate", "Sharpe"):
        table.add_column(col)
    for info in models:
        mine = ", ".join(_live_for(info, live)) or "-"
        ref = info.reference
        table.add_row(
            info.id, info.name, info.run_id, str(info.last_date), mine,
            pct(ref.get("hit_rate")), num(ref.get("sharpe")),
        )  # fmt: skip
    out().print(table)


@app.command("show")
@cli_errors
def show_command(
    model_id: Annotated[str, typer.Argument(help="Promoted model id (see `trader models list`).")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """One promoted model: its file, data, versions, commit and backtest figures."""
    store = Store(db)
    record = _record(get_model(store, model_id), production(store))
    if as_json:
        print_json(record)
        return
    console = out()
    for key in ("id", "name", "run_id", "created_at", "path", "file_sha256", "source",
                "first_date", "last_date", "data_hash", "git_commit", "tickers", "live_for",
                "versions", "reference"):  # fmt: skip
        console.print(f"{key}: {record[key]}", markup=False)


def register(root: typer.Typer) -> None:
    """Add the ``models`` group to the `trader` app."""
    root.add_typer(app, name="models")
