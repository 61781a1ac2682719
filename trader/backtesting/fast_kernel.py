"""The fast engine's compiled loop (numba): the only module of trader that imports numba.

`simulate` walks the union of the tickers' dates once and does, day by day, what the
backtrader adapter does with `trader.backtesting.rules.plan_rebalance` and backtrader's broker
(``docs/backtest.md``): requests of the tickers with a bar whose scheduled target changed,
sizing from the previous close's value, the four order groups (long sales, short sales, covers,
long buys) with the cash rule, fills at the open capped at high/low, commission, and valuation
at each close. Parity with the adapter is proven by property tests (tests/test_engine_parity.py).
It also compiles `trader.backtesting.round_trips.trip_table`, the pairing of fills into round
trips, from its one Python source.

Compiled once per machine: ``cache=True`` keeps the machine code in ``$NUMBA_CACHE_DIR``, which
defaults to ``<data dir>/cache/numba`` (set here before numba is first imported).
"""

from __future__ import annotations

import math
import os

from trader import paths

os.environ.setdefault("NUMBA_CACHE_DIR", str(paths.data_dir() / "cache" / "numba"))

import numba
import numpy as np

from trader.backtesting.round_trips import trip_table
from trader.backtesting.rules import DUST, SIZE_HAIRCUT

#: `round_trips.trip_table` compiled: the same code pairs the fast engine's fills into trips.
trips = numba.njit(cache=True)(trip_table)

# What `simulate` reports for an order the broker would refuse (never, when the rules hold).
NO_REFUSAL = -1

_LONG_SALE, _SHORT_SALE, _COVER, _LONG_BUY = 0, 1, 2, 3


@numba.njit(cache=True)
def _round(shares: float, integer: bool) -> float:
    if integer:
        return math.copysign(math.floor(abs(shares)), shares)
    return shares


@numba.njit(cache=True)
def _plan(
    requested: np.ndarray,
    n_requested: int,
    targets: np.ndarray,
    position: np.ndarray,
    opens: np.ndarray,
    weight: float,
    value: float,
    cash: float,
    commission: float,
    slippage: float,
    integer: bool,
    group: np.ndarray,
    ticker: np.ndarray,
    size: np.ndarray,
    out_ticker: np.ndarray,
    out_size: np.ndarray,
) -> tuple[int, int]:
    """`plan_rebalance` for the ``requested`` tickers (in ticker-name order): orders, capped.

    ``group``, ``ticker``, ``size`` are scratch space of 2 x tickers; the orders are written to
    ``out_ticker``/``out_size`` in submission order.
    """
    s, c = slippage, commission
    m = 0
    for k in range(n_requested):
        i = requested[k]
        pos = position[i]
        want = 0.0
        if targets[i] != 0:
            unit = opens[i] * (1.0 + s) * (1.0 + c)
            sized = targets[i] * weight * max(value, 0.0) * (1.0 - SIZE_HAIRCUT) / unit
            want = _round(sized, integer)
        if pos != 0 and (want == 0 or (want > 0) != (pos > 0)):
            group[m], ticker[m], size[m] = (_LONG_SALE if pos > 0 else _COVER), i, -pos
            m += 1
            pos = 0.0
        delta = want - pos
        if delta == 0:
            continue
        if pos != 0 and abs(want) < abs(pos):
            group[m] = _LONG_SALE if pos > 0 else _COVER
        elif delta < 0:
            group[m] = _SHORT_SALE
        else:
            group[m] = _LONG_BUY
        ticker[m], size[m] = i, delta
        m += 1
    n_orders, capped = 0, 0
    for g in range(4):
        for k in range(m):
            if group[k] != g:
                continue
            i, q, price = ticker[k], size[k], opens[ticker[k]]
            if g == _LONG_SALE:
                cash += -q * price * (1.0 - s) * (1.0 - c)
            elif g == _SHORT_SALE:
                proceeds = -q * price * (1.0 - s) * (1.0 - c)
                if cash + proceeds < 0:
                    capped += 1
                    continue
                cash += proceeds
            elif g == _COVER:
                cash -= q * price * (1.0 + s) * (1.0 + c)
            else:
                unit = price * (1.0 + s) * (1.0 + c)
                if q * unit > cash:
                    capped += 1
                    if cash <= DUST * value:
                        continue
                    q = _round(cash * (1.0 - SIZE_HAIRCUT) / unit, integer)
                    if q <= 0:
                        continue
                cash -= q * unit
            out_ticker[n_orders], out_size[n_orders] = i, q
            n_orders += 1
    return n_orders, capped


