"""`trader signals [--date D] [--json] [--csv FILE]` and `trader signals history [--model M]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trader.cli.common import DbOption, JsonOption, cli_errors, err, out, print_json
from trader.cli.service import DateOption, SettingsOption, parse_date, refuse, settings_from
from trader.data import Store
from trader.operations import (
    QualityRefused,
    all_models,
    daily_signals,
    get_model,
    live_stats,
    production,
    read_signals,
)
from trader.report import num, pct

app = typer.Typer(
    help="Daily signals of the production models, and how earlier ones did.",
    invoke_without_command=True,
)


def _progress(event: str, info: dict[str, Any]) -> None:
    if event in ("update", "quality"):
        for line in info["lines"]:
            err().print(line, markup=False)


def live_line(stats: dict[str, Any]) -> str:
    """One model's live figures beside its backtest's, flags included."""
    band = stats.get("backtest_hit_rate_ci") or [None, None]
    flag = "  << OUTSIDE the backtest interval" if stats.get("hit_rate_outside") else ""
    head = (
        f"{stats['name']} {stats['model_id']}: {stats['reconciled']}/{stats['signals']} signals "
        f"reconciled, live hit rate {pct(stats.get('live_hit_rate'))} vs backtest "
        f"{pct(stats.get('backtest_hit_rate'))} [{pct(band[0])}, {pct(band[1])}]{flag}"
    )
    latest = stats.get("latest")
    if latest:
        head += f"; {latest['date']}: {latest['hits']} of {latest['signals']} calls right"
    paper = stats.get("paper")
    if paper is None:
        return head + " (paper P&L and live Sharpe: `trader signals history`)"
    sharpe_flag = " (outside its interval)" if stats.get("sharpe_outside") else ""
    return (
        f"{head}; paper P&L {pct(paper.get('total_return'))} over {paper.get('days', 0)} "
        f"day(s), live Sharpe {num(stats.get('live_sharpe'))} vs backtest "
        f"{num(stats.get('backtest_sharpe'))}{sharpe_flag}"
    )


@app.callback()
@cli_errors
def signals(
    ctx: typer.Context,
    date: DateOption = None,
    as_json: JsonOption = False,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write the signals to this CSV.")
    ] = None,
    no_update: Annotated[
        bool, typer.Option("--no-update", help="Do not update prices first.")
    ] = False,
    settings: SettingsOption = None,
    db: DbOption = None,
) -> None:
    """Update prices, pass the quality gate, predict and store today's signals (exit 3 when the
    data is refused), and reconcile earlier signals with what happened."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        result = daily_signals(
            Store(db), settings_from(settings), date=parse_date(date), update=not no_update,
            progress=_progress,
        )  # fmt: skip
    except QualityRefused as refused:
        refuse(refused.report)
    frame = result.signals
    if csv is not None:
        frame.assign(date=frame["date"].dt.date).to_csv(csv, index=False)
    if as_json:
        print_json(result.as_dict())
        return
    if result.reused:
        err().print(f"signals for {result.date} were already stored: shown as stored", markup=False)
    table = Table(title=f"Signals for {result.date} (decided at the close, filled next open)")
    for col in ("ticker", "model", "score", "call", "target"):
        table.add_column(col)
    for row in frame.to_dict(orient="records"):
        cells = [row["ticker"], f"{row['model']} {row['model_id']}", f"{row['score']:+.3f}",
                 row["call"], f"{row['target']:+g}"]  # fmt: skip
        table.add_row(*(str(c) for c in cells))
    out().print(table)
    for stats in result.live:
        out().print(live_line(stats), markup=False)


@app.command("history")
@cli_errors
def history(
    model: Annotated[
        str | None, typer.Option("--model", help="One promoted model: list its signals.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Live hit rate and live Sharpe of every promoted model beside its backtest's figures."""
    store = Store(db)
    live = set(production(store).values())
    infos = [get_model(store, model)] if model else all_models(store)
    stats = [live_stats(store, info, active=info.id in live) for info in infos]
    rows = read_signals(store, [model]) if model else None
    if as_json:
        data: dict[str, Any] = {"models": stats}
        if rows is not None:
            data["signals"] = rows.assign(date=rows["date"].dt.date.astype(str)).to_dict("records")
        print_json(data)
        return
    if not stats:
        err().print("no model promoted yet: run `trader models promote RUN_ID`")
        return
    for entry in stats:
        out().print(("live   " if entry["active"] else "retired ") + live_line(entry), markup=False)
    if rows is not None and not rows.empty:
        table = Table(title=f"Signals of {model}")
        for col in ("date", "ticker", "score", "call", "target", "realized", "move", "hit"):
            table.add_column(col)
        for r in rows.to_dict(orient="records"):
            hit = "-" if r["hit"] is None else ("hit" if r["hit"] else "miss")
            cells = [
                str(r["date"])[:10], r["ticker"], f"{r['score']:+.3f}", r["call"],
                f"{r['target']:+g}", r["realized"] or "-", pct(r["realized_return"]), hit,
            ]  # fmt: skip
            table.add_row(*(str(c) for c in cells))
        out().print(table)


def register(root: typer.Typer) -> None:
    """Add the ``signals`` group to the `trader` app."""
    root.add_typer(app, name="signals")
