"""Reconciliation: what happened after each stored signal, and how the live model is doing.

A signal decided at day t's close is judged on the move the model was trained to call: close
t to close t+h (h = the run's ``window.horizon``, in the ticker's own bars), as a call in the
label's own terms (up/down; up/flat/down for multiclass with the run's ``flat_threshold``).
The call is a hit when it matches. Paper trading follows the stored targets with the
backtest's own engine and rules (next-open fills, commission, slippage, the run's sizing), from
the first signal to the day after the last one (when the last target is filled); a day without
a signal is flat, as in a backtest. Live hit rate and live Sharpe are shown beside the run's
out-of-sample backtest figures; a live hit rate (or Sharpe) outside the backtest's interval is
flagged.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from trader.backtesting import run_backtest
from trader.config import parse_config
from trader.data import Store
from trader.errors import DataError
from trader.evaluate import summarize
from trader.operations.registry import ModelInfo
from trader.operations.signal_store import read_signals, save_outcomes
from trader.report import json_safe


def realized_calls(forward: np.ndarray, label: str, flat_threshold: float) -> np.ndarray:
    """The realized move as a call in the label's terms (``up``/``down``, or ``flat``)."""
    fwd = np.asarray(forward, dtype=float)
    if label == "multiclass":
        return np.where(fwd > flat_threshold, "up", np.where(fwd < -flat_threshold, "down", "flat"))
    return np.where(fwd > 0, "up", "down")


def reconcile(store: Store, infos: list[ModelInfo]) -> dict[str, int]:
    """Fill in the outcome of every pending signal whose t+h close is stored; per model, how
    many were reconciled now."""
    by_id = {m.id: m for m in infos}
    pending = read_signals(store, list(by_id), pending=True)
    done: dict[str, int] = {}
    outcomes: list[dict[str, Any]] = []
    for model_id, rows in pending.groupby("model_id"):
        info = by_id[str(model_id)]
        window = parse_config(info.config).window
        tickers = sorted(set(rows["ticker"]))
        bars = store.read_bars(tickers, source=info.source, start=rows["date"].min().date())
        bars = bars.sort_values(["ticker", "date"])
        ahead = bars.groupby("ticker")[["date", "close"]].shift(-window.horizon)
        moves = bars[["ticker", "date", "close"]].assign(
            outcome_date=ahead["date"], forward=ahead["close"] / bars["close"] - 1.0
        )
        mine = rows[["id", "ticker", "date", "call"]]
        known = mine.merge(moves, on=["ticker", "date"]).dropna(subset=["forward"])
        realized = realized_calls(known["forward"].to_numpy(), window.label, window.flat_threshold)
        outcomes += [
            {"signal_id": int(sid), "realized_return": float(fwd), "realized": str(real),
             "hit": bool(real == call), "outcome_date": pd.Timestamp(day).date()}
            for sid, fwd, real, call, day in zip(
                known["id"], known["forward"], realized, known["call"], known["outcome_date"],
                strict=True,
            )
        ]  # fmt: skip
        done[str(model_id)] = len(known)
    save_outcomes(store, outcomes)
    return done


def paper_trading(store: Store, info: ModelInfo, signals: pd.DataFrame) -> dict[str, Any] | None:
    """The stored targets traded with the backtest's rules and costs, from the first signal."""
    if signals.empty:
        return None
    config = parse_config(info.config)
    targets = signals.pivot(index="date", columns="ticker", values="target").fillna(0.0)
    first = targets.index.min().date()
    try:
        bars = store.read_bars(list(targets.columns), source=info.source, start=first)
        after = bars.loc[bars["date"] > targets.index.max(), "date"]
        end = (after.min() if len(after) else targets.index.max()).date()  # the last fill's day
        result = run_backtest(bars, targets, config.backtest, start=first, end=end)
    except DataError:
        return None
    summary = summarize(result)
    days = len(result.equity) - 1
    return {
        "days": days,
        "total_return": summary["total_return"],
        "profit": summary["profit"],
        "sharpe": summary["sharpe"] if days >= 2 else math.nan,
        "trades": summary["trades"],
        "commission_paid": summary["commission_paid"],
    }


def _outside(value: float | None, band: list[Any]) -> bool | None:
    low, high = [*band, None, None][:2]
    if value is None or low is None or high is None or not math.isfinite(value):
        return None
    return bool(value < low or value > high)


def live_stats(
    store: Store, info: ModelInfo, *, active: bool = True, paper: bool = True
) -> dict[str, Any]:
    """Live figures of one model beside its backtest's out-of-sample figures; ``paper``: also
    paper-trade the live period (the backtest engine over every live day and ticker)."""
    signals = read_signals(store, [info.id])
    judged = signals[signals["hit"].notna()]
    hits = int(judged["hit"].astype(bool).sum())
    hit_rate = hits / len(judged) if len(judged) else None
    paper_result = paper_trading(store, info, signals) if paper else None
    latest = None
    if len(judged):
        last = judged[judged["date"] == judged["date"].max()]
        latest = {"date": str(last["date"].iloc[0].date()), "signals": len(last),
                  "hits": int(last["hit"].astype(bool).sum())}  # fmt: skip
    ref = info.reference
    sharpe = None if paper_result is None else paper_result["sharpe"]
    return dict(json_safe({
        "model_id": info.id, "name": info.name, "run_id": info.run_id, "active": active,
        "tickers": len(info.tickers), "signals": len(signals), "reconciled": len(judged),
        "hits": hits, "latest": latest,
        "first_date": None if signals.empty else str(signals["date"].min().date()),
        "last_date": None if signals.empty else str(signals["date"].max().date()),
        "live_hit_rate": hit_rate, "backtest_hit_rate": ref.get("hit_rate"),
        "backtest_hit_rate_ci": ref.get("hit_rate_ci"),
        "hit_rate_outside": _outside(hit_rate, list(ref.get("hit_rate_ci") or [])),
        "live_sharpe": sharpe, "backtest_sharpe": ref.get("sharpe"),
        "backtest_sharpe_ci": ref.get("sharpe_ci"),
        "sharpe_outside": _outside(sharpe, list(ref.get("sharpe_ci") or [])),
        "paper": paper_result,
    }))  # fmt: skip
