"""Built-in strategies: known answers on handcrafted closes (targets, backtest trades), causality.

Day numbers are 0-based bar indices into DATES. A target decided at day t's close fills at day
t+1's open, so a change of target on day t gives a trade dated t+1. Bars have
``open = close + 0.25`` so that an entry price tells the fill day.
"""

from __future__ import annotations

import inspect
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from trader.backtesting import run_backtest
from trader.config import BacktestConfig
from trader.errors import ConfigError
from trader.signals.loader import available, load
from trader.signals.strategy import Strategy

DATES = pd.bdate_range("2024-01-01", periods=80)
FREE = BacktestConfig(cash=10_000.0, commission=0.0, slippage=0.0)
BUILT_INS = {
    "buy_and_hold",
    "ma_cross",
    "granville",
    "bnf_deviation",
    "rci",
    "n_day_decline",
    "model_threshold",
}


@pytest.fixture(autouse=True)
def _built_in_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADER_STRATEGIES_DIR", raising=False)


def bars_from(closes: list[float], ticker: str = "AAA") -> pd.DataFrame:
    close = np.asarray(closes, dtype=float)
    opens = close + 0.25
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": DATES[: len(close)],
            "open": opens,
            "high": np.maximum(opens, close) + 1.0,
            "low": np.minimum(opens, close) - 1.0,
            "close": close,
            "volume": 1_000.0,
        }
    )


def changes(target: pd.Series) -> list[tuple[int, float]]:
    """(day, new value) for every day the target differs from the day before (0 before day 0)."""
    values = target.to_numpy()
    previous = np.concatenate([[0.0], values[:-1]])
    return [(int(k), float(values[k])) for k in np.flatnonzero(values != previous)]


Trip = tuple[str, int, int | None, int]


def trips(
    strategy: Strategy, closes: list[float], scores: pd.DataFrame | None = None
) -> list[Trip]:
    """Backtest the strategy's targets with no costs: (direction, entry day, exit day, bars)."""
    bars = bars_from(closes)
    result = run_backtest(bars, strategy.targets(bars, scores), FREE)
    assert result.rejected == 0
    out: list[Trip] = []
    opens = bars["open"].to_numpy()
    for row in result.trades.itertuples():
        entry = DATES.get_loc(row.entry_date)
        exit_ = None if row.open else DATES.get_loc(row.exit_date)
        assert row.entry_price == pytest.approx(opens[entry], rel=1e-12)
        if exit_ is not None:
            assert row.exit_price == pytest.approx(opens[exit_], rel=1e-12)
        out.append((row.direction, entry, exit_, int(row.bars_held)))
    return out


def one(strategy: Strategy, closes: list[float], scores: pd.DataFrame | None = None) -> pd.Series:
    target = strategy.targets(bars_from(closes), scores)
    assert list(target.columns) == ["AAA"] and list(target.index) == list(DATES[: len(closes)])
    return target["AAA"]


def module_of(strategy: Strategy) -> ModuleType:
    module = inspect.getmodule(type(strategy))
    assert module is not None
    return module


def test_all_built_ins_are_found() -> None:
    assert set(available()) >= BUILT_INS


# ------------------------------------------------------------------------------ buy and hold


def test_buy_and_hold() -> None:
    closes = [10.0, 11.0, 12.0, 11.0, 13.0]
    strategy = load("buy_and_hold")
    assert changes(one(strategy, closes)) == [(0, 1.0)]
    assert trips(strategy, closes) == [("long", 1, None, 3)]


# ------------------------------------------------------------------------------ ma cross

# SMA2 vs SMA4: equal on day 3; fast above on days 4-7 and 12-13, below on days 8-11.
MA_CLOSES = [10.0, 10, 10, 10, 11, 12, 13, 12, 11, 10, 9, 10, 11, 12]


