"""`run_backtest`: one entry point, two engines with the same rules and the same result.

- ``fast`` (default): numpy + a compiled loop (`trader.backtesting.fast`)
- ``backtrader``: the reference, backtrader's broker driven by the same rules
  (`trader.backtesting.backtrader_adapter`, imported only when asked for)

Both follow ``docs/backtest.md`` and agree to 1e-9 (tests/test_engine_parity.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeAlias, get_args

import pandas as pd

from trader.backtesting.fast import run_fast
from trader.backtesting.result import BacktestResult
from trader.backtesting.rules import Day
from trader.config import BacktestConfig
from trader.errors import unknown

Engine: TypeAlias = Literal["fast", "backtrader"]
ENGINES: tuple[str, ...] = get_args(Engine)


def check_engine(engine: str) -> Engine:
    """``engine`` when it names an engine, else `ConfigError` with "did you mean"."""
    if engine not in ENGINES:
        raise unknown("engine", str(engine), ENGINES)
    return engine  # type: ignore[return-value]


def run_backtest(
    bars: pd.DataFrame,
    targets: pd.DataFrame,
    config: BacktestConfig | Mapping[str, Any] | None = None,
    *,
    start: Day = None,
    end: Day = None,
    engine: str = "fast",
) -> BacktestResult:
    """Trade ``targets`` (date x ticker, in [-1, 1], decided at each close) on ``bars``.

    ``bars`` is tidy (ticker, date, open, high, low, close, volume), e.g. `Store.read_bars`.
    ``config`` holds cash, costs and sizing (a `BacktestConfig`, a mapping of its options, or
    None for the defaults). Only ``[start, end]`` is used, bars and targets alike, so the first
    day never trades. NaN targets mean flat. ``engine`` is ``"fast"`` (default) or
    ``"backtrader"`` (the reference); both give the same result. Raises `DataError` for a target
    ticker without bars and for invalid targets or prices, `ConfigError` for an invalid option
    or engine.
    """
    if check_engine(engine) == "backtrader":
        from trader.backtesting.backtrader_adapter import run_backtrader

        return run_backtrader(bars, targets, config, start=start, end=end)
    return run_fast(bars, targets, config, start=start, end=end)
