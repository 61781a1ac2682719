"""Every contender over the same period with the same costs, and how they compare.

Contenders: each model (its out-of-sample scores through the ``model_threshold`` strategy with
the run's ``signal`` settings), each baseline predictor (the same way), buy-and-hold and the
configured rule strategies from ``strategies/``. Each is backtested as one portfolio over all
tickers (cash shared, equal weight); models and buy-and-hold also per ticker alone. Models
also get confidence intervals, the probabilistic and deflated Sharpe ratio and a binomial test
of their hit rate (`trader.stats.uncertainty`), and a plain statement of whether they beat
each baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader import strategy_loader as strategy_lib
from trader.backtest import BacktestResult, run_backtest
from trader.config import RunConfig, StrategyConfig
from trader.errors import ConfigError
from trader.evaluation import hits, prediction_table
from trader.events import Progress
from trader.metrics import daily_returns, summarize
from trader.signals import score_frame
from trader.stats import uncertainty

BUY_AND_HOLD = "buy_and_hold"
MODEL_STRATEGY = "model_threshold"


@dataclass(frozen=True)
class Contender:
    name: str
    kind: str  # model | baseline | benchmark | rule
    targets: pd.DataFrame
    predictions: pd.DataFrame | None = None


@dataclass(frozen=True)
class Outcome:
    entries: dict[str, dict[str, Any]]
    equity: dict[str, pd.Series]
    trades: pd.DataFrame  # all contenders' portfolio round trips, with a ``strategy`` column
    targets: dict[str, pd.DataFrame]


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
        scores = score_frame(rows["ticker"].to_numpy(), rows["date"].to_numpy(), rows["score"])
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


def evaluate(
    bars: pd.DataFrame,
    entrants: list[Contender],
    config: RunConfig,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    progress: Progress,
) -> Outcome:
    """Backtest every contender on ``[start, end]``; add prediction scores and uncertainty."""
    regression = config.window.label == "regression"
    n_trials = len(entrants)
    entries: dict[str, dict[str, Any]] = {}
    equity: dict[str, pd.Series] = {}
    trades = []
    for c in entrants:
        progress("backtest", {"name": c.name})
        total = _run(bars, c.targets, config, start, end)
        alone = c.kind in ("model", "benchmark")  # per-ticker backtests where they are shown
        tickers: dict[str, dict[str, Any]] = {
            str(t): dict(summarize(_run(bars, c.targets[[t]], config, start, end)))
            for t in (c.targets.columns if alone else [])
        }
        entry: dict[str, Any] = {"kind": c.kind, "total": summarize(total), "tickers": tickers}
        if c.predictions is not None:
            table = prediction_table(c.predictions, regression=regression)
            entry["total"].update(table.pop("TOTAL"))
            for ticker, values in table.items():
                entry["tickers"].setdefault(ticker, {}).update(values)
            if c.kind == "model":
                entry["uncertainty"] = _uncertainty(total, c.predictions, n_trials)
        entries[c.name] = entry
        equity[c.name] = total.equity
        trades.append(total.trades.assign(strategy=c.name))
    targets = {c.name: c.targets for c in entrants}
    for name, entry in entries.items():
        if entry["kind"] == "model":
            entry["verdicts"] = versus(name, entries)
    return Outcome(entries, equity, pd.concat(trades, ignore_index=True), targets)


def _run(
    bars: pd.DataFrame, targets: pd.DataFrame, config: RunConfig, start: pd.Timestamp,
    end: pd.Timestamp,
) -> BacktestResult:  # fmt: skip
    return run_backtest(bars, targets, config.backtest, start=start.date(), end=end.date())


def _uncertainty(
    total: BacktestResult, predictions: pd.DataFrame, n_trials: int
) -> dict[str, float | str | None]:
    calls = hits(predictions)
    known = predictions["forward_return"].dropna()
    up = float((known > 0).mean()) if len(known) else 0.5
    base = max(up, 1.0 - up)  # the better of "always up" and "always down"
    return uncertainty(daily_returns(total.equity), calls, base, n_trials)


def versus(name: str, entries: dict[str, dict[str, Any]]) -> list[str]:
    """Plain sentences: does model ``name`` beat each baseline and buy-and-hold?"""
    mine = entries[name]["total"]
    out = []
    for other, entry in entries.items():
        if entry["kind"] not in ("baseline", "benchmark"):
            continue
        theirs = entry["total"]
        parts = []
        if "hit_rate" in mine and "hit_rate" in theirs:
            parts.append(_beats("hit rate", mine["hit_rate"], theirs["hit_rate"]))
        parts.append(_beats("return after costs", mine["total_return"], theirs["total_return"]))
        out.append(f"{name} vs {other}: " + "; ".join(parts))
    return out


def _beats(what: str, mine: float | None, theirs: float | None) -> str:
    if mine is None or theirs is None or np.isnan(mine) or np.isnan(theirs):
        return f"{what}: not comparable"
    verb = "beats" if mine > theirs else "does not beat"
    return f"{verb} on {what} ({mine:.1%} vs {theirs:.1%})"