def test_ma_cross_long_flat() -> None:
    strategy = load("ma_cross", {"fast": 2, "slow": 4})
    assert changes(one(strategy, MA_CLOSES)) == [(4, 1.0), (8, 0.0), (12, 1.0)]
    assert trips(strategy, MA_CLOSES) == [("long", 5, 9, 4), ("long", 13, None, 0)]


def test_ma_cross_long_short() -> None:
    strategy = load("ma_cross", {"fast": 2, "slow": 4, "allow_short": True})
    assert changes(one(strategy, MA_CLOSES)) == [(4, 1.0), (8, -1.0), (12, 1.0)]
    assert trips(strategy, MA_CLOSES) == [
        ("long", 5, 9, 4),
        ("short", 9, 13, 4),
        ("long", 13, None, 0),
    ]


def test_ma_cross_params_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"fast \(30\) must be shorter than slow \(20\)"):
        load("ma_cross", {"fast": 30, "slow": 20})


# ------------------------------------------------------------------------------ n-day decline

# Down runs: days 2-5 (entry on day 4, the third), an unchanged close on day 11 breaks a run,
# days 12-14 (entry on day 14). Each held 5 days.
DECLINE_CLOSES = [10, 11, 10.5, 10, 9.5, 9, 9.5, 10, 10.5, 11, 10.75, 10.75, 10.5, 10.25, 10]
DECLINE_CLOSES += [10.25, 10.5, 10.75, 11, 11.25, 11.5]


def test_n_day_decline_defaults() -> None:
    strategy = load("n_day_decline")
    assert (strategy.params.n, strategy.params.hold) == (3, 5)
    assert changes(one(strategy, DECLINE_CLOSES)) == [(4, 1.0), (9, 0.0), (14, 1.0), (19, 0.0)]
    assert trips(strategy, DECLINE_CLOSES) == [("long", 5, 10, 5), ("long", 15, 20, 5)]


def test_n_day_decline_reenters_the_day_after_an_exit() -> None:
    closes = [10.0, 9, 8, 7, 6, 5, 4]  # down every day
    strategy = load("n_day_decline", {"n": 2, "hold": 2})
    # entry day 2, exit day 4 (held 2), entry day 5 (two down days again), still held
    assert changes(one(strategy, closes)) == [(2, 1.0), (4, 0.0), (5, 1.0)]


# ------------------------------------------------------------------------------ BNF deviation

# MA5. Day 5: 85 vs MA 97 = -12.4 % (entry); day 7: 96 >= MA 94.2 (reversion exit). Day 13:
# -12.4 % (entry), never back to the MA, exit on day 17 by max_hold 4. Day 18: -8.1 % (no
# entry); day 19: 60 vs 72.2 = -16.9 % (entry, still held at the end).
BNF_CLOSES = [100.0] * 5 + [85, 90, 96, 100, 100, 100, 100, 100, 85, 80, 78, 77, 76, 70, 60, 61]


def test_bnf_deviation() -> None:
    strategy = load("bnf_deviation", {"ma": 5, "entry_pct": 10, "max_hold": 4})
    assert changes(one(strategy, BNF_CLOSES)) == [
        (5, 1.0),
        (7, 0.0),
        (13, 1.0),
        (17, 0.0),
        (19, 1.0),
    ]
    assert trips(strategy, BNF_CLOSES) == [
        ("long", 6, 8, 2),
        ("long", 14, 18, 4),
        ("long", 20, None, 0),
    ]


def test_bnf_deviation_defaults_and_no_time_limit() -> None:
    strategy = load("bnf_deviation")
    assert (strategy.params.ma, strategy.params.entry_pct) == (25, 10.0)
    no_limit = load("bnf_deviation", {"ma": 5, "max_hold": None})
    # without max_hold the second trade waits for a reversion that never comes
    assert changes(one(no_limit, BNF_CLOSES)) == [(5, 1.0), (7, 0.0), (13, 1.0)]


# ------------------------------------------------------------------------------ RCI


