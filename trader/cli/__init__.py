"""Stage 8, the `trader` command line: commands only parse options and delegate.

- `data`: ``ingest``, ``data``, ``db``
- `research`: ``train``, ``backtest``, ``report``, ``demo``
- `runs`: ``runs``, ``show``, ``replay``, ``audit``, ``strategies``
- `common`: shared options, one-line errors, consoles, JSON output; `progress`: the progress bars
"""

from __future__ import annotations

import typer

from trader.cli import data, research, runs
from trader.cli.common import OneLineErrors

app = typer.Typer(
    help="Stock-prediction trading research.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
)
for group in (data, research, runs):
    group.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
