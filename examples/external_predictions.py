"""Backtest predictions made by another tool: a CSV of (date, ticker, score) as signals.

Each row is a prediction decided at that day's close: a score above ``--long`` opens (or keeps)
a long position at the next day's open; with ``--short``, a score below ``-short`` a short.
The predictions are traded on the stored bars with commission and slippage, beside
buy-and-hold, and their direction calls are scored against what happened next (hit rate, AUC,
binomial test against the better of "always up" and "always down").

    python examples/external_predictions.py --predictions my_predictions.csv
    python examples/external_predictions.py   # writes and uses a momentum example file

The file needs ``date``, ``ticker`` and ``score`` columns (``symbol``/``prediction`` also work);
a bad row stops everything with one line naming it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import trader
from trader.evaluate import binomial_test, direction_scores
from trader.research import forward_returns


def example_file(bars: pd.DataFrame, path: Path) -> Path:
    """A predictions CSV like another tool would write: 5-day momentum as the score."""
    rows = []
    for ticker, own in bars.groupby("ticker"):
        close = own.set_index("date")["close"]
        score = np.tanh(close.pct_change(5) * 20.0).dropna()
        rows.append(pd.DataFrame({"date": score.index, "ticker": ticker, "score": score.values}))
    pd.concat(rows).round({"score": 4}).to_csv(path, index=False)
    return path


def realized(bars: pd.DataFrame, predictions: pd.DataFrame) -> pd.Series:
    """The next day's return after each prediction (NaN where it is not known yet)."""
    nxt = []
    for _, own in bars.sort_values("date").groupby("ticker"):
        fwd = forward_returns(own["close"].to_numpy(float), 1)
        nxt.append(pd.DataFrame({"ticker": own["ticker"], "date": own["date"], "fwd": fwd}))
    table = pd.concat(nxt)
    return predictions.merge(table, on=["ticker", "date"], how="left")["fwd"]


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", type=Path, default=None, help="CSV: date,ticker,score")
    parser.add_argument("--long", type=float, default=0.0, help="long above this score")
    parser.add_argument("--short", type=float, default=None, help="short below -SHORT")
    parser.add_argument("--start", default=None, help="first date traded, YYYY-MM-DD")
    parser.add_argument("--db", default=None, help="database URL (default: data/trader.db)")
    args = parser.parse_args(argv)

    store = trader.Store(args.db)
    path = args.predictions
    if path is None:  # no file given: make one from the sample so the example runs anywhere
        trader.ingest_sample(["AAPL", "MSFT", "JPM", "XOM"], store)
        sample = store.read_bars(["AAPL", "MSFT", "JPM", "XOM"], source="sample")
        path = example_file(sample, Path(tempfile.mkdtemp()) / "momentum_predictions.csv")
        print(f"no --predictions given: wrote an example file {path}")
    predictions = trader.read_predictions(path)
    if args.start:
        predictions = predictions[predictions["date"] >= pd.Timestamp(args.start)]
    tickers = sorted(predictions["ticker"].unique())
    bars = store.read_bars(tickers)
    first, last = predictions["date"].min(), predictions["date"].max()

    scores = predictions.pivot(index="date", columns="ticker", values="score")
    rule = {"long_threshold": args.long, "allow_short": args.short is not None}
    if args.short is not None:
        rule["short_threshold"] = args.short
    signals = trader.load_strategy("model_threshold", rule).targets(bars, scores)
    hold = trader.load_strategy("buy_and_hold").targets(bars)
    costs = trader.BacktestConfig(commission=0.001, slippage=0.0005)
    results = {
        name: trader.summarize(trader.run_backtest(bars, targets, costs, start=first, end=last))
        for name, targets in {"predictions": signals, "buy_and_hold": hold}.items()
    }

    fwd = realized(bars, predictions).to_numpy(float)
    calls = direction_scores(predictions["score"].to_numpy(float), fwd)
    known = fwd[~np.isnan(fwd)]
    base = max((known > 0).mean(), (known <= 0).mean())
    hits = round(calls["hit_rate"] * calls["predictions"])
    p_value = binomial_test(hits, int(calls["predictions"]), base)
    print(f"{len(predictions)} predictions for {', '.join(tickers)}, {first.date()}..{last.date()}")
    print(
        f"calls: hit rate {calls['hit_rate']:.1%} vs base {base:.1%} (p={p_value:.2g}), "
        f"AUC {calls['auc']:.3f}, F1 {calls['f1']:.3f}"
    )
    for name, m in results.items():
        print(
            f"{name:<13} return {m['total_return']:>7.1%}  Sharpe {m['sharpe']:>5.2f}  "
            f"max DD {m['max_drawdown']:>6.1%}  trades {m['trades']:>4}"
        )
    return results


if __name__ == "__main__":
    main()
