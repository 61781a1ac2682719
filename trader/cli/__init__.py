"""Stage 8, the `trader` command line: commands only parse options and delegate.

- `data`: ``ingest``, ``data``, ``db``
- `research`: ``train``, ``backtest``, ``report``, ``demo``
- `runs`: ``runs``, ``show``, ``replay``, ``audit``, ``strategies``
- `models`, `signals`, `scheduler`, `dataops`: the service: ``models promote/list/show``,
  ``signals [history]``, ``scheduler [run-once|history]``, ``data verify/export/update``
  (`service`: their shared options and the data-quality exit code 3)
- `common`: shared options, one-line errors, consoles, JSON output; `progress`: the progress bars
"""

from __future__ import annotations

import typer

from trader.cli import data, dataops, models, research, runs, scheduler, signals

app = typer.Typer(
    help="Stock-prediction trading research.", no_args_is_help=True, pretty_exceptions_enable=False
)
for group in (data, research, runs, models, signals, scheduler, dataops):
    group.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
