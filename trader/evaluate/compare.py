"""Every contender over the same period with the same costs, and how they compare.

The contenders (`trader.signals.lineup`): models (and their extra training seeds), baselines,
buy-and-hold and the rule strategies, as target positions. Each is backtested as one portfolio
over all tickers (cash shared, equal weight); models and buy-and-hold also per ticker alone.
Every contender but the benchmark is a trial on the backtest's dataset (`trader.evaluate.trials`);
the models are then judged (`trader.evaluate.judge`): intervals, the two-part verdict, paired
comparisons with each baseline, the benchmark and each other, and the spread across seeds.
Every backtest runs on one engine (``fast`` by default); ``parity`` also runs the first
model's portfolio on the reference engine and compares the two (`check_parity`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from trader.backtesting import BacktestResult, check_parity, run_backtest
from trader.config import RunConfig
from trader.data import Dataset, TrialRecord, dataset_of
from trader.evaluate.judge import judge
from trader.evaluate.metrics import daily_returns, sharpe, summarize
from trader.evaluate.predictions import prediction_table
from trader.evaluate.trials import (
    TrialCount,
    annual,
    config_hash,
    contender_identity,
    count_trials,
)
from trader.events import Progress
from trader.signals import BUY_AND_HOLD, Contender


@dataclass(frozen=True)
class Outcome:
    entries: dict[str, dict[str, Any]]
    equity: dict[str, pd.Series]
    trades: pd.DataFrame  # all contenders' portfolio round trips, with a ``strategy`` column
    targets: dict[str, pd.DataFrame]
    trials: list[TrialRecord]  # this backtest's trials, to record
    trial_count: TrialCount  # what the DSR counted: recorded trials and this backtest's
    start: pd.Timestamp  # the period backtested
    end: pd.Timestamp
    parity: dict[str, Any] | None = None  # the first model on both engines, when asked


def evaluate(
    bars: pd.DataFrame,
    entrants: list[Contender],
    config: RunConfig,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    past_trials: Sequence[TrialRecord] = (),
    run_id: str = "",
    train_run_id: str | None = None,
    progress: Progress,
    engine: str = "fast",
    parity: bool = False,
) -> Outcome:
    """Backtest every contender on ``[start, end]``; count the trials; judge the models.

    ``past_trials`` are the trials recorded on the same dataset (`trader.data.dataset_of` of
    ``bars``) before; this backtest's trials are returned under ``run_id``, to record.
    ``engine`` runs the backtests; ``parity`` checks it against backtrader on the first model.
    """
    dataset = dataset_of(bars)
    regression = config.window.label == "regression"
    entries: dict[str, dict[str, Any]] = {}
    equity: dict[str, pd.Series] = {}
    predictions: dict[str, pd.DataFrame] = {}
    trades = []
    for c in entrants:
        progress("backtest", {"name": c.name})
        total = _run(bars, c.targets, config, start, end, engine)
        alone = c.kind in ("model", "benchmark")  # per-ticker backtests where they are shown
        columns = list(c.targets.columns) if alone else []
        tickers: dict[str, dict[str, Any]] = {  # one ticker alone is the portfolio itself
            str(t): dict(summarize(total if len(columns) == 1 else _run(
                bars, c.targets[[t]], config, start, end, engine)))
            for t in columns
        }  # fmt: skip
        entry: dict[str, Any] = {"kind": c.kind, "total": summarize(total), "tickers": tickers}
        if c.predictions is not None:
            predictions[c.name] = c.predictions
            table = prediction_table(c.predictions, regression=regression)
            entry["total"].update(table.pop("TOTAL"))
            for ticker, values in table.items():
                if alone or c.kind == "baseline":
                    entry["tickers"].setdefault(ticker, {}).update(values)
        entries[c.name] = entry
        equity[c.name] = total.equity
        trades.append(total.trades.assign(strategy=c.name))
    returns = {name: daily_returns(series) for name, series in equity.items()}
    current = _trials(entries, returns, config, start, end, dataset, run_id, train_run_id)
    counted = count_trials(dataset, past_trials, current)
    judge(entries, returns, predictions, config, counted, BUY_AND_HOLD)
    targets = {c.name: c.targets for c in entrants}
    model = next((c for c in entrants if c.kind == "model"), None)
    checked = None
    if parity and model is not None:
        progress("stage", {"name": f"engine parity ({model.name})"})
        checked = check_parity(
            bars, model.targets, config.backtest, start=start.date(), end=end.date(),
            label=model.name,
        ).as_dict()  # fmt: skip
    return Outcome(
        entries, equity, pd.concat(trades, ignore_index=True), targets, current, counted, start,
        end, checked,
    )  # fmt: skip


def _run(
    bars: pd.DataFrame, targets: pd.DataFrame, config: RunConfig, start: pd.Timestamp,
    end: pd.Timestamp, engine: str,
) -> BacktestResult:  # fmt: skip
    return run_backtest(
        bars, targets, config.backtest, start=start.date(), end=end.date(), engine=engine
    )


def _trials(
    entries: dict[str, dict[str, Any]],
    returns: dict[str, pd.Series],
    config: RunConfig,
    start: pd.Timestamp,
    end: pd.Timestamp,
    dataset: Dataset,
    run_id: str,
    train_run_id: str | None,
) -> list[TrialRecord]:
    """One trial per contender except the benchmark (its excess over itself is nothing)."""
    bench = returns[BUY_AND_HOLD]
    out = []
    for name, entry in entries.items():
        if entry["kind"] == "benchmark":
            continue
        identity = contender_identity(name, entry["kind"], config, start, end)
        both = pd.concat([returns[name], bench], axis=1, join="inner").dropna()
        out.append(
            TrialRecord(
                dataset=dataset,
                config_hash=config_hash(identity),
                name=name,
                kind=entry["kind"],
                run_id=run_id,
                train_run_id=train_run_id,
                test_start=start.date(),
                test_end=end.date(),
                days=len(both),
                sharpe=annual(entry["total"]["sharpe"]),
                excess_sharpe=annual(sharpe(both.iloc[:, 0] - both.iloc[:, 1])),
                config=identity,
            )
        )
    return out
