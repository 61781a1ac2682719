"""Write a strategy of your own and backtest it beside buy-and-hold, with costs.

The strategy below is RSI mean reversion: buy when the 14-day RSI falls below ``entry``
(oversold), sell when it rises above ``exit``. It is an ordinary `trader.Strategy`: a name,
typed parameters (unknown or invalid ones are refused) and one method that turns one ticker's
bars into a target position per day, seeing only data up to that day. Saved as a file in
``strategies/``, it also runs from the command line: ``trader backtest -s rsi_reversion``.

    python examples/custom_strategy.py
    python examples/custom_strategy.py --tickers AAPL,KO,XOM --entry 25 --exit 55
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from pydantic import Field

import trader
from trader.signals import hold_positions


class RsiParams(trader.StrategyParams):
    period: int = Field(14, ge=2, description="days of the RSI")
    entry: float = Field(30.0, gt=0, lt=100, description="buy when the RSI falls below this")
    exit: float = Field(50.0, gt=0, lt=100, description="sell when the RSI rises above this")


class RsiReversion(trader.Strategy):
    """RSI mean reversion: long from RSI < entry until RSI > exit, flat otherwise."""

    name = "rsi_reversion"
    Params = RsiParams

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        p: RsiParams = self.params
        rsi = relative_strength(frame["close"], p.period).to_numpy()
        held = hold_positions(rsi < p.entry, rsi > p.exit)  # NaN RSI: neither
        return pd.Series(held, index=frame.index)


def relative_strength(close: pd.Series, period: int) -> pd.Series:
    """Wilder's RSI of the closes up to each day (NaN until ``period`` changes are known)."""
    change = close.diff()
    gain = change.clip(lower=0.0).ewm(alpha=1.0 / period, min_periods=period).mean()
    loss = (-change.clip(upper=0.0)).ewm(alpha=1.0 / period, min_periods=period).mean()
    return 100.0 - 100.0 / (1.0 + gain / loss.replace(0.0, np.nan))


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickers", default="AAPL,MSFT,JPM", help="comma-separated tickers")
    parser.add_argument("--entry", type=float, default=30.0)
    parser.add_argument("--exit", type=float, default=50.0)
    parser.add_argument("--start", default=None, help="first date, YYYY-MM-DD")
    parser.add_argument("--db", default=None, help="database URL (default: data/trader.db)")
    args = parser.parse_args(argv)
    tickers = [t.strip().upper() for t in args.tickers.split(",")]

    store = trader.Store(args.db)
    trader.ingest_sample(tickers, store)
    bars = store.read_bars(tickers, source="sample", start=args.start)
    costs = trader.BacktestConfig(commission=0.001, slippage=0.0005)
    mine = RsiReversion({"entry": args.entry, "exit": args.exit})
    contenders = {mine.name: mine, "buy_and_hold": trader.load_strategy("buy_and_hold")}
    results = {
        name: trader.summarize(trader.run_backtest(bars, strategy.targets(bars), costs))
        for name, strategy in contenders.items()
    }
    print(f"{mine!r} on {', '.join(tickers)}, equal weight, costs {costs.commission:.2%}")
    print(f"{'':<15}{'return':>9}{'CAGR':>8}{'Sharpe':>8}{'max DD':>8}{'trades':>7}{'win':>7}")
    for name, m in results.items():
        win = f"{m['win_rate']:.1%}" if m["trades"] else "-"  # no closed trade: no win rate
        print(
            f"{name:<15}{m['total_return']:>9.1%}{m['cagr']:>8.1%}{m['sharpe']:>8.2f}"
            f"{m['max_drawdown']:>8.1%}{m['trades']:>7}{win:>7}"
        )
    return results


if __name__ == "__main__":
    main()
