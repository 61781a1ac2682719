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


@dataclass
class _Trip:
    sign: float
    entry_date: pd.Timestamp
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
        self,
        ticker: str,
        exit_date: pd.Timestamp | None,
        exit_price: float,
        exit_bar: int,
        pnl: float,
    ) -> dict[str, object]:
        return {
            "ticker": ticker,
            "direction": "long" if self.sign > 0 else "short",
            "entry_date": self.entry_date,
            "exit_date": pd.NaT if exit_date is None else exit_date,
            "size": self.peak,
            "entry_price": self.in_value / self.in_shares,
            "exit_price": exit_price,
            "pnl": pnl,
            "pnl_net": pnl - self.commission,
            "bars_held": exit_bar - self.entry_bar,
            "open": exit_date is None,
        }


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
    rows: list[dict[str, object]] = []
    for ticker, group in fills.groupby("ticker", sort=True):
        name = str(ticker)
        frame = frames[name]
        bar_no = pd.Series(np.arange(len(frame)), index=frame.index)
        trip: _Trip | None = None
        pos = 0.0
        values = group[["size", "price", "commission"]].to_numpy(float)
        for (size, price, comm), day in zip(values, pd.DatetimeIndex(group["date"]), strict=True):
            if pos != 0 and (pos + size) * pos < 0:  # crosses zero: close, then open the rest
                part = -pos / size
                parts = [(-pos, comm * part), (size + pos, comm * (1 - part))]
            else:
                parts = [(size, comm)]
            for part_size, part_comm in parts:
                if trip is None:
                    trip = _Trip(math.copysign(1.0, part_size), day, int(bar_no[day]))
                trip.add(part_size, price, part_comm)
                pos += part_size
                trip.peak = max(trip.peak, abs(pos))
                if abs(pos) <= 1e-9 * trip.peak:
                    exit_price = trip.out_value / trip.out_shares
                    rows.append(trip.row(name, day, exit_price, int(bar_no[day]), trip.cash))
                    trip, pos = None, 0.0
        if trip is not None:
            last = float(frame["close"].iloc[-1])
            rows.append(trip.row(name, None, last, len(frame) - 1, trip.cash + pos * last))
    if not rows:
        return empty_trades()
    out = pd.DataFrame(rows, columns=list(TRADE_COLUMNS))
    out["exit_date"] = pd.to_datetime(out["exit_date"])
    return out.sort_values(["entry_date", "ticker"], kind="stable").reset_index(drop=True)


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
