"""Stage 8, the `trader` command line: commands only parse options and delegate.

- `data`: ``ingest``, ``data``, ``db``
- `research`: ``train``, ``backtest``, ``report``, ``demo``
- `runs`: ``runs``, ``show``, ``replay``, ``audit``, ``strategies``
- `models`, `signals`, `scheduler`, `dataops`: the service: ``models promote/list/show``,
  ``signals [history]``, ``scheduler [run-once|history]``, ``data verify/export/update``
  (`service`: their shared options and the data-quality exit code 3)
- `trials`: ``trials`` (the trial registry behind the deflated Sharpe ratios)
- `lab`: ``experiment run/list/show/report/delete``, ``plot activations``
- `common`: shared options, one-line errors, consoles, JSON output; `progress`: the progress bars
"""

from __future__ import annotations

import typer

from trader.cli import data, dataops, lab, models, research, runs, scheduler, signals, trials
from trader.cli.common import OneLineErrors

app = typer.Typer(
    help="Stock-prediction trading research.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
)
for group in (data, research, runs, trials, lab, models, signals, scheduler, dataops):
    group.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
