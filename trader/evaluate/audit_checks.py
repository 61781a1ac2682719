"""The pure checks behind `trader audit`: future perturbation and fill timing.

* `perturb_after` replaces every price after a cut date by a different (valid) price path, so
  any result dated at or before the cut that changes must have looked into the future.
* `changed_until` compares two prediction (or target) tables up to the cut.
* `fill_timing_violations` proves from a backtest's fills that nothing decided at the close of
  day t filled before the open of the ticker's next bar, at that bar's open price.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.backtesting import BacktestResult
from trader.config import BacktestConfig

PRICES = ["open", "high", "low", "close"]


@dataclass(frozen=True)
class Check:
    """One audit check: its name, whether it passed, and a readable detail line."""

    name: str
    passed: bool
    detail: str


def perturb_after(bars: pd.DataFrame, cut: pd.Timestamp, seed: int = 7) -> pd.DataFrame:
    """``bars`` with every row dated after ``cut`` replaced by another random-walk path.

    Each ticker continues from its last close at or before the cut with independent daily
    returns (2 % volatility) and valid OHLC (low <= open, close <= high); volume is doubled.
    Rows at or before the cut are untouched.
    """
    rng = np.random.default_rng(seed)
    out = bars.copy()
    dates = pd.to_datetime(out["date"])
    for ticker in out["ticker"].unique():
        mine = out["ticker"] == ticker
        after = (mine & (dates > cut)).to_numpy()
        before = (mine & (dates <= cut)).to_numpy()
        n = int(after.sum())
        if n == 0 or not before.any():
            continue
        last = float(out.loc[before, "close"].iloc[-1])
        close = last * np.exp(np.cumsum(rng.normal(0.0, 0.02, n)))
        opened = np.concatenate([[last], close[:-1]]) * np.exp(rng.normal(0.0, 0.005, n))
        top = np.maximum(opened, close) * (1 + np.abs(rng.normal(0.0, 0.005, n)))
        bottom = np.minimum(opened, close) * (1 - np.abs(rng.normal(0.0, 0.005, n)))
        out.loc[after, PRICES] = np.column_stack([opened, top, bottom, close])
        if "adj_close" in out:
            out.loc[after, "adj_close"] = close
        out.loc[after, "volume"] = out.loc[after, "volume"].to_numpy(float) * 2.0
    return out


def changed_until(
    before: pd.DataFrame, after: pd.DataFrame, cut: pd.Timestamp, keys: list[str], value: str
) -> list[str]:
    """Rows dated at or before ``cut`` whose ``value`` differs (or exists in only one table).

    Returns readable descriptions (empty when identical), e.g. "lstm AAPL 2017-03-01: 0.12 ->
    0.15". Values are compared exactly: training is deterministic.
    """
    a = before[pd.to_datetime(before["date"]) <= cut].set_index(keys)[value]
    b = after[pd.to_datetime(after["date"]) <= cut].set_index(keys)[value]
    joined = pd.concat([a.rename("a"), b.rename("b")], axis=1)
    differs = ~((joined["a"] == joined["b"]) | (joined["a"].isna() & joined["b"].isna()))
    out = []
    for key, row in joined[differs].iterrows():
        label = " ".join(
            str(pd.Timestamp(k).date()) if isinstance(k, pd.Timestamp) else str(k)
            for k in (key if isinstance(key, tuple) else (key,))
        )
        out.append(f"{label}: {row['a']} -> {row['b']}")
    return out


def fill_timing_violations(
    bars: pd.DataFrame,
    targets: pd.DataFrame,
    result: BacktestResult,
    config: BacktestConfig,
) -> list[str]:
    """Fills that break "decided at the close of day t, filled at the open of the next bar".

    For every fill of a ticker on date d: d must be a bar of that ticker; the target decided
    at the ticker's previous bar (strictly before d) must differ from the one decided the bar
    before that (only a new decision trades); and the fill price must be d's open moved by the
    slippage against the trade, clipped to d's [low, high], never another day's price.
    """
    problems: list[str] = []
    index = pd.DatetimeIndex(pd.to_datetime(targets.index)).normalize()
    decided = targets.set_axis(index).astype(float).fillna(0.0)
    frame = bars.assign(date=pd.to_datetime(bars["date"]).dt.normalize())
    for ticker, fills in result.fills.groupby("ticker", sort=False):
        own = frame[frame["ticker"] == ticker].set_index("date").sort_index()
        col = decided[ticker] if ticker in decided else pd.Series(dtype=float)
        for fill in fills.itertuples(index=False):
            problems += _fill_problems(str(ticker), fill, own, col, config)
    return problems


def _fill_problems(
    ticker: str, fill: Any, own: pd.DataFrame, decided: pd.Series, config: BacktestConfig
) -> list[str]:
    day = pd.Timestamp(fill.date).normalize()
    if day not in own.index:
        return [f"{ticker} filled on {day.date()}, not one of its bars"]
    k = own.index.get_loc(day)
    if not isinstance(k, int) or k == 0:
        return [f"{ticker} filled on its first bar {day.date()} (nothing decided)"]
    out = []
    prev = decided.get(own.index[k - 1], 0.0)
    prev2 = decided.get(own.index[k - 2], 0.0) if k >= 2 else 0.0
    if prev == prev2 and k >= 2:
        out.append(
            f"{ticker} filled on {day.date()} without a new decision at the close of "
            f"{own.index[k - 1].date()}"
        )
    bar = own.iloc[k]
    slip = config.slippage if fill.size > 0 else -config.slippage
    expected = min(max(bar["open"] * (1 + slip), bar["low"]), bar["high"])
    if not np.isclose(fill.price, expected, rtol=1e-9, atol=1e-9):
        out.append(
            f"{ticker} filled on {day.date()} at {fill.price:.6f}, not at that day's open "
            f"with slippage ({expected:.6f})"
        )
    return out
