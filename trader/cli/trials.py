"""`trader trials`: the trial registry behind the deflated Sharpe ratios (list, reset)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from trader.cli.common import DbOption, JsonOption, cli_errors, err, out, print_json
from trader.data import Store, list_trials, reset_trials
from trader.report import num


@cli_errors
def trials(
    dataset: Annotated[
        str | None,
        typer.Option("--dataset", help="Only the dataset whose data hash starts with this."),
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete the trials (of --dataset, else all).")
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the configurations evaluated per dataset (what each DSR counts), or reset them."""
    store = Store(db)
    if reset:
        removed = reset_trials(store, dataset)
        where = f" of dataset {dataset}*" if dataset else ""
        err().print(f"deleted {removed} trial(s){where}", markup=False)
        return
    frame = list_trials(store, dataset)
    if as_json:
        print_json(frame.astype({c: str for c in ("created_at", "data_start", "data_end",
                                                  "test_start", "test_end")})
                   .to_dict(orient="records"))  # fmt: skip
        return
    if frame.empty:
        err().print("no trials recorded yet: every `trader backtest` records its contenders")
        return
    console = out()
    for (data_hash, start, end), rows in frame.groupby(
        ["data_hash", "data_start", "data_end"], sort=False
    ):
        runs = sorted(set(rows["run_id"]))
        table = Table(
            title=f"dataset {str(data_hash)[:12]} ({start}..{end}): {len(rows)} trial(s) from "
            f"{len(runs)} run(s)",
            title_justify="left",
        )
        for col in ("name", "kind", "test period", "days", "Sharpe", "excess Sharpe", "run"):
            table.add_column(col, no_wrap=True)
        for row in rows.to_dict(orient="records"):
            table.add_row(
                str(row["name"]), str(row["kind"]), f"{row['test_start']}..{row['test_end']}",
                str(row["days"]), num(row["sharpe"]), num(row["excess_sharpe"]),
                str(row["run_id"]),
            )  # fmt: skip
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``trials`` command to the `trader` app."""
    app.command()(trials)
