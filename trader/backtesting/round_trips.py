"""Round trips (flat -> position -> flat) of each ticker, from a backtest's fills.

Part of the execution rules written down in ``docs/backtest.md``; pure pandas, no backtrader.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

TRADE_COLUMNS = (
    "ticker",
    "direction",
    "entry_date",
    "exit_date",
    "size",
    "entry_price",
    "exit_price",
    "pnl",
    "pnl_net",
    "bars_held",
    "open",
)


@dataclass(slots=True)
class _Trip:
    sign: float
    entry_day: np.datetime64
    entry_bar: int
    cash: float = 0.0
    commission: float = 0.0
    peak: float = 0.0
    in_shares: float = 0.0
    in_value: float = 0.0
    out_shares: float = 0.0
    out_value: float = 0.0

    def add(self, size: float, price: float, commission: float) -> None:
        self.cash -= size * price
        self.commission += commission
        if size * self.sign > 0:
            self.in_shares += abs(size)
            self.in_value += abs(size) * price
        else:
            self.out_shares += abs(size)
            self.out_value += abs(size) * price

    def row(
        self, exit_day: np.datetime64, exit_price: float, exit_bar: int, pnl: float, is_open: bool
    ) -> tuple[object, ...]:
        return (
            "long" if self.sign > 0 else "short",
            self.entry_day,
            exit_day,
            self.peak,
            self.in_value / self.in_shares,
            exit_price,
            pnl,
            pnl - self.commission,
            exit_bar - self.entry_bar,
            is_open,
        )


def round_trips(fills: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per round trip (flat -> position -> flat) of each ticker, from the fills.

    ``size`` is the largest absolute position of the trip; ``entry_price`` / ``exit_price`` are
    the size-weighted fill prices of the increasing / reducing fills; ``pnl`` is the gross
    cash result ``-sum(size_i * price_i)`` and ``pnl_net`` subtracts every commission of the trip;
    ``bars_held`` counts the ticker's bars from the entry open to the exit open. A trip still
    open after the last bar has ``open=True``, ``exit_date=NaT``, ``exit_price`` = the last close
    and pnl marked to that close (no exit costs). A fill that crosses zero is split at zero
    (commission pro rata). ``fills`` must be in execution order.
    """
    tickers: list[str] = []
    rows: list[tuple[object, ...]] = []
    for ticker, group in fills.groupby("ticker", sort=True):
        name = str(ticker)
        frame = frames[name]
        days = pd.DatetimeIndex(group["date"]).as_unit("ns")
        bars = frame.index.get_indexer(days).tolist()
        found = _trips(
            group["size"].to_numpy(float).tolist(),
            group["price"].to_numpy(float).tolist(),
            group["commission"].to_numpy(float).tolist(),
            list(days.to_numpy()),
            bars,
            float(frame["close"].iloc[-1]),
            len(frame) - 1,
        )
        tickers += [name] * len(found)
        rows += found
    if not rows:
        return empty_trades()
    out = pd.DataFrame(rows, columns=list(TRADE_COLUMNS[1:]))
    out.insert(0, "ticker", tickers)
    for col in ("entry_date", "exit_date"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    return out.sort_values(["entry_date", "ticker"], kind="stable").reset_index(drop=True)


def _trips(
    sizes: list[float],
    prices: list[float],
    commissions: list[float],
    days: list[np.datetime64],
    bars: list[int],
    last_close: float,
    last_bar: int,
) -> list[tuple[object, ...]]:
    """The round trips of one ticker's fills (plain lists: this loop runs once per fill)."""
    rows: list[tuple[object, ...]] = []
    trip: _Trip | None = None
    pos = 0.0
    for size, price, comm, day, bar in zip(sizes, prices, commissions, days, bars, strict=True):
        parts: tuple[tuple[float, float], ...] = ((size, comm),)
        if pos != 0 and (pos + size) * pos < 0:  # crosses zero: close, then open the rest
            part = -pos / size
            parts = ((-pos, comm * part), (size + pos, comm * (1 - part)))
        for part_size, part_comm in parts:
            if trip is None:
                trip = _Trip(math.copysign(1.0, part_size), day, bar)
            trip.add(part_size, price, part_comm)
            pos += part_size
            if abs(pos) > trip.peak:
                trip.peak = abs(pos)
            if abs(pos) <= 1e-9 * trip.peak:
                rows.append(trip.row(day, trip.out_value / trip.out_shares, bar, trip.cash, False))
                trip, pos = None, 0.0
    if trip is not None:
        rows.append(trip.row(_NAT, last_close, last_bar, trip.cash + pos * last_close, True))
    return rows


_NAT = np.datetime64("NaT", "ns")


def empty_trades() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticker": pd.Series(dtype=object),
            "direction": pd.Series(dtype=object),
            "entry_date": pd.Series(dtype="datetime64[ns]"),
            "exit_date": pd.Series(dtype="datetime64[ns]"),
            **{
                c: pd.Series(dtype=float)
                for c in ("size", "entry_price", "exit_price", "pnl", "pnl_net")
            },
            "bars_held": pd.Series(dtype=int),
            "open": pd.Series(dtype=bool),
        }
    )
