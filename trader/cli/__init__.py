"""Stage 8, the `trader` command line: commands only parse options and delegate.

- `data`: ``ingest``, ``data``, ``db``
- `research`: ``train``, ``backtest``, ``report``, ``demo``
- `runs`: ``runs``, ``show``, ``replay``, ``audit``, ``strategies``
- `lab`: ``experiment run/list/show/report/delete``, ``plot activations``
- `common`: shared options, one-line errors, consoles, JSON output; `progress`: the progress bars
"""

from __future__ import annotations

import typer

from trader.cli import data, lab, research, runs

app = typer.Typer(
    help="Stock-prediction trading research.", no_args_is_help=True, pretty_exceptions_enable=False
)
for group in (data, research, runs, lab):
    group.register(app)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