def rci_by_hand(window: list[float]) -> float:
    """The textbook RCI of one window (oldest first), ranks by counting, ties averaged."""
    n = len(window)
    total = 0.0
    for i, price in enumerate(window):
        date_rank = n - i
        higher = sum(1 for other in window if other > price)
        same = sum(1 for other in window if other == price)
        price_rank = higher + (same + 1) / 2
        total += (date_rank - price_rank) ** 2
    return (1 - 6 * total / (n * (n * n - 1))) * 100


def test_rci_values() -> None:
    rci = module_of(load("rci")).rci
    assert rci_by_hand([3, 1, 2]) == pytest.approx(-50.0)
    assert rci_by_hand([9, 9.5, 9.2, 9, 9.3]) == pytest.approx(17.5)  # a tie: ranks 4.5, 4.5
    closes = pd.Series([3.0, 1, 2, 4, 5, 6, 6, 2])
    got = rci(closes, 3)
    assert got.iloc[:2].isna().all()
    assert got.iloc[2:].tolist() == pytest.approx([-50.0, 100.0, 100.0, 100.0, 87.5, -62.5])
    rng = np.random.default_rng(3)
    walk = pd.Series(np.round(100 + rng.normal(0, 1, 120).cumsum(), 0))  # rounding makes ties
    for n in (9, 26, 52):
        expected = [rci_by_hand(walk.iloc[t - n + 1 : t + 1].tolist()) for t in range(n - 1, 120)]
        assert rci(walk, n).iloc[n - 1 :].tolist() == pytest.approx(expected, abs=1e-9)


# RCI 3/4/5 days. Day 5: short RCI -100 -> -50 (crosses -80 up), mid -80, long -90: entry.
# Day 8: short +100 -> +50 (crosses +80 down): exit. Day 11: the same entry again; day 15
# exit. Day 21: short -100 -> +50 with mid -40 but long +17.5 (a tie in its window): no entry.
RCI_CLOSES = [10.0, 9, 8, 7, 6, 6.5, 7, 8, 7.5, 7, 6.5, 6.8, 7.2, 7.6, 8, 7.9]
RCI_CLOSES += [8.5, 9, 9.5, 9.2, 9, 9.3]
RCI_SMALL = {"short": 3, "mid": 4, "long": 5}


def test_rci_three_lines() -> None:
    strategy = load("rci", RCI_SMALL)
    values = module_of(strategy).rci(pd.Series(RCI_CLOSES), 5)
    assert values.iloc[21] == pytest.approx(17.5)
    assert changes(one(strategy, RCI_CLOSES)) == [(5, 1.0), (8, 0.0), (11, 1.0), (15, 0.0)]
    assert trips(strategy, RCI_CLOSES) == [("long", 6, 9, 3), ("long", 12, 16, 4)]


def test_rci_filters_are_switchable() -> None:
    free = load("rci", {**RCI_SMALL, "long_max": None})
    assert changes(one(free, RCI_CLOSES))[-1] == (21, 1.0)  # the long-line filter blocked it
    limited = load("rci", {**RCI_SMALL, "max_hold": 2})
    assert changes(one(limited, RCI_CLOSES)) == [(5, 1.0), (7, 0.0), (11, 1.0), (13, 0.0)]
    defaults = load("rci").params
    assert (defaults.short, defaults.mid, defaults.long) == (9, 26, 52)
    assert (defaults.oversold, defaults.overbought) == (-80.0, 80.0)
    with pytest.raises(ConfigError, match="need short < mid < long"):
        load("rci", {"short": 30})


# ------------------------------------------------------------------------------ Granville

