"""Every contender over the same period with the same costs, and how they compare.

The contenders (`trader.signals.lineup`): models, baselines, buy-and-hold and the rule
strategies, as target positions. Each is backtested as one portfolio over all
tickers (cash shared, equal weight); models and buy-and-hold also per ticker alone. Models
also get confidence intervals, the probabilistic and deflated Sharpe ratio and a binomial test
of their hit rate (`trader.evaluate.stats.uncertainty`), and a plain statement of whether they beat
each baseline. Every backtest runs on one engine (``fast`` by default); ``parity`` also runs the
first model's portfolio on the reference engine and compares the two (`check_parity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.backtesting import BacktestResult, check_parity, run_backtest
from trader.config import RunConfig
from trader.evaluate.metrics import daily_returns, summarize
from trader.evaluate.predictions import hits, prediction_table
from trader.evaluate.stats import uncertainty
from trader.events import Progress
from trader.signals import Contender


@dataclass(frozen=True)
class Outcome:
    entries: dict[str, dict[str, Any]]
    equity: dict[str, pd.Series]
    trades: pd.DataFrame  # all contenders' portfolio round trips, with a ``strategy`` column
    targets: dict[str, pd.DataFrame]
    parity: dict[str, Any] | None = None  # the first model on both engines, when asked


def evaluate(
    bars: pd.DataFrame,
    entrants: list[Contender],
    config: RunConfig,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    progress: Progress,
    engine: str = "fast",
    parity: bool = False,
) -> Outcome:
    """Backtest every contender on ``[start, end]``; add prediction scores and uncertainty.

    ``engine`` runs the backtests; ``parity`` checks it against backtrader on the first model.
    """
    regression = config.window.label == "regression"
    n_trials = len(entrants)
    entries: dict[str, dict[str, Any]] = {}
    equity: dict[str, pd.Series] = {}
    trades = []
    for c in entrants:
        progress("backtest", {"name": c.name})
        total = _run(bars, c.targets, config, start, end, engine)
        alone = c.kind in ("model", "benchmark")  # per-ticker backtests where they are shown
        tickers: dict[str, dict[str, Any]] = {
            str(t): dict(summarize(_run(bars, c.targets[[t]], config, start, end, engine)))
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
    model = next((c for c in entrants if c.kind == "model"), None)
    checked = None
    if parity and model is not None:
        progress("stage", {"name": f"engine parity ({model.name})"})
        checked = check_parity(
            bars, model.targets, config.backtest, start=start.date(), end=end.date(),
            label=model.name,
        ).as_dict()  # fmt: skip
    return Outcome(entries, equity, pd.concat(trades, ignore_index=True), targets, checked)


def _run(
    bars: pd.DataFrame, targets: pd.DataFrame, config: RunConfig, start: pd.Timestamp,
    end: pd.Timestamp, engine: str,
) -> BacktestResult:  # fmt: skip
    return run_backtest(
        bars, targets, config.backtest, start=start.date(), end=end.date(), engine=engine
    )


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
