"""Execution rules of the backtest as pure functions (no backtrader here).

Every engine starts from `checked_inputs` and follows these rules, written down in
``docs/backtest.md``; the backtrader adapter calls `plan_rebalance` itself, the fast engine
(`trader.backtesting.fast`) reproduces it in compiled code and is proven equal to it:

* a target decided at the close of a ticker's bar k executes at the open of its bar k+1;
* fills: buys at ``min(open * (1 + slippage), high)``, sells at ``max(open * (1 - slippage), low)``;
  commission ``commission * |size| * fill price``;
* sizing: ``target * weight * value / (open * (1 + slippage) * (1 + commission))`` shares with
  ``weight = 1 / number of tickers`` (or the position cap) and ``value`` the portfolio value at
  the previous close;
* a day's sales go before its buys (long sales, short sales, covers, long buys), so covers are
  paid from the day's proceeds; an opening never leaves the expected cash below zero (long buys
  are cut, short sales dropped), closes and covers always execute.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from trader.config import BacktestConfig, Sizing, parse_section
from trader.data import ticker_frames
from trader.errors import DataError

# Every size is shrunk by this relative amount so that a buy sized to the last dollar of cash
# cannot go negative by a rounding error (1e-9 of 100,000 is 0.0001).
SIZE_HAIRCUT = 1e-9
# A long buy cut to the cash left is dropped when that cash is below this share of the
# portfolio value: such dust orders buy nothing and a broker may reject them by rounding.
DUST = 1e-6

FILL_COLUMNS = ("ticker", "date", "size", "price", "value", "commission")


Day: TypeAlias = date | pd.Timestamp | str | None


def checked_inputs(
    bars: pd.DataFrame,
    targets: pd.DataFrame,
    config: BacktestConfig | Mapping[str, Any] | None,
    start: Day = None,
    end: Day = None,
) -> tuple[BacktestConfig, dict[str, pd.DataFrame], dict[str, np.ndarray]]:
    """Every engine's door: the config, each ticker's bars in ``[start, end]`` and its schedule.

    ``config`` may be a `BacktestConfig`, a mapping of its options or None (the defaults);
    ``targets`` a date x ticker DataFrame. Raises `ConfigError`/`DataError` with one line
    naming the option, ticker or day at fault.
    """
    _require_frame(targets, "targets", "a date x ticker DataFrame")
    tickers = [str(t) for t in targets.columns]
    checked, frames = checked_bars(bars, tickers, config, start, end, "targets: ticker columns")
    return checked, frames, execution_targets(targets.set_axis(tickers, axis=1), frames)


def checked_bars(
    bars: pd.DataFrame,
    tickers: Sequence[str],
    config: BacktestConfig | Mapping[str, Any] | None,
    start: Day = None,
    end: Day = None,
    what: str = "tickers",
) -> tuple[BacktestConfig, dict[str, pd.DataFrame]]:
    """The config and each of ``tickers``' bars in ``[start, end]`` (`checked_inputs` without
    targets); ``what`` names the tickers in errors (none, or one twice)."""
    checked = parse_section(BacktestConfig, {} if config is None else config, "backtest")
    _require_frame(bars, "bars", "a DataFrame of tidy bars")
    names = [str(t) for t in tickers]
    if not names:
        raise DataError(f"{what}: none given")
    if len(set(names)) != len(names):
        raise DataError(f"{what}: duplicated in {names}")
    return checked, ticker_frames(bars, names, _day(start), _day(end))


def _require_frame(value: object, what: str, expected: str) -> None:
    """Callers without type checks pass anything: name what arrived instead."""
    if not isinstance(value, pd.DataFrame):
        hint = " (use series.to_frame(ticker))" if isinstance(value, pd.Series) else ""
        raise DataError(f"{what}: expected {expected}, got {type(value).__name__}{hint}")


def _day(value: Day) -> date | None:
    return None if value is None else pd.Timestamp(value).date()


def target_values(targets: pd.DataFrame) -> pd.DataFrame:
    """``targets`` with a normalized date index and float values, NaN as 0 (flat). Raises
    `DataError` for a non-date index, a duplicated date or values that are not numbers."""
    try:
        index = pd.DatetimeIndex(pd.to_datetime(targets.index)).normalize()
    except (TypeError, ValueError) as err:
        raise DataError(f"targets: the index must hold dates ({err})") from None
    if index.has_duplicates:
        raise DataError(f"targets: duplicated date {index[index.duplicated()][0].date()}")
    try:
        return targets.set_axis(index).astype(float).fillna(0.0)
    except (TypeError, ValueError) as err:
        raise DataError(f"targets: values must be numbers in [-1, 1] ({err})") from None


def target_outside(ticker: str, value: float, day: pd.Timestamp) -> DataError:
    """The error for a target outside [-1, 1], naming the ticker, the value and the day."""
    return DataError(f"{ticker}: target {value} on {day.date()} is outside [-1, 1]")


def execution_targets(
    targets: pd.DataFrame, frames: dict[str, pd.DataFrame]
) -> dict[str, np.ndarray]:
    """Per ticker, the target to execute at the open of each of its bars (aligned to ``frames``).

    The target of bar k is the target decided at the close of the ticker's previous bar k-1
    (``targets`` read on that bar's date). NaN or a date missing from ``targets`` means 0
    (flat); targets dated on days the ticker has no bar are ignored; bar 0 always gets 0.
    Raises `DataError` for values outside [-1, 1] or a non-date index.
    """
    values = target_values(targets)
    out: dict[str, np.ndarray] = {}
    for ticker, frame in frames.items():
        decided = values[ticker].reindex(frame.index).fillna(0.0).to_numpy()
        outside = np.abs(decided) > 1.0
        if outside.any():
            day = frame.index[int(np.argmax(outside))]
            raise target_outside(ticker, float(decided[outside][0]), day)
        out[ticker] = np.concatenate([[0.0], decided[:-1]])
    return out


@dataclass(frozen=True)
class Request:
    """A ticker whose target changed at today's open."""

    ticker: str
    target: float
    position: float  # shares held now (negative when short)
    open: float


@dataclass(frozen=True)
class Plan:
    """The orders of one open, in submission order, and how many openings the cash rule cut."""

    orders: list[tuple[str, float]]  # (ticker, signed shares)
    capped: int


class RefusedOrder(RuntimeError):
    """An engine's broker refused an order: the rules of ``docs/backtest.md`` make this a bug."""


def refused(ticker: str, day: pd.Timestamp, size: float, why: str) -> RefusedOrder:
    """The error for a refused order, naming it (ticker, day, side, shares, reason)."""
    side = "buy" if size > 0 else "sell"
    return RefusedOrder(
        f"internal: the broker refused {ticker} {side} of {abs(size):.10g} shares on "
        f"{day.date()} ({why}); the execution rules (docs/backtest.md) should "
        "make every order executable"
    )


def target_shares(
    target: float, weight: float, value: float, price: float, config: BacktestConfig
) -> float:
    """Signed shares for ``target``: ``target * weight * value / unit cost`` (floored for integer).

    The unit cost ``open * (1 + slippage) * (1 + commission)`` is what one share can cost at the
    open, so a long sized from the cash it needs is never rejected. A portfolio value at or
    below zero sizes every position to 0.
    """
    unit = price * (1.0 + config.slippage) * (1.0 + config.commission)
    return _round(target * weight * max(value, 0.0) * (1.0 - SIZE_HAIRCUT) / unit, config.sizing)


def _round(shares: float, sizing: Sizing) -> float:
    if sizing == "integer":
        return float(math.copysign(math.floor(abs(shares)), shares))
    return shares


Order: TypeAlias = tuple[str, float, float]  # ticker, signed shares, open


def _orders(requests: Sequence[Request], weight: float, value: float, config: BacktestConfig) -> (
    tuple[list[Order], list[Order], list[Order], list[Order]]
):  # fmt: skip
    """The requested moves as (long sales, short sales, covers, long buys), ticker order inside."""
    long_sales: list[Order] = []
    short_sales: list[Order] = []
    covers: list[Order] = []
    long_buys: list[Order] = []
    for req in sorted(requests, key=lambda r: r.ticker):
        pos = req.position
        want = (
            0.0 if req.target == 0 else target_shares(req.target, weight, value, req.open, config)
        )
        if pos != 0 and (want == 0 or (want > 0) != (pos > 0)):
            (long_sales if pos > 0 else covers).append((req.ticker, -pos, req.open))
            pos = 0.0
        delta = want - pos
        if delta == 0:
            continue
        if pos != 0 and abs(want) < abs(pos):
            (long_sales if pos > 0 else covers).append((req.ticker, delta, req.open))
        elif delta < 0:
            short_sales.append((req.ticker, delta, req.open))
        else:
            long_buys.append((req.ticker, delta, req.open))
    return long_sales, short_sales, covers, long_buys


def plan_rebalance(
    requests: Sequence[Request],
    *,
    weight: float,
    value: float,
    cash: float,
    config: BacktestConfig,
) -> Plan:
    """The orders that move each requested ticker to its new target at this open.

    A ticker whose new target crosses or reaches zero is first closed completely (one order of
    ``-position``), then opened on the other side; otherwise one order moves it to the new size.
    Sales go before buys, ticker order inside each group: (1) long closes and reductions,
    (2) short openings/increases, (3) short closes and reductions (covers), (4) long
    openings/increases. Cash is estimated from ``cash`` with the worst fill prices
    (``open * (1 -/+ slippage)``, commission included). Closes, reductions and covers always
    execute, even when the cash goes below zero. An opening must leave the estimated cash at or
    above zero: a long buy is cut to what the cash buys (dropped when that is nothing or the cash
    is dust, ``DUST * value``), a short sale that cannot lift the cash to zero is dropped;
    ``capped`` counts both.
    """
    s, c = config.slippage, config.commission
    long_sales, short_sales, covers, long_buys = _orders(requests, weight, value, config)
    orders: list[tuple[str, float]] = []
    capped = 0
    for ticker, size, price in long_sales:
        orders.append((ticker, size))
        cash += -size * price * (1.0 - s) * (1.0 - c)
    for ticker, size, price in short_sales:
        proceeds = -size * price * (1.0 - s) * (1.0 - c)
        if cash + proceeds < 0:  # only after a cover that the cash could not pay
            capped += 1
            continue
        orders.append((ticker, size))
        cash += proceeds
    for ticker, size, price in covers:
        orders.append((ticker, size))
        cash -= size * price * (1.0 + s) * (1.0 + c)
    for ticker, size, price in long_buys:
        unit = price * (1.0 + s) * (1.0 + c)
        if size * unit > cash:
            capped += 1
            if cash <= DUST * value:  # nothing worth buying (and rounding could reject it)
                continue
            size = _round(cash * (1.0 - SIZE_HAIRCUT) / unit, config.sizing)
            if size <= 0:
                continue
        orders.append((ticker, size))
        cash -= size * unit
    return Plan(orders=orders, capped=capped)


def empty_fills() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticker": pd.Series(dtype=object),
            "date": pd.Series(dtype="datetime64[ns]"),
            **{c: pd.Series(dtype=float) for c in ("size", "price", "value", "commission")},
        }
    )
