"""Stage 5, backtest: target positions traded on bars with next-open fills and costs.

- `engines`: `run_backtest`, the entry point, with ``engine="fast"`` (default) or
  ``"backtrader"`` (the reference)
- `rules`: the execution rules as pure functions (``docs/backtest.md``), shared by every engine
- `fast`: the fast engine (aligned arrays), with its compiled loop in `fast_kernel` (the only
  module that imports numba)
- `backtrader_adapter`: the engine on backtrader (the only module that imports it)
- `parity`: compare two engines' results number for number
- `sweep`: `Sweep`, many backtests of one set of bars (each the compiled loop alone)
- `round_trips`: fills paired into round trips
- `result`: `BacktestResult`, what every engine returns
"""

from __future__ import annotations

from trader.backtesting.engines import ENGINES, Engine, check_engine, run_backtest
from trader.backtesting.parity import Parity, check_parity, differences
from trader.backtesting.result import BacktestResult
from trader.backtesting.round_trips import TRADE_COLUMNS, empty_trades
from trader.backtesting.rules import (
    FILL_COLUMNS,
    RefusedOrder,
    empty_fills,
    execution_targets,
    plan_rebalance,
)
from trader.backtesting.sweep import Sweep, SweepRun

__all__ = [
    "ENGINES",
    "FILL_COLUMNS",
    "TRADE_COLUMNS",
    "BacktestResult",
    "Engine",
    "Parity",
    "RefusedOrder",
    "Sweep",
    "SweepRun",
    "check_engine",
    "check_parity",
    "differences",
    "empty_fills",
    "empty_trades",
    "execution_targets",
    "plan_rebalance",
    "run_backtest",
]
