"""The fast engine: the rules of ``docs/backtest.md`` on aligned arrays, in one compiled loop.

It starts from the same door as the backtrader adapter (`rules.checked_inputs`), lays every
ticker's bars and execution schedule on the union of their dates (`Market`), runs
`trader.backtesting.fast_kernel.simulate` and builds the same `BacktestResult` (fills in
execution order, round trips by `round_trips`). Proven equal to the backtrader adapter by
property tests; the pipeline's default engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.backtesting import fast_kernel
from trader.backtesting.result import BacktestResult
from trader.backtesting.round_trips import round_trips
from trader.backtesting.rules import Day, checked_inputs, empty_fills, refused
from trader.config import BacktestConfig


@dataclass(frozen=True)
class Market:
    """Bars of every ticker on the union of their dates: arrays of days x tickers."""

    days: pd.DatetimeIndex
    tickers: list[str]
    opens: np.ndarray  # NaN where a ticker has no bar
    highs: np.ndarray
    lows: np.ndarray
    last_close: np.ndarray  # the close carried forward; 0 before a ticker's first bar
    has_bar: np.ndarray
    rows: dict[str, np.ndarray]  # per ticker, the day index of each of its bars

    @classmethod
    def of(cls, frames: dict[str, pd.DataFrame]) -> Market:
        tickers = list(frames)
        columns = ["open", "high", "low", "close"]
        take = next(iter(frames.values())).columns.get_indexer(
            pd.Index(columns)
        )  # same layout in all
        stacked = np.concatenate([f.to_numpy(dtype=float)[:, take] for f in frames.values()])
        index = np.concatenate([f.index.to_numpy(dtype="datetime64[ns]") for f in frames.values()])
        unique, day = np.unique(index, return_inverse=True)
        lengths = [len(f) for f in frames.values()]
        ticker = np.repeat(np.arange(len(tickers)), lengths)
        shape = (len(unique), len(tickers))
        arrays = []
        for k in range(len(take)):
            arr = np.full(shape, np.nan)
            arr[day, ticker] = stacked[:, k]
            arrays.append(arr)
        last_close = pd.DataFrame(arrays[3]).ffill().fillna(0.0).to_numpy()
        return cls(
            days=pd.DatetimeIndex(unique).as_unit("ns"),
            tickers=tickers,
            opens=arrays[0],
            highs=arrays[1],
            lows=arrays[2],
            last_close=np.ascontiguousarray(last_close),
            has_bar=~np.isnan(arrays[0]),
            rows=dict(zip(tickers, np.split(day, np.cumsum(lengths)[:-1]), strict=True)),
        )

    @property
    def name_order(self) -> np.ndarray:
        """The ticker columns in name order (the order orders are planned in)."""
        return np.array(sorted(range(len(self.tickers)), key=self.tickers.__getitem__), np.int64)

    def lay_out(self, schedule: dict[str, np.ndarray]) -> np.ndarray:
        """Per-bar execution targets as days x tickers (0 where a ticker has no bar)."""
        out = np.zeros(self.opens.shape)
        for i, ticker in enumerate(self.tickers):
            out[self.rows[ticker], i] = schedule[ticker]
        return out


def run_fast(
    bars: pd.DataFrame,
    targets: pd.DataFrame,
    config: BacktestConfig | Mapping[str, Any] | None = None,
    *,
    start: Day = None,
    end: Day = None,
) -> BacktestResult:
    """`trader.backtesting.run_backtest` on the fast engine (same arguments, same result)."""
    checked, frames, schedule = checked_inputs(bars, targets, config, start, end)
    return simulate(Market.of(frames), schedule, checked, frames)


@dataclass(frozen=True)
class Simulated:
    """What the compiled loop returns: the day-by-day valuation and the fills (arrays)."""

    equity: np.ndarray
    cash: np.ndarray
    held: np.ndarray  # days x tickers, shares
    fills: dict[str, np.ndarray]  # ticker (code), day (index), size, price, commission
    capped: int


def run_kernel(market: Market, laid: np.ndarray, changes: int, config: BacktestConfig) -> Simulated:
    """`fast_kernel.simulate` on per-bar execution targets ``laid`` (days x tickers) with at
    most ``changes`` target changes; raises `RefusedOrder` for an order the broker would refuse."""
    n_days, n_tickers = laid.shape
    room = 2 * changes  # a change is at most two orders (a close, then an opening)
    fills = {
        "ticker": np.empty(room, dtype=np.int64),
        "day": np.empty(room, dtype=np.int64),
        "size": np.empty(room),
        "price": np.empty(room),
        "commission": np.empty(room),
    }
    equity, cash, held = np.empty(n_days), np.empty(n_days), np.empty((n_days, n_tickers))
    n_fills, capped, refusal = fast_kernel.simulate(
        market.opens, market.highs, market.lows, market.last_close, market.has_bar, laid,
        market.name_order, config.weight(n_tickers), config.cash, config.commission,
        config.slippage, config.sizing == "integer", equity, cash, held, *fills.values(),
    )  # fmt: skip
    if refusal != fast_kernel.NO_REFUSAL:
        k = refusal
        ticker = market.tickers[int(fills["ticker"][k])]
        raise refused(ticker, market.days[fills["day"][k]], float(fills["size"][k]), "Margin")
    return Simulated(equity, cash, held, {k: v[:n_fills] for k, v in fills.items()}, capped)


def simulate(
    market: Market,
    schedule: dict[str, np.ndarray],
    config: BacktestConfig,
    frames: dict[str, pd.DataFrame],
) -> BacktestResult:
    """Trade a checked ``schedule`` (`rules.checked_inputs`) on ``market``."""
    changes = sum(int(np.count_nonzero(np.diff(s, prepend=0.0))) for s in schedule.values())
    done = run_kernel(market, market.lay_out(schedule), changes, config)
    table = _fills_table(market, done.fills)
    index = market.days.rename("date")
    return BacktestResult(
        equity=pd.Series(done.equity, index=index, name="equity"),
        cash=pd.Series(done.cash, index=index, name="cash"),
        positions=pd.DataFrame(done.held, index=index, columns=market.tickers),
        trades=round_trips(table, frames, pairing=fast_kernel.trips),
        fills=table,
        rejected=0,
        capped=done.capped,
    )


def _fills_table(market: Market, fills: dict[str, np.ndarray]) -> pd.DataFrame:
    if len(fills["size"]) == 0:
        return empty_fills()
    size, price = fills["size"], fills["price"]
    return pd.DataFrame(
        {
            "ticker": np.asarray(market.tickers, dtype=object)[fills["ticker"]],
            "date": market.days[fills["day"]],
            "size": size,
            "price": price,
            "value": np.abs(size) * price,
            "commission": fills["commission"],
        }
    )
