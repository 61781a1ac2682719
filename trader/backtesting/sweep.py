"""Many backtests of the same bars: the bars are checked and laid out once, each run is the
compiled loop alone.

A research sweep (thresholds, models, parameters) trades many target sets on one set of bars.
`run_backtest` checks the bars, lays them out on the union of their dates and builds the fills
and round-trips tables on every call; `Sweep` does the first two once and each `Sweep.run`
only lays out the targets and runs the fast engine's compiled loop
(`trader.backtesting.fast.run_kernel`): the equity and cash curves, the number of fills and of
capped orders, no tables. Its equity is the one `run_backtest` (fast engine, same bars, targets
and config) returns, bit for bit (tests/test_sweep.py); run that for the fills and trades of
the best candidates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.backtesting import fast_kernel
from trader.backtesting.fast import Market, run_kernel
from trader.backtesting.rules import Day, checked_bars, target_outside, target_values
from trader.config import BacktestConfig
from trader.errors import DataError


@dataclass(frozen=True)
class SweepRun:
    """One run of a `Sweep`: what `BacktestResult` holds apart from its tables."""

    equity: pd.Series
    cash: pd.Series
    fills: int
    capped: int


class Sweep:
    """``tickers``' bars in ``[start, end]`` checked and laid out once, for many `run` calls.

    ``bars`` and ``config`` are what `run_backtest` takes; the portfolio is ``tickers`` (every
    run trades all of them, with weight ``1 / len(tickers)`` unless the config caps it).
    """

    def __init__(
        self,
        bars: pd.DataFrame,
        tickers: Sequence[str],
        config: BacktestConfig | Mapping[str, Any] | None = None,
        *,
        start: Day = None,
        end: Day = None,
    ) -> None:
        names = [tickers] if isinstance(tickers, str) else [str(t) for t in tickers]
        self.config, frames = checked_bars(bars, names, config, start, end)
        self.market = Market.of(frames)
        n = len(names)
        rows = [self.market.rows[t] for t in names]
        self._bars = np.concatenate([r * n + i for i, r in enumerate(rows)])  # ticker order
        first = np.zeros(len(self._bars), dtype=bool)
        first[np.cumsum([0, *(len(r) for r in rows[:-1])])] = True
        self._first = first  # each ticker's first bar in `_bars`

    @property
    def days(self) -> pd.DatetimeIndex:
        """The union of the tickers' dates: the rows of `run`'s target arrays and results."""
        return self.market.days

    @property
    def tickers(self) -> list[str]:
        """The portfolio's tickers: the columns of `run`'s target arrays."""
        return list(self.market.tickers)

    def align(self, targets: pd.DataFrame) -> np.ndarray:
        """A date x ticker DataFrame as `run`'s array: read on `days`, 0 (flat) where missing."""
        columns = targets.set_axis([str(t) for t in targets.columns], axis=1)
        missing = [t for t in self.tickers if t not in columns.columns]
        if missing:
            raise DataError(f"targets: no column for ticker(s) {', '.join(missing)}")
        frame = target_values(columns[self.tickers])
        return frame.reindex(self.days).to_numpy(dtype=float, copy=True)  # the caller's to edit

    def run(self, targets: np.ndarray | pd.DataFrame) -> SweepRun:
        """Trade ``targets``: a (days x tickers) array aligned to `days` and `tickers` (or a
        DataFrame, read with `align`), decided at each close, NaN meaning flat, with the
        execution rules of `run_backtest` (a target executes at the ticker's next bar's open).
        Raises `DataError` for a wrong shape or a value outside [-1, 1] on a ticker's bar day.
        """
        values = self.align(targets) if isinstance(targets, pd.DataFrame) else targets
        values = np.ascontiguousarray(values, dtype=float)
        shape = (len(self.days), len(self.tickers))
        if values.shape != shape:
            raise DataError(f"targets: expected an array of shape {shape}, got {values.shape}")
        laid = np.zeros(shape)
        changes, bad = fast_kernel.lay_out(values.ravel(), self._bars, self._first, laid.ravel())
        if bad >= 0:
            day, column = divmod(int(self._bars[bad]), len(self.tickers))
            raise target_outside(self.tickers[column], values[day, column], self.days[day])
        done = run_kernel(self.market, laid, changes, self.config)
        index = self.days.rename("date")
        return SweepRun(
            equity=pd.Series(done.equity, index=index, name="equity"),
            cash=pd.Series(done.cash, index=index, name="cash"),
            fills=len(done.fills["size"]),
            capped=done.capped,
        )
