"""trader: stock-prediction trading research you can check.

Prices live in a database (`Store`); Keras models are trained walk-forward on price windows
(`train`); their out-of-sample predictions are backtested beside baselines, buy-and-hold and
rule strategies with honest costs and reported with their uncertainty (`backtest`, or both at
once with `run`); `audit` proves nothing looked ahead and `replay` reruns a recorded run.

Research from Python::

    import trader

    trader.ingest_sample(["AAPL", "MSFT"])                      # the bundled real prices
    config = trader.load_config({"data": {"tickers": ["AAPL", "MSFT"]}})
    report = trader.run(config)                                 # train + backtest + report
    print(report["strategies"]["lstm"]["total"]["sharpe"])

Backtest your own signals on stored bars::

    bars = trader.Store().read_bars(["AAPL", "MSFT"])
    targets = my_targets(bars)            # date x ticker frame of positions in [-1, 1]
    result = trader.run_backtest(bars, targets, trader.BacktestConfig(commission=0.001))
    print(trader.summarize(result))

A target decided at day t's close fills at day t+1's open (``docs/backtest.md``). The names
below are the stable surface; the stage packages (`trader.data`, `trader.models`,
`trader.research`, `trader.signals`, `trader.backtesting`, `trader.evaluate`, `trader.report`,
`trader.cli`) may change. ``docs/architecture.md`` maps them.
"""

from __future__ import annotations

import importlib
from importlib import metadata
from typing import TYPE_CHECKING, Any

__version__ = metadata.version("trader")

# name -> (module, attribute): imported on first use, so that ``import trader.signals`` (a
# strategy file) or ``trader --help`` does not load backtrader, matplotlib and the pipeline.
_API: dict[str, tuple[str, str]] = {
    "AuditResult": ("trader.evaluate", "AuditResult"),
    "BacktestConfig": ("trader.config", "BacktestConfig"),
    "BacktestResult": ("trader.backtesting", "BacktestResult"),
    "ConfigError": ("trader.errors", "ConfigError"),
    "DataError": ("trader.errors", "DataError"),
    "ReplayResult": ("trader.evaluate", "ReplayResult"),
    "RunConfig": ("trader.config", "RunConfig"),
    "SignalConfig": ("trader.config", "SignalConfig"),
    "Store": ("trader.data", "Store"),
    "Strategy": ("trader.signals", "Strategy"),
    "StrategyParams": ("trader.signals", "StrategyParams"),
    "TraderError": ("trader.errors", "TraderError"),
    "TrainResult": ("trader.pipeline", "TrainResult"),
    "audit": ("trader.pipeline", "audit"),
    "backtest": ("trader.pipeline", "backtest"),
    "demo": ("trader.pipeline", "demo"),
    "ingest_sample": ("trader.pipeline", "ingest_sample"),
    "load_config": ("trader.config", "load_config"),
    "load_strategy": ("trader.signals", "load"),
    "read_csv": ("trader.data", "read_csv"),
    "read_predictions": ("trader.data", "read_predictions"),
    "read_sample": ("trader.data", "read_sample"),
    "replay": ("trader.pipeline", "replay"),
    "run": ("trader.pipeline", "run"),
    "run_backtest": ("trader.backtesting", "run_backtest"),
    "summarize": ("trader.evaluate", "summarize"),
    "train": ("trader.pipeline", "train"),
    "with_override": ("trader.config", "with_override"),
}
__all__ = [
    "AuditResult",
    "BacktestConfig",
    "BacktestResult",
    "ConfigError",
    "DataError",
    "ReplayResult",
    "RunConfig",
    "SignalConfig",
    "Store",
    "Strategy",
    "StrategyParams",
    "TraderError",
    "TrainResult",
    "audit",
    "backtest",
    "demo",
    "ingest_sample",
    "load_config",
    "load_strategy",
    "read_csv",
    "read_predictions",
    "read_sample",
    "replay",
    "run",
    "run_backtest",
    "summarize",
    "train",
    "with_override",
]


def __getattr__(name: str) -> Any:
    """The public API, imported on first use (with "did you mean" for a wrong name)."""
    if name not in _API:
        from trader.errors import did_you_mean

        raise AttributeError(f"module 'trader' has no attribute {name!r}{did_you_mean(name, _API)}")
    module, attribute = _API[name]
    return getattr(importlib.import_module(module), attribute)


def __dir__() -> list[str]:
    """The public API and the package's own attributes."""
    return sorted({*globals(), *_API})


if TYPE_CHECKING:
    from trader.backtesting import BacktestResult, run_backtest
    from trader.config import BacktestConfig, RunConfig, SignalConfig, load_config, with_override
    from trader.data import Store, read_csv, read_predictions, read_sample
    from trader.errors import ConfigError, DataError, TraderError
    from trader.evaluate import AuditResult, ReplayResult, summarize
    from trader.pipeline import (
        TrainResult,
        audit,
        backtest,
        demo,
        ingest_sample,
        replay,
        run,
        train,
    )
    from trader.signals import Strategy, StrategyParams
    from trader.signals import load as load_strategy