RULES = ["buy1", "buy2", "buy3", "buy4", "sell1", "sell2", "sell3", "sell4"]
SMALL_MA = {"ma": 3, "slope_days": 1}
# One short series per rule (MA3, slope over 1 day) and the only day it fires.
RULE_CASES = {
    "buy1": ([10.0, 9, 8, 8, 8, 9], 5),  # MA falling, then rising; close crosses above
    "buy2": ([8.0, 9, 10, 11, 10.25], 4),  # close dips below a rising MA
    "buy3": ([10.0, 11, 12, 13, 12.6, 13.2], 5),  # pullback to 0.5 % above the MA, turns up
    "buy4": ([10.0, 10, 10, 8.5], 3),  # 10.5 % below a falling MA
    "sell1": ([8.0, 9, 10, 10, 10, 9], 5),
    "sell2": ([12.0, 11, 10, 9, 9.8], 4),
    "sell3": ([13.0, 12, 11, 10, 10.4, 9.8], 5),
    "sell4": ([10.0, 10, 10, 12], 3),  # 12.5 % above a rising MA
}


@pytest.mark.parametrize("rule", RULES)
def test_granville_each_rule(rule: str) -> None:
    closes, day = RULE_CASES[rule]
    only = {r: r == rule for r in RULES}
    strategy = load("granville", {**SMALL_MA, **only})
    buy, sell = module_of(strategy).granville_signals(pd.Series(closes), strategy.params)
    fired = buy if rule.startswith("buy") else sell
    assert np.flatnonzero(fired).tolist() == [day]
    assert not (sell if rule.startswith("buy") else buy).any()
    # as the only rule of a long/short strategy, it sets the position on that day
    flip = load("granville", {**SMALL_MA, **only, "allow_short": True})
    assert changes(one(flip, closes)) == [(day, 1.0 if rule.startswith("buy") else -1.0)]
    off = load("granville", {**SMALL_MA, **dict.fromkeys(RULES, False), "allow_short": True})
    assert changes(one(off, closes)) == []


def test_granville_conflicting_signals_do_nothing() -> None:
    closes = RULE_CASES["buy4"][0]  # day 3 is also a cross below a falling MA (sell 1)
    both = load("granville", {**SMALL_MA, "allow_short": True})
    assert changes(one(both, closes)) == []
    assert changes(one(load("granville", {**SMALL_MA, "sell1": False}), closes)) == [(3, 1.0)]


# MA3, slope over 1 day, far 15 %: buy 1 on day 5 and day 15 (MA exactly flat that day), sell 1
# on day 11 and day 16; no other rule fires.
GRANVILLE_CLOSES = [10.0, 9, 8, 8, 8, 9, 10, 11, 11.5, 11.5, 11.5, 11, 10.5, 10, 10, 10.5, 9, 8]


def test_granville_long_only() -> None:
    strategy = load("granville", {**SMALL_MA, "far_pct": 15})
    assert changes(one(strategy, GRANVILLE_CLOSES)) == [(5, 1.0), (11, 0.0), (15, 1.0), (16, 0.0)]
    assert trips(strategy, GRANVILLE_CLOSES) == [("long", 6, 12, 6), ("long", 16, 17, 1)]


def test_granville_long_short() -> None:
    strategy = load("granville", {**SMALL_MA, "far_pct": 15, "allow_short": True})
    assert changes(one(strategy, GRANVILLE_CLOSES)) == [
        (5, 1.0),
        (11, -1.0),
        (15, 1.0),
        (16, -1.0),
    ]
    assert trips(strategy, GRANVILLE_CLOSES) == [
        ("long", 6, 12, 6),
        ("short", 12, 16, 4),
        ("long", 16, 17, 1),
        ("short", 17, None, 0),
    ]


def test_granville_defaults() -> None:
    params = load("granville").params
    assert (params.ma, params.slope_days, params.allow_short) == (25, 5, False)
    assert all(getattr(params, rule) for rule in RULES)


# ------------------------------------------------------------------------------ model threshold

SCORES = [0.5, 0.3, -0.5, 0.1, 0.0, -0.3, -0.4, 0.25, np.nan, 0.5, 0.5]
SCORE_CLOSES = [10.0 + k for k in range(len(SCORES))]


