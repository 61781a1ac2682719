"""Equity of an experiment's best configurations against buy-and-hold, traded again from the
stored out-of-sample predictions of their first seed (the fast engine makes this cheap)."""

from __future__ import annotations

import pandas as pd

from trader import pipeline
from trader.backtesting import run_backtest
from trader.config import parse_config
from trader.data import Store, get_run, run_predictions
from trader.signals import buy_and_hold_targets, load, score_frame

BENCHMARK = "buy_and_hold"


def best_equity(store: Store, runs: dict[str, str]) -> dict[str, pd.Series]:
    """Portfolio value of each labelled run's model (``label -> train run id``) over its own
    out-of-sample period, with the run's signal settings and costs, and buy-and-hold's over
    the first run's period."""
    out: dict[str, pd.Series] = {}
    for label, run_id in runs.items():
        config = parse_config(get_run(store, run_id).config, origin=f"run {run_id}")
        model = config.models[0].name
        rows = run_predictions(store, run_id)
        rows = rows[rows["model"] == model]
        if rows.empty:
            continue
        bars = pipeline.load_bars(store, config)
        scores = score_frame(
            rows["ticker"].to_numpy(), rows["date"].to_numpy(), rows["score"].to_numpy(float)
        )
        targets = load("model_threshold", config.signal.model_dump()).targets(bars, scores)
        start, end = pd.Timestamp(rows["date"].min()), pd.Timestamp(rows["date"].max())
        out[label] = run_backtest(bars, targets, config.backtest, start=start, end=end).equity
        if BENCHMARK not in out:
            hold = buy_and_hold_targets(bars, start.date(), end.date())
            out[BENCHMARK] = run_backtest(bars, hold, config.backtest, start=start, end=end).equity
    return out
