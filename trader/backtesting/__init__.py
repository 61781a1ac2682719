"""Stage 5, backtest: target positions traded on bars with next-open fills and costs.

- `rules`: the execution rules as pure functions (``docs/backtest.md``), shared by every engine
- `backtrader_adapter`: the engine on backtrader (the only module that imports it)
- `round_trips`: fills paired into round trips
- `result`: `BacktestResult`, what every engine returns
"""

from __future__ import annotations

from trader.backtesting.backtrader_adapter import run_backtest
from trader.backtesting.result import BacktestResult
from trader.backtesting.round_trips import TRADE_COLUMNS, empty_trades
from trader.backtesting.rules import FILL_COLUMNS, empty_fills, execution_targets, plan_rebalance

__all__ = [
    "FILL_COLUMNS",
    "TRADE_COLUMNS",
    "BacktestResult",
    "empty_fills",
    "empty_trades",
    "execution_targets",
    "plan_rebalance",
    "run_backtest",
]
