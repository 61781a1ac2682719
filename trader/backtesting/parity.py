"""Two engines' results compared number for number (the live check in every demo, and tests).

Numbers agree when they differ by at most ``rel`` (1e-9) of their size, with a floor for the
quantities that can be near zero by cancellation: money (equity, cash, fill values,
commissions, trade pnl) is measured against the starting cash, shares against the largest
position of the run. Dates, tickers, directions, bar counts, ``capped`` and ``rejected`` must
be equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from trader.backtesting.engines import run_backtest
from trader.backtesting.result import BacktestResult
from trader.backtesting.rules import Day
from trader.config import BacktestConfig

REL = 1e-9
_MONEY = ("value", "commission", "pnl", "pnl_net")
_SHARES = ("size",)
_PRICES = ("price", "entry_price", "exit_price")


@dataclass(frozen=True)
class Parity:
    """The fast engine against the reference on one set of targets."""

    label: str
    days: int
    fills: int
    trades: int
    differences: list[str] = field(default_factory=list)

    @property
    def agree(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {
            "engines": ["fast", "backtrader"],
            "portfolio": self.label,
            "agree": self.agree,
            "days": self.days,
            "fills": self.fills,
            "trades": self.trades,
            "tolerance": REL,
            "differences": self.differences[:10],
        }


def check_parity(
    bars: pd.DataFrame,
    targets: pd.DataFrame,
    config: BacktestConfig | Mapping[str, Any] | None = None,
    *,
    start: Day = None,
    end: Day = None,
    label: str = "targets",
) -> Parity:
    """Run ``targets`` on both engines and compare everything they return."""
    fast, reference = (
        run_backtest(bars, targets, config, start=start, end=end, engine=engine)
        for engine in ("fast", "backtrader")
    )
    return Parity(
        label=label,
        days=len(reference.equity),
        fills=len(reference.fills),
        trades=len(reference.trades),
        differences=differences(fast, reference),
    )


def differences(a: BacktestResult, b: BacktestResult, rel: float = REL) -> list[str]:
    """Where ``a`` and ``b`` differ (empty when they agree), one line each."""
    money = max(abs(float(b.equity.iloc[0])), 1.0) if len(b.equity) else 1.0
    shares = float(np.abs(b.positions.to_numpy()).max(initial=1.0))
    found: list[str] = []
    for name in ("rejected", "capped"):
        if getattr(a, name) != getattr(b, name):
            found.append(f"{name}: {getattr(a, name)} != {getattr(b, name)}")
    for name, x, y, floor in (
        ("equity", a.equity, b.equity, money),
        ("cash", a.cash, b.cash, money),
    ):
        found += _series(name, x, y, rel, floor)
    if list(a.positions.columns) != list(b.positions.columns):
        found.append(f"positions: columns {list(a.positions.columns)} != {list(b.positions)}")
    else:
        for col in a.positions.columns:
            found += _series(f"positions {col}", a.positions[col], b.positions[col], rel, shares)
    found += _table("fills", a.fills, b.fills, rel, money, shares)
    found += _table("trades", a.trades, b.trades, rel, money, shares)
    return found


def _series(name: str, x: pd.Series, y: pd.Series, rel: float, floor: float) -> list[str]:
    if not x.index.equals(y.index):
        return [f"{name}: dates differ ({len(x)} vs {len(y)} days)"]
    bad = ~_close(x.to_numpy(float), y.to_numpy(float), rel, floor)
    if not bad.any():
        return []
    k = int(np.argmax(bad))
    return [f"{name} on {pd.Timestamp(x.index[k]).date()}: {x.iloc[k]!r} != {y.iloc[k]!r}"]


def _table(
    name: str, x: pd.DataFrame, y: pd.DataFrame, rel: float, money: float, shares: float
) -> list[str]:
    if len(x) != len(y) or list(x.columns) != list(y.columns):
        return [f"{name}: {len(x)} rows != {len(y)} rows"]
    if not x.dtypes.equals(y.dtypes):
        return [f"{name}: column types {x.dtypes.to_dict()} != {y.dtypes.to_dict()}"]
    found = []
    for col in x.columns:
        floor = money if col in _MONEY else shares if col in _SHARES else 0.0
        if col in _MONEY + _SHARES + _PRICES:
            bad = ~_close(x[col].to_numpy(float), y[col].to_numpy(float), rel, floor)
        else:
            left, right = x[col].reset_index(drop=True), y[col].reset_index(drop=True)
            bad = ~((left == right) | (left.isna() & right.isna())).to_numpy(bool)
        if bad.any():
            k = int(np.argmax(bad))
            found.append(f"{name} row {k} {col}: {x[col].iloc[k]!r} != {y[col].iloc[k]!r}")
    return found


def _close(x: np.ndarray, y: np.ndarray, rel: float, floor: float) -> np.ndarray:
    scale = np.maximum(np.maximum(np.abs(x), np.abs(y)), floor)
    same: np.ndarray = (np.abs(x - y) <= rel * scale) | (np.isnan(x) & np.isnan(y))
    return same
