"""Backtest target positions with backtrader (the only module that imports it).

A target decided at day t's close fills at the open of the ticker's next bar (cheat-on-open),
with commission and slippage, all tickers sharing one broker's cash. The rules are in
``docs/backtest.md``; the pure parts live in `trader.backtesting.rules`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import backtrader as bt
import numpy as np
import pandas as pd

from trader.backtesting.result import BacktestResult
from trader.backtesting.round_trips import round_trips
from trader.backtesting.rules import (
    FILL_COLUMNS,
    Day,
    Request,
    checked_inputs,
    empty_fills,
    plan_rebalance,
    refused,
)
from trader.config import BacktestConfig

_FAILED = {"Margin", "Rejected", "Canceled", "Expired"}


class _Recorder:
    """Plain-Python state and callbacks for `_TargetStrategy` (keeps backtrader's style small)."""

    def __init__(
        self,
        schedule: dict[str, np.ndarray],
        frames: dict[str, pd.DataFrame],
        config: BacktestConfig,
    ) -> None:
        self.schedule = schedule
        self.frames = frames
        self.config = config
        self.weight = config.weight(len(schedule))
        self.seen = dict.fromkeys(schedule, 0)
        self.current = dict.fromkeys(schedule, 0.0)
        self.days: list[pd.Timestamp] = []
        self.values: list[float] = []
        self.cash: list[float] = []
        self.held: list[list[float]] = []
        self.fills: list[dict[str, Any]] = []
        self.failed: list[tuple[str, pd.Timestamp, float, str]] = []
        self.bt_trades: list[tuple[str, float, float]] = []
        self.capped = 0

    def on_open(self, strategy: bt.Strategy) -> None:
        requests: list[Request] = []
        datas: dict[str, Any] = {}
        for data in strategy.datas:
            name, n = data._name, len(data)
            if n == self.seen[name]:
                continue  # no bar for this ticker today
            self.seen[name] = n
            day = pd.Timestamp(data.datetime.date(0))
            if day != self.frames[name].index[n - 1]:
                raise RuntimeError(f"{name}: feed is on {day.date()}, expected bar {n - 1}")
            target = float(self.schedule[name][n - 1])
            if target == self.current[name]:
                continue
            self.current[name] = target
            datas[name] = data
            position = strategy.broker.getposition(data).size
            requests.append(Request(name, target, float(position), float(data.open[0])))
        if not requests:
            return
        plan = plan_rebalance(
            requests,
            weight=self.weight,
            value=strategy.broker.getvalue(),
            cash=strategy.broker.getcash(),
            config=self.config,
        )
        self.capped += plan.capped
        for name, size in plan.orders:
            if size > 0:
                strategy.buy(data=datas[name], size=size)
            else:
                strategy.sell(data=datas[name], size=-size)

    def on_close(self, strategy: bt.Strategy) -> None:
        self.days.append(pd.Timestamp(strategy.datetime.date(0)))
        self.values.append(float(strategy.broker.getvalue()))
        self.cash.append(float(strategy.broker.getcash()))
        self.held.append([float(strategy.broker.getposition(d).size) for d in strategy.datas])

    def on_order(self, order: bt.Order) -> None:
        status = order.getstatusname()
        if status == "Completed":
            size, price = float(order.executed.size), float(order.executed.price)
            self.fills.append(
                {
                    "ticker": order.data._name,
                    "date": pd.Timestamp(bt.num2date(order.executed.dt).date()),
                    "size": size,
                    "price": price,
                    "value": abs(size) * price,
                    "commission": float(order.executed.comm),
                }
            )
        elif status in _FAILED:
            day = pd.Timestamp(order.data.datetime.date(0))
            self.failed.append((order.data._name, day, float(order.created.size), status))
        elif status == "Partial":  # impossible without a volume filler; never ignore it
            raise RuntimeError(f"internal: partial fill of {order.data._name}")

    def on_trade(self, trade: bt.Trade) -> None:
        if trade.isclosed:
            self.bt_trades.append((trade.data._name, float(trade.pnl), float(trade.pnlcomm)))


class _TargetStrategy(bt.Strategy):
    params = (("recorder", None),)

    def next_open(self) -> None:
        self.p.recorder.on_open(self)

    def next(self) -> None:
        self.p.recorder.on_close(self)

    # tickers may start on different days: act and record before all feeds have a bar too
    prenext_open = nextstart_open = next_open
    prenext = nextstart = next

    def notify_order(self, order: bt.Order) -> None:
        self.p.recorder.on_order(order)

    def notify_trade(self, trade: bt.Trade) -> None:
        self.p.recorder.on_trade(trade)


def run_backtrader(
    bars: pd.DataFrame,
    targets: pd.DataFrame,
    config: BacktestConfig | Mapping[str, Any] | None = None,
    *,
    start: Day = None,
    end: Day = None,
) -> BacktestResult:
    """`trader.backtesting.run_backtest` on backtrader, the reference engine (same arguments).

    Raises `RefusedOrder` if backtrader refuses an order, which the rules make impossible.
    """
    config, frames, schedule = checked_inputs(bars, targets, config, start, end)
    recorder = _Recorder(schedule, frames, config)

    cerebro = bt.Cerebro(cheat_on_open=True, stdstats=False, preload=True, runonce=True)
    for ticker, frame in frames.items():
        cerebro.adddata(bt.feeds.PandasData(dataname=frame, openinterest=None), name=ticker)
    broker = cerebro.broker
    broker.setcash(config.cash)
    # No submit-time cash check: it refuses a cover (and every later order of the day) while
    # its running cash is negative. Execution still refuses an opening that leaves the cash
    # below zero; `plan_rebalance` never sends one, and closes and covers always execute.
    broker.set_checksubmit(False)
    broker.set_coo(True)
    broker.set_shortcash(True)
    broker.setcommission(commission=config.commission, stocklike=True, percabs=True)
    broker.set_slippage_perc(
        config.slippage, slip_open=True, slip_match=True, slip_limit=True, slip_out=False
    )
    cerebro.addstrategy(_TargetStrategy, recorder=recorder)
    cerebro.run()
    if recorder.failed:
        raise refused(*recorder.failed[0])

    index = pd.DatetimeIndex(recorder.days, name="date").as_unit("ns")
    fills = empty_fills()
    if recorder.fills:
        fills = pd.DataFrame(recorder.fills, columns=list(FILL_COLUMNS))
        fills["date"] = fills["date"].astype("datetime64[ns]")
    trades = round_trips(fills, frames)
    _check_trades(trades, recorder.bt_trades)
    return BacktestResult(
        equity=pd.Series(recorder.values, index=index, name="equity"),
        cash=pd.Series(recorder.cash, index=index, name="cash"),
        positions=pd.DataFrame(recorder.held, index=index, columns=list(frames)),
        trades=trades,
        fills=fills,
        rejected=0,
        capped=recorder.capped,
    )


def _check_trades(trades: pd.DataFrame, bt_trades: list[tuple[str, float, float]]) -> None:
    """Our round trips must be backtrader's closed trades (count and net pnl)."""
    closed = trades[~trades["open"]]
    ours = closed["pnl_net"].sum() if len(closed) else 0.0
    theirs = sum(t[2] for t in bt_trades)
    if len(closed) != len(bt_trades) or not math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-6):
        raise RuntimeError(
            f"internal: {len(closed)} round trips (net {ours:.6f}) but backtrader closed "
            f"{len(bt_trades)} trades (net {theirs:.6f})"
        )
