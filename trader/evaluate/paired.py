"""Paired block bootstrap of the difference between two return series over the same days.

Both series are resampled with the *same* blocks of days, so what they share (the market) cancels
and only the difference is judged; blocks keep the serial dependence of daily returns. The
interval and the p-value come from one bootstrap distribution and agree by construction: with
``B`` resamples (999 by default), ``j = ceil(alpha * (B + 1) / 2) - 1`` and ``theta*_(1..B)``
sorted, the ``1 - alpha`` interval is ``[theta*_(j), theta*_(B + 1 - j)]`` and the two-sided
p-value is ``min(1, 2 * (1 + min(#{theta* <= 0}, #{theta* >= 0})) / (B + 1))``; so ``p < alpha``
exactly when the interval lies on one side of zero (Davison & Hinkley 1997, ch. 4).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from trader.evaluate.bootstrap import (
    PERIODS_PER_YEAR,
    bootstrap_distribution,
    row_compounded,
    row_sharpe,
)

PAIRED_RESAMPLES = 999

RowStatistic = Callable[[np.ndarray], np.ndarray]  # one value per row (last axis)


@dataclass(frozen=True)
class Difference:
    """A paired difference ``statistic(a) - statistic(b)``, its interval and two-sided p."""

    estimate: float
    low: float
    high: float
    p_value: float
    level: float
    days: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "difference": self.estimate,
            "ci_low": self.low,
            "ci_high": self.high,
            "p_value": self.p_value,
            "ci_level": self.level,
            "days": self.days,
        }


def _undefined(level: float, days: int) -> Difference:
    return Difference(math.nan, math.nan, math.nan, math.nan, level, days)


def paired_difference(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    statistic: RowStatistic,
    *,
    block: int | None = None,
    n_boot: int = PAIRED_RESAMPLES,
    level: float = 0.95,
    seed: int = 0,
) -> Difference:
    """``statistic(a) - statistic(b)`` with its paired block-bootstrap interval and p-value.

    ``a`` and ``b`` are aligned per period (days where either is not finite are dropped from
    both). ``statistic`` works along the last axis (a series, or a matrix of resamples: see
    `trader.evaluate.bootstrap.row_sharpe`). Resamples whose difference is undefined (e.g. a
    zero deviation) are left out. All NaN when fewer than two days remain or the difference
    itself is undefined.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    x, y = np.asarray(a, dtype=float).reshape(-1), np.asarray(b, dtype=float).reshape(-1)
    if len(x) != len(y):
        raise ValueError(f"paired series differ in length: {len(x)} and {len(y)}")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = len(x)
    estimate = float(statistic(x) - statistic(y)) if n >= 2 else math.nan
    if not math.isfinite(estimate):
        return _undefined(level, n)
    draws = bootstrap_distribution(
        n, lambda rows: statistic(x[rows]) - statistic(y[rows]), block=block, n_boot=n_boot,
        seed=seed, vectorized=True,
    )  # fmt: skip
    draws = np.sort(draws[np.isfinite(draws)])
    m = len(draws)
    if m == 0:
        return _undefined(level, n)
    half = round((1.0 - level) * (m + 1) / 2, 9)  # 1 - 0.95 is 0.05000000000000004 in floats
    j = max(1, math.ceil(half) - 1)
    low, high = float(draws[j - 1]), float(draws[m - j])
    side = min(int((draws <= 0).sum()), int((draws >= 0).sum()))
    p = min(1.0, 2.0 * (1 + side) / (m + 1))
    return Difference(float(estimate), low, high, p, level, n)


def compounded(returns: npt.ArrayLike) -> float:
    """``prod(1 + r) - 1`` of one series."""
    return float(row_compounded(np.asarray(returns, dtype=float).reshape(-1)))


def return_difference(
    a: npt.ArrayLike, b: npt.ArrayLike, *, block: int | None = None, seed: int = 0
) -> Difference:
    """Paired difference of compounded returns ``prod(1 + a) - prod(1 + b)``."""
    return paired_difference(a, b, row_compounded, block=block, seed=seed)


def sharpe_difference(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    periods_per_year: float = PERIODS_PER_YEAR,
    block: int | None = None,
    seed: int = 0,
) -> Difference:
    """Paired difference of annualized Sharpe ratios (NaN where either has no deviation)."""
    scale = math.sqrt(periods_per_year)
    return paired_difference(a, b, lambda r: row_sharpe(r) * scale, block=block, seed=seed)
