"""Stage 4, signals: scores and prices to target positions per ticker and day.

- `strategy`: the `Strategy` base class that the files in ``strategies/`` subclass
- `loader`: strategies found by name in the strategies folder, with "did you mean"
- `scores`: scores as a date x ticker frame; thresholds to targets; buy-and-hold targets
- `contenders`: every predictor and strategy of a run as targets, side by side
"""

from __future__ import annotations

from trader.signals.lineup import (
    BUY_AND_HOLD,
    MODEL_STRATEGY,
    Contender,
    check_strategies,
    contenders,
    rule_label,
)
from trader.signals.loader import ParamInfo, StrategyInfo, available, describe, load, strategies_dir
from trader.signals.scores import buy_and_hold_targets, score_frame, targets_from_scores
from trader.signals.strategy import (
    Strategy,
    StrategyError,
    StrategyParams,
    hold_positions,
    sma,
)

__all__ = [
    "BUY_AND_HOLD",
    "MODEL_STRATEGY",
    "Contender",
    "ParamInfo",
    "Strategy",
    "StrategyError",
    "StrategyInfo",
    "StrategyParams",
    "available",
    "buy_and_hold_targets",
    "check_strategies",
    "contenders",
    "describe",
    "hold_positions",
    "load",
    "rule_label",
    "score_frame",
    "sma",
    "strategies_dir",
    "targets_from_scores",
]