def score_frame(values: list[float], ticker: str = "AAA") -> pd.DataFrame:
    return pd.DataFrame({ticker: values}, index=DATES[: len(values)])


def test_model_threshold_long_short_with_min_hold() -> None:
    params = {"long_threshold": 0.2, "short_threshold": 0.2, "allow_short": True}
    raw = load("model_threshold", params)
    got = one(raw, SCORE_CLOSES, score_frame(SCORES))
    assert got.tolist() == [1, 1, -1, 0, 0, -1, -1, 1, 0, 1, 1]
    held = load("model_threshold", {**params, "min_hold": 3})
    got = one(held, SCORE_CLOSES, score_frame(SCORES))
    # day 2's flip comes too early (age 2 < 3); so does day 7's; the NaN of day 8 exits
    assert got.tolist() == [1, 1, 1, 0, 0, -1, -1, -1, 0, 1, 1]
    assert trips(held, SCORE_CLOSES, score_frame(SCORES)) == [
        ("long", 1, 4, 3),
        ("short", 6, 9, 3),
        ("long", 10, None, 0),
    ]


def test_model_threshold_long_flat_defaults() -> None:
    strategy = load("model_threshold")
    got = one(strategy, SCORE_CLOSES, score_frame(SCORES))
    assert got.tolist() == [1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 1]
    # a ticker without scores stays flat; a score on a day without a bar is ignored
    other = one(strategy, SCORE_CLOSES, score_frame(SCORES, ticker="BBB"))
    assert (other == 0).all()
    with pytest.raises(ConfigError, match="needs model scores"):
        strategy.targets(bars_from(SCORE_CLOSES))


# ------------------------------------------------------------------------------ all built-ins


def random_walk_bars(days: int = 320, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for k, ticker in enumerate(["AAA", "BBB"]):
        close = 50.0 * np.exp(np.cumsum(rng.normal(0.0, 0.025, days)))
        opens = close * np.exp(rng.normal(0.0, 0.005, days))
        start = 20 * k  # BBB starts later
        frames.append(
            pd.DataFrame(
                {
                    "ticker": ticker,
                    "date": pd.bdate_range("2020-01-01", periods=days + start)[start:],
                    "open": opens,
                    "high": np.maximum(opens, close) * 1.01,
                    "low": np.minimum(opens, close) * 0.99,
                    "close": close,
                    "volume": 1e6,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_targets_are_causal(name: str) -> None:
    bars = random_walk_bars()
    dates = pd.DatetimeIndex(sorted(bars["date"].unique()))
    rng = np.random.default_rng(11)
    scores = pd.DataFrame(rng.uniform(-1, 1, (len(dates), 2)), index=dates, columns=["AAA", "BBB"])
    strategy = load(name)
    full = strategy.targets(bars, scores)
    assert list(full.columns) == ["AAA", "BBB"] and full.index.equals(dates)
    assert full.abs().le(1).all().all() and np.isfinite(full.to_numpy()).all()
    assert (full.diff().abs() > 0).to_numpy().any() or name == "buy_and_hold"
    for cut in dates[[40, 90, 150, 230, len(dates) - 2]]:
        part = strategy.targets(bars[bars["date"] <= cut], scores.loc[:cut])
        pd.testing.assert_frame_equal(part, full.loc[:cut])


@pytest.mark.parametrize("name", sorted(BUILT_INS))
def test_built_ins_backtest_on_random_walk(name: str) -> None:
    bars = random_walk_bars(days=200)
    dates = pd.DatetimeIndex(sorted(bars["date"].unique()))
    scores = pd.DataFrame(np.sin(np.arange(len(dates)))[:, None], index=dates, columns=["AAA"])
    result = run_backtest(bars, load(name).targets(bars, scores), FREE)
    assert result.rejected == 0
