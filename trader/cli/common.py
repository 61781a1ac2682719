"""What every `trader` command shares: options, one-line errors, consoles, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

from trader.config import (
    DataConfig,
    RunConfig,
    load_config,
    parse_section,
    read_yaml,
    with_override,
)
from trader.data import masked
from trader.errors import ConfigError, TraderError
from trader.report import json_safe

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $TRADER_DATABASE_URL or data/trader.db)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout for scripts.")]
ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="Run config (YAML).")]
TickersOption = Annotated[
    str | None, typer.Option("--tickers", "-t", help="Comma-separated tickers, e.g. AAPL,MSFT.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Override one option by key path, e.g. models.lstm.epochs=5 or "
        "strategies.bnf_deviation.params.entry_pct=7.5 (repeatable; values read as YAML).",
    ),
]
DropOption = Annotated[
    bool, typer.Option("--drop-invalid", help="Drop bad rows (and say which) instead of failing.")
]


def fail(message: str) -> typer.Exit:
    """Print ``error: <message>`` as one line on stderr (passwords masked); the exit to raise."""
    line = " ".join(masked(str(message)).split())
    typer.echo(f"error: {line}", err=True)
    return typer.Exit(2)


def cli_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a `TraderError` into one ``error:`` line on stderr and exit code 2; so are the
    file-system failures no check can foresee (disk full, a file removed meanwhile)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TraderError as err:
            raise fail(str(err)) from None
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            raise fail(f"{where}{err.strerror or type(err).__name__}") from None
        except MemoryError:
            raise fail("out of memory; use fewer tickers, smaller models or batches") from None

    return wrapper


@contextmanager
def _usage_errors() -> Iterator[None]:
    try:
        yield
    except typer.TyperException as err:  # click's usage errors: a bad option, a missing value
        if type(err).__name__ == "NoArgsIsHelpError":
            raise  # shows the help
        ctx = getattr(err, "ctx", None)
        where = f"{ctx.command_path}: " if ctx is not None else ""
        see = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        raise fail(f"{where}{err.format_message()}{see}") from None


class OneLineErrors(TyperGroup):
    """The `trader` command group: a usage error (unknown option, bad value, missing argument)
    is one ``error:`` line and exit code 2, like every other error."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _usage_errors():
            return super().invoke(ctx)


def out() -> Console:
    """stdout; a terminal's own width, 150 columns when written to a file or pipe."""
    probe = Console()
    return Console(soft_wrap=False, width=probe.width if probe.is_terminal else 150)


def err() -> Console:
    return Console(stderr=True)


def print_json(data: Any) -> None:
    """Strict JSON on stdout (NaN as null), for scripts."""
    sys.stdout.write(json.dumps(json_safe(data), indent=2, default=str, allow_nan=False) + "\n")


def parse_override(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` to a key path and a value read as YAML (``5`` -> 5, ``[8, 4]`` -> a list)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {text!r}: expected KEY=VALUE, e.g. window.length=10")
    value = read_yaml(raw, f"--set {key.strip()}") if raw.strip() else ""
    return key.strip(), value


def run_config_from(
    config: Path | None, tickers: str | None, overrides: list[str] | None = None
) -> RunConfig:
    """The run config of a command: the file (or defaults), then ``--set``, then ``--tickers``."""
    run = load_config(config)
    for text in overrides or []:
        run = with_override(run, *parse_override(text))
    if tickers:
        names = [t for t in (s.strip() for s in tickers.split(",")) if t]
        if not names:
            raise ConfigError("--tickers: no ticker given")
        data = parse_section(DataConfig, {**run.data.model_dump(), "tickers": names}, "--tickers")
        run = run.model_copy(update={"data": data})
    return run
