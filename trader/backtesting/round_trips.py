"""Round trips (flat -> position -> flat) of each ticker, from a backtest's fills.

Part of the execution rules written down in ``docs/backtest.md``; numpy and pandas, no
backtrader. The pairing loop, `trip_table`, is plain loops over arrays: the backtrader adapter
runs it as Python, the fast engine compiles this same function (`trader.backtesting.fast_kernel`),
so both engines build their round trips with one piece of code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

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
# trip_table's output columns, in order
_TRIP = ("ticker", "sign", "entry", "exit", "size", "entry_price", "exit_price", "pnl", "pnl_net",
         "bars_held")  # fmt: skip


def trip_table(
    ticker: np.ndarray,
    size: np.ndarray,
    price: np.ndarray,
    commission: np.ndarray,
    bar: np.ndarray,
    last_close: np.ndarray,
    last_bar: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray]:
    """Pair fills into round trips; fills sorted by ticker code, in execution order inside.

    ``bar`` is each fill's bar number in its ticker's bars; ``last_close``/``last_bar`` are per
    ticker code. Returns (number of trips, an int64 table of ticker, sign, entry fill, exit fill
    (-1 while open), bars held; a float64 table of size, entry price, exit price, pnl, pnl net),
    trips in the order they close (an open one after its ticker's closed ones). A fill that
    crosses zero is split at zero, its commission pro rata.
    """
    n = len(size)
    ints = np.zeros((2 * n + len(last_close), 5), dtype=np.int64)
    floats = np.zeros((2 * n + len(last_close), 5), dtype=np.float64)
    m = 0
    active = False
    sign = pos = cash = fees = peak = in_shares = in_value = out_shares = out_value = 0.0
    entry = entry_bar = 0
    for i in range(n + 1):
        if active and (i == n or ticker[i] != ticker[i - 1]):  # a trip still open at the end
            k = ticker[i - 1]
            ints[m, 0], ints[m, 1], ints[m, 2], ints[m, 3] = k, int(sign), entry, -1
            ints[m, 4] = last_bar[k] - entry_bar
            pnl = cash + pos * last_close[k]
            floats[m, 0], floats[m, 1], floats[m, 2] = peak, in_value / in_shares, last_close[k]
            floats[m, 3], floats[m, 4] = pnl, pnl - fees
            m += 1
            active = False
        if i == n:
            break
        if i > 0 and ticker[i] != ticker[i - 1]:
            pos = 0.0
        parts = 1
        first, first_fee = size[i], commission[i]
        second = second_fee = 0.0
        if pos != 0 and (pos + size[i]) * pos < 0:  # crosses zero: close, then open the rest
            part = -pos / size[i]
            first, first_fee = -pos, commission[i] * part
            second, second_fee = size[i] + pos, commission[i] * (1 - part)
            parts = 2
        for j in range(parts):
            q, fee = (first, first_fee) if j == 0 else (second, second_fee)
            if not active:
                active, sign, entry, entry_bar = True, math.copysign(1.0, q), i, bar[i]
                cash = fees = peak = in_shares = in_value = out_shares = out_value = 0.0
            cash -= q * price[i]
            fees += fee
            if q * sign > 0:
                in_shares += abs(q)
                in_value += abs(q) * price[i]
            else:
                out_shares += abs(q)
                out_value += abs(q) * price[i]
            pos += q
            if abs(pos) > peak:
                peak = abs(pos)
            if abs(pos) <= 1e-9 * peak:
                ints[m, 0], ints[m, 1], ints[m, 2], ints[m, 3] = ticker[i], int(sign), entry, i
                ints[m, 4] = bar[i] - entry_bar
                floats[m, 0], floats[m, 1] = peak, in_value / in_shares
                floats[m, 2], floats[m, 3], floats[m, 4] = out_value / out_shares, cash, cash - fees
                m += 1
                active, pos = False, 0.0
    return m, ints, floats


TripTable = Callable[..., tuple[int, np.ndarray, np.ndarray]]


def round_trips(
    fills: pd.DataFrame, frames: dict[str, pd.DataFrame], *, pairing: TripTable = trip_table
) -> pd.DataFrame:
    """One row per round trip (flat -> position -> flat) of each ticker, from the fills.

    ``size`` is the largest absolute position of the trip; ``entry_price`` / ``exit_price`` are
    the size-weighted fill prices of the increasing / reducing fills; ``pnl`` is the gross
    cash result ``-sum(size_i * price_i)`` and ``pnl_net`` subtracts every commission of the trip;
    ``bars_held`` counts the ticker's bars from the entry open to the exit open. A trip still
    open after the last bar has ``open=True``, ``exit_date=NaT``, ``exit_price`` = the last close
    and pnl marked to that close (no exit costs). A fill that crosses zero is split at zero
    (commission pro rata). ``fills`` must be in execution order. ``pairing`` is `trip_table`
    or a compiled copy of it.
    """
    if fills.empty:
        return empty_trades()
    names = sorted({str(t) for t in fills["ticker"]})
    code = pd.Categorical(fills["ticker"].astype(str), categories=names).codes.astype(np.int64)
    order = np.argsort(code, kind="stable")  # by ticker, in execution order inside
    code = code[order]
    days = pd.DatetimeIndex(fills["date"]).as_unit("ns")[order]
    bar = np.empty(len(code), dtype=np.int64)
    starts = np.searchsorted(code, np.arange(len(names) + 1))
    for k, name in enumerate(names):
        a, b = starts[k], starts[k + 1]
        bar[a:b] = frames[name].index.get_indexer(days[a:b])
    last_close = np.array([float(frames[t]["close"].iloc[-1]) for t in names])
    last_bar = np.array([len(frames[t]) - 1 for t in names], dtype=np.int64)
    columns: dict[str, Any] = {c: fills[c].to_numpy(float)[order] for c in ("size", "price")}
    m, ints, floats = pairing(
        code, columns["size"], columns["price"], fills["commission"].to_numpy(float)[order],
        bar, last_close, last_bar,
    )  # fmt: skip
    ints, floats = ints[:m], floats[:m]
    exits = ints[:, 3]
    is_open = exits < 0
    day_values = days.to_numpy()
    out = pd.DataFrame(
        {
            "ticker": np.asarray(names)[ints[:, 0]],
            "direction": np.where(ints[:, 1] > 0, "long", "short"),
            "entry_date": days[ints[:, 2]],
            "exit_date": np.where(is_open, np.datetime64("NaT", "ns"), day_values[exits]),
            "size": floats[:, 0],
            "entry_price": floats[:, 1],
            "exit_price": floats[:, 2],
            "pnl": floats[:, 3],
            "pnl_net": floats[:, 4],
            "bars_held": ints[:, 4],
            "open": is_open,
        }
    )
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
