"""The contenders of a run: every predictor and strategy as date x ticker target positions.

Contenders: each model (its out-of-sample scores through the ``model_threshold`` strategy with
the run's ``signal`` settings), each baseline predictor (the same way), buy-and-hold and the
configured rule strategies from ``strategies/``. `trader.evaluate.compare` backtests them all
over the same period with the same costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from trader.config import RunConfig, StrategyConfig
from trader.errors import ConfigError
from trader.signals import loader as strategy_lib
from trader.signals.scores import score_frame

BUY_AND_HOLD = "buy_and_hold"
MODEL_STRATEGY = "model_threshold"


@dataclass(frozen=True)
class Contender:
    name: str
    kind: str  # model | baseline | benchmark | rule
    targets: pd.DataFrame
    predictions: pd.DataFrame | None = None


def check_strategies(rules: list[StrategyConfig]) -> None:
    """Load every rule once so a bad name, parameter or duplicate fails before any work."""
    seen: set[str] = set()
    for rule in rules:
        strategy_lib.load(rule.name, rule.params)
        key = rule.model_dump_json()
        if key in seen:
            raise ConfigError(f"strategy '{rule.name}' is listed twice with the same parameters")
        seen.add(key)


def rule_label(rule: StrategyConfig, rules: list[StrategyConfig]) -> str:
    """The name a rule is reported under: its name, with its parameters when listed twice."""
    if sum(r.name == rule.name for r in rules) < 2:
        return rule.name
    return f"{rule.name}({', '.join(f'{k}={v}' for k, v in sorted(rule.params.items()))})"


def contenders(
    bars: pd.DataFrame,
    predictions: pd.DataFrame,
    config: RunConfig,
    rules: list[StrategyConfig],
) -> list[Contender]:
    """Models and baselines (from ``predictions``), buy-and-hold, then the ``rules``.

    A rule that follows scores (``needs_scores``, e.g. ``model_threshold`` with other
    thresholds) is applied to every model's scores, as ``<model>+<rule>`` of kind model.
    ``buy_and_hold`` is always there, so listing it adds nothing.
    """
    follow = strategy_lib.load(MODEL_STRATEGY, config.signal.model_dump())
    out = []
    models: list[tuple[str, pd.DataFrame, pd.DataFrame]] = []
    for (name, kind), rows in predictions.groupby(["model", "kind"], sort=False):
        scores = score_frame(
            rows["ticker"].to_numpy(), rows["date"].to_numpy(), rows["score"].to_numpy(float)
        )
        out.append(Contender(str(name), str(kind), follow.targets(bars, scores), rows))
        if kind == "model":
            models.append((str(name), rows, scores))
    out.append(Contender(BUY_AND_HOLD, "benchmark", strategy_lib.load(BUY_AND_HOLD).targets(bars)))
    for rule in rules:
        if rule.name == BUY_AND_HOLD:
            continue
        strategy = strategy_lib.load(rule.name, rule.params)
        label = rule_label(rule, rules)
        if not strategy.needs_scores:
            out.append(Contender(label, "rule", strategy.targets(bars)))
            continue
        for name, rows, scores in models:
            out.append(Contender(f"{name}+{label}", "model", strategy.targets(bars, scores), rows))
    return out