@numba.njit(cache=True)
def simulate(
    opens: np.ndarray,
    highs: np.ndarray,
    lows: np.ndarray,
    last_close: np.ndarray,
    has_bar: np.ndarray,
    schedule: np.ndarray,
    name_order: np.ndarray,
    weight: float,
    cash0: float,
    commission: float,
    slippage: float,
    integer: bool,
    equity: np.ndarray,
    cash_out: np.ndarray,
    held: np.ndarray,
    fill_ticker: np.ndarray,
    fill_day: np.ndarray,
    fill_size: np.ndarray,
    fill_price: np.ndarray,
    fill_commission: np.ndarray,
) -> tuple[int, int, int]:
    """Trade ``schedule`` (days x tickers, the target to execute at each bar's open).

    Price arrays are days x tickers on the union of dates (``has_bar`` marks real bars;
    ``last_close`` is the close carried forward, 0 before a ticker's first bar);
    ``name_order`` lists the tickers in name order. Writes ``equity``, ``cash_out``, ``held``
    per day and the fills; returns (number of fills, capped openings, index of the first fill
    the broker would refuse or `NO_REFUSAL`).
    """
    n_days, n_tickers = opens.shape
    position = np.zeros(n_tickers)
    current = np.zeros(n_tickers)
    requested = np.empty(n_tickers, dtype=np.int64)
    scratch_group = np.empty(2 * n_tickers, dtype=np.int64)
    scratch_ticker = np.empty(2 * n_tickers, dtype=np.int64)
    scratch_size = np.empty(2 * n_tickers, dtype=np.float64)
    order_ticker = np.empty(2 * n_tickers, dtype=np.int64)
    order_size = np.empty(2 * n_tickers, dtype=np.float64)
    value, cash = cash0, cash0
    n_fills, capped = 0, 0
    for t in range(n_days):
        n_requested = 0
        for j in range(n_tickers):
            i = name_order[j]
            if has_bar[t, i] and schedule[t, i] != current[i]:
                current[i] = schedule[t, i]
                requested[n_requested] = i
                n_requested += 1
        if n_requested > 0:
            n_orders, cut = _plan(
                requested, n_requested, current, position, opens[t], weight, value, cash,
                commission, slippage, integer, scratch_group, scratch_ticker, scratch_size,
                order_ticker, order_size,
            )  # fmt: skip
            capped += cut
            for k in range(n_orders):
                i, q = order_ticker[k], order_size[k]
                o = opens[t, i]
                if q > 0:
                    price = min(o * (1.0 + slippage), highs[t, i])
                else:
                    price = max(o * (1.0 - slippage), lows[t, i])
                fee = abs(q) * commission * price
                opening = position[i] == 0 or (position[i] > 0) == (q > 0)
                cash -= q * price + fee
                position[i] += q
                fill_ticker[n_fills], fill_day[n_fills] = i, t
                fill_size[n_fills], fill_price[n_fills] = q, price
                fill_commission[n_fills] = fee
                n_fills += 1
                if opening and cash < 0.0:  # backtrader would refuse it (a Margin status)
                    return n_fills, capped, n_fills - 1
        value = cash
        for i in range(n_tickers):
            value += position[i] * last_close[t, i]
            held[t, i] = position[i]
        equity[t], cash_out[t] = value, cash
    return n_fills, capped, NO_REFUSAL


@numba.njit(cache=True)
def lay_out(
    decided: np.ndarray, bars: np.ndarray, first: np.ndarray, laid: np.ndarray
) -> tuple[int, int]:
    """Per-bar execution targets from targets decided at each close (`trader.backtesting.sweep`).

    ``decided`` and ``laid`` are days x tickers, flattened; ``bars`` lists the flat position of
    every ticker's bars, ticker by ticker in bar order, ``first`` marks each ticker's first bar.
    Writes ``laid`` (zeros on entry): each bar executes the value decided at the ticker's
    previous bar (NaN as 0; the first bar 0). Returns (the number of changes of the executed
    target along each ticker's bars, the index in ``bars`` of the first value outside [-1, 1]
    or -1), as `trader.backtesting.rules.execution_targets` decides them.
    """
    changes = 0
    before = executed = 0.0
    for j in range(len(bars)):
        value = decided[bars[j]]
        if value != value:  # NaN: flat
            value = 0.0
        if abs(value) > 1.0:
            return changes, j
        current = 0.0 if first[j] else before  # a first bar executes 0: never a change
        if not first[j] and current != executed:
            changes += 1
        laid[bars[j]] = current
        executed, before = current, value
    return changes, -1
