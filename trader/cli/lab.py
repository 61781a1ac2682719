"""`trader experiment run/list/show/report/delete`: the experiment lab; `trader plot`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trader import lab
from trader.cli.common import DbOption, JsonOption, cli_errors, err, out, print_json
from trader.cli.sweep_progress import SweepProgress
from trader.data import Store

experiment_app = typer.Typer(help="Sweeps over configurations (the lab).", no_args_is_help=True)
NameArgument = Annotated[
    str, typer.Argument(help="Experiment name (see `trader experiment list`).")
]


@experiment_app.command("run")
@cli_errors
def run(
    file: Annotated[Path, typer.Argument(help="Experiment file (YAML), e.g. experiments/x.yaml.")],
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Local worker processes (1: in this process).")
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Dask scheduler address (or $TRADER_DASK_SCHEDULER)."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Run (or resume) every configuration of an experiment, then show its comparison."""
    experiment = lab.load_experiment(file)
    store = Store(db)
    with SweepProgress(err()) as progress:
        summary = lab.run_experiment(
            experiment, store, source=str(file), workers=workers, cluster=cluster,
            progress=progress,
        )  # fmt: skip
    result = lab.experiment_result(store, experiment.name)
    if as_json:
        print_json({"summary": summary.as_dict(), **result})
    else:
        _show(result)
        err().print(
            f"{summary.configurations} configurations, {summary.done} of {summary.trials} trials "
            f"done ({summary.ran} run now), {summary.failed} failed",
            markup=False,
        )
    if summary.failed:
        raise typer.Exit(1)


@experiment_app.command("list")
@cli_errors
def list_(as_json: JsonOption = False, db: DbOption = None) -> None:
    """The recorded experiments and their trials by status."""
    frame = lab.experiments(Store(db))
    if as_json:
        print_json(frame.astype({"updated_at": str}).to_dict(orient="records"))
        return
    if frame.empty:
        err().print("no experiment yet: run `trader experiment run FILE`")
        return
    table = Table(title="Experiments")
    for col in frame.columns:
        table.add_column(str(col))
    for row in frame.astype(str).to_dict(orient="records"):
        table.add_row(*(str(v) for v in row.values()))
    out().print(table)


@experiment_app.command("show")
@cli_errors
def show(name: NameArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """An experiment's comparison table and what differs beyond seed noise."""
    result = lab.experiment_result(Store(db), name)
    if as_json:
        print_json(result)
    else:
        _show(result)


@experiment_app.command("report")
@cli_errors
def report(name: NameArgument, db: DbOption = None) -> None:
    """Write the experiment's report (comparison, charts) and print where it is."""
    files = lab.write_experiment_report(Store(db), name)
    err().print(f"experiment report: {files['report']}", markup=False)


@experiment_app.command("delete")
@cli_errors
def delete(name: NameArgument, db: DbOption = None) -> None:
    """Forget an experiment and its trials (the runs stay recorded)."""
    lab.forget_experiment(Store(db), name)
    err().print(f"deleted experiment {name}", markup=False)


def _show(result: dict[str, Any]) -> None:
    table = Table(title=f"Experiment {result['name']}: ranked by deflated Sharpe ratio")
    columns = result["columns"]
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in result["table"]:
        table.add_row(*(row[c] for c in columns))
    console = out()
    console.print(table)
    for line in result["statements"]:
        console.print(line, markup=False)


plot_app = typer.Typer(help="Reference charts.", no_args_is_help=True)


@plot_app.command("activations")
@cli_errors
def plot_activations(
    output: Annotated[Path, typer.Option("--output", "-o", help="PNG file to write.")] = Path(
        "activations.png"
    ),
) -> None:
    """Every supported activation and its derivative (as in seed 001)."""
    path = lab.activation_chart(output)
    err().print(f"activations chart: {path}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the experiment and plot command groups to the `trader` app."""
    app.add_typer(experiment_app, name="experiment")
    app.add_typer(plot_app, name="plot")
