"""Backtest engines side by side in one run: fast vs backtrader (vs vectorbt when installed).

    .venv/bin/python bench/engines.py            # pip install -e ".[bench]" adds vectorbt

Synthetic daily bars (seeded random walks, the same for every engine) in three shapes:
1 x 2,500, 1 x 25,000 and 100 x 2,500 bars (tickers x days). The signal is 20-day momentum,
long or flat, equal weight, 0.1% commission, 0.05% slippage. Measured, best of 3 after a
warm-up call (numba's one-time compilation is reported apart):

- ``fast``: `trader.run_backtest(engine="fast")` end to end: input checks, the compiled loop,
  the fills and round-trips tables;
- ``sweep``: `trader.backtesting.Sweep.run` on bars checked and laid out once (that preparation
  is timed apart) and targets given as an array: the layout of the targets and the compiled
  loop, no tables; what a sweep over many signals on the same bars pays per backtest (best of
  5; its equity is checked equal to `run_backtest`'s);
- ``backtrader``: `trader.run_backtest(engine="backtrader")`, the reference (one run);
- ``vectorbt``: ``Portfolio.from_orders`` with target-percent sizes at the next open, cash
  shared: the same signals, vectorbt's own rules (not a parity check).

Every shape first checks that the fast engine and backtrader agree (`differences` is empty).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd

from trader.backtesting import Sweep, differences, run_backtest
from trader.config import BacktestConfig

CONFIG = BacktestConfig(cash=100_000.0, commission=0.001, slippage=0.0005)
SHAPES = ((1, 2_500), (1, 25_000), (100, 2_500))


def market(tickers: int, days: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random-walk bars and 20-day momentum targets (1 long, 0 flat)."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("1920-01-01", periods=days)
    frames = []
    for i in range(tickers):
        close = 50.0 * np.exp(np.cumsum(rng.normal(0.0002, 0.02, days)))
        opens = close * np.exp(rng.normal(0.0, 0.005, days))
        frames.append(
            pd.DataFrame(
                {
                    "ticker": f"T{i:03d}",
                    "date": dates,
                    "open": opens,
                    "high": np.maximum(opens, close) * 1.01,
                    "low": np.minimum(opens, close) * 0.99,
                    "close": close,
                    "volume": 1e6,
                }
            )
        )
    bars = pd.concat(frames, ignore_index=True)
    closes = bars.pivot(index="date", columns="ticker", values="close")
    return bars, (closes.pct_change(20) > 0).astype(float)


def best(func: Callable[[], object], repeat: int = 3) -> float:
    func()  # warm-up: compilation and caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def vectorbt_run(bars: pd.DataFrame, targets: pd.DataFrame) -> Callable[[], object] | None:
    try:
        import vectorbt as vbt
    except ImportError:
        return None
    opens = bars.pivot(index="date", columns="ticker", values="open")
    closes = bars.pivot(index="date", columns="ticker", values="close")
    size = targets.shift(1).fillna(0.0) / targets.shape[1]  # decided at t's close, filled at t+1

    def run() -> object:
        return vbt.Portfolio.from_orders(
            close=closes, price=opens, size=size, size_type="targetpercent",
            fees=CONFIG.commission, slippage=CONFIG.slippage, init_cash=CONFIG.cash,
            cash_sharing=True, group_by=True, call_seq="auto", freq="D",
        ).value()  # fmt: skip

    return run


def sweep_run(bars: pd.DataFrame, targets: pd.DataFrame, expected: pd.Series) -> tuple[
    float, Callable[[], object]
]:  # fmt: skip
    """The time to prepare a `Sweep`, and one run of it on the targets as an array."""
    start = time.perf_counter()
    sweep = Sweep(bars, list(targets.columns), CONFIG)
    prepared = time.perf_counter() - start
    grid = sweep.align(targets)
    assert np.array_equal(sweep.run(grid).equity.to_numpy(), expected.to_numpy())
    return prepared, lambda: sweep.run(grid)


def main() -> None:
    start = time.perf_counter()
    bars, targets = market(1, 50)
    run_backtest(bars, targets, CONFIG)
    first = time.perf_counter() - start
    print(f"fast engine first call (numba compile or cache load): {first:.2f}s")
    for tickers, days in SHAPES:
        n_bars = tickers * days
        bars, targets = market(tickers, days)
        t0 = time.perf_counter()
        reference = run_backtest(bars, targets, CONFIG, engine="backtrader")
        t_bt = time.perf_counter() - t0
        result = run_backtest(bars, targets, CONFIG)
        found = differences(result, reference)
        assert not found, f"engines differ: {found[:3]}"
        t_fast = best(lambda b=bars, t=targets: run_backtest(b, t, CONFIG))
        t_prepare, run_sweep = sweep_run(bars, targets, result.equity)
        t_sweep = best(run_sweep, repeat=5)
        vbt = vectorbt_run(bars, targets)
        t_vbt = best(vbt) if vbt is not None else None
        rates = {"fast": n_bars / t_fast, "sweep": n_bars / t_sweep, "backtrader": n_bars / t_bt}
        if t_vbt is not None:
            rates["vectorbt"] = n_bars / t_vbt
        line = ", ".join(f"{k} {v / 1e6:,.3f} M bars/s" for k, v in rates.items())
        print(f"{tickers} x {days:,} bars ({len(result.fills):,} fills, parity ok): {line}")
        print(f"    sweep: prepared once in {t_prepare:.3f}s, then {t_sweep * 1e3:.1f} ms a run")
        ratios = [f"fast/backtrader {rates['fast'] / rates['backtrader']:,.0f}x"]
        if "vectorbt" in rates:
            ratios.append(f"fast/vectorbt {rates['fast'] / rates['vectorbt']:.2f}x")
            ratios.append(f"sweep/vectorbt {rates['sweep'] / rates['vectorbt']:.1f}x")
        print("    " + ", ".join(ratios))


if __name__ == "__main__":
    main()
