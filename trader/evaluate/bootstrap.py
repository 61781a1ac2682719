"""Block-bootstrap confidence intervals (circular moving blocks, Politis & Romano 1992).

Blocks keep short-range dependence (volatility clusters, overlapping forward returns) inside
each resample. Written here by hand: `scipy.stats.bootstrap` resamples independent observations,
which would understate the uncertainty of autocorrelated returns. Every function is seeded and
deterministic. Sharpe ratios are per period
(``mean / std``, ``ddof=1``) unless annualized by ``periods_per_year``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from trader.evaluate.dependence import dependence_lags

PERIODS_PER_YEAR = 252
_ZERO_STD = 1e-12
_CHUNK = 256  # bootstrap resamples materialized at once (bounds memory for long series)

Statistic = Callable[[np.ndarray], float | np.ndarray]


def default_block(n: int) -> int:
    """The default block length, ``max(1, round(n ** (1/3)))`` (the usual n^(1/3) rate).

    The same number is the dependence horizon of `trader.evaluate.dependence` (its
    `dependence_lags`), so intervals and effective sample sizes look equally far back.
    """
    return dependence_lags(n)


def _starts(n: int, block: int, n_boot: int, seed: int) -> tuple[np.ndarray, int]:
    if n < 1 or block < 1 or n_boot < 1:
        raise ValueError(f"bootstrap needs n, block, n_boot >= 1 (got {n}, {block}, {n_boot})")
    block = min(block, n)
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_boot, math.ceil(n / block))), block


def _rows(starts: np.ndarray, n: int, block: int) -> np.ndarray:
    idx = (starts[:, :, None] + np.arange(block)) % n
    return idx.reshape(len(starts), -1)[:, :n]


def block_bootstrap_indices(n: int, block: int, n_boot: int, seed: int = 0) -> np.ndarray:
    """Indices of ``n_boot`` circular moving-block bootstrap resamples of ``n`` observations.

    Each resample (a row of the ``(n_boot, n)`` result) joins ``ceil(n / block)`` blocks of
    ``block`` consecutive positions, each starting at a uniformly drawn position and wrapping
    from ``n - 1`` back to 0 (so every observation is equally likely), cut to length ``n``.
    Fixed block length (not the stationary bootstrap's random lengths). ``block`` above ``n``
    is cut to ``n``; ``block=1`` is the ordinary iid bootstrap.
    """
    starts, block = _starts(n, block, n_boot, seed)
    return _rows(starts, n, block)


def bootstrap_distribution(
    n: int,
    statistic: Callable[[np.ndarray], float | np.ndarray],
    *,
    block: int | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    vectorized: bool = False,
) -> np.ndarray:
    """``statistic(rows)`` for each of ``n_boot`` block-bootstrap resamples of ``n`` positions.

    ``rows`` are the indices of one resample (`block_bootstrap_indices`, ``block`` defaulting to
    `default_block`); resamples are materialized a chunk at a time to bound memory. Index several
    aligned series with the same ``rows`` for a paired bootstrap. ``vectorized``: ``statistic``
    takes a whole chunk, a ``(resamples, n)`` matrix of rows, and returns one value per row
    (the same resamples, computed many times faster).
    """
    starts, blk = _starts(n, default_block(n) if block is None else block, n_boot, seed)
    results = np.empty(n_boot)
    for lo in range(0, n_boot, _CHUNK):
        rows = _rows(starts[lo : lo + _CHUNK], n, blk)
        if vectorized:
            results[lo : lo + len(rows)] = statistic(rows)
            continue
        for j, row in enumerate(rows):
            results[lo + j] = statistic(row)
    return results


def bootstrap_ci(
    values: npt.ArrayLike,
    statistic: Statistic,
    *,
    block: int | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    vectorized: bool = False,
) -> tuple[float, float]:
    """Percentile confidence interval of ``statistic(values)`` from a block bootstrap.

    ``statistic`` is computed on each of ``n_boot`` resamples of `block_bootstrap_indices`
    (``block`` defaults to `default_block`); the interval is the ``(1 - level) / 2`` and
    ``(1 + level) / 2`` quantiles of the finite results. Non-finite ``values`` are dropped
    first; keep ``values`` in time order, since blocks are runs of neighbours. ``(nan, nan)``
    with fewer than two values or no finite statistic. ``vectorized``: ``statistic`` works
    along the last axis of a matrix of resamples (see `bootstrap_distribution`).
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    x = np.asarray(values, dtype=float).reshape(-1)
    x = x[np.isfinite(x)]
    n = len(x)
    if n < 2:
        return math.nan, math.nan
    results = bootstrap_distribution(
        n, lambda rows: statistic(x[rows]), block=block, n_boot=n_boot, seed=seed,
        vectorized=vectorized,
    )  # fmt: skip
    finite = results[np.isfinite(results)]
    if len(finite) == 0:
        return math.nan, math.nan
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    return float(low), float(high)


def row_sharpe(returns: np.ndarray) -> np.ndarray:
    """``mean / std (ddof=1)`` along the last axis; NaN where fewer than two or no deviation."""
    x = np.asarray(returns, dtype=float)
    if x.shape[-1] < 2:
        return np.full(x.shape[:-1], math.nan)
    std = x.std(axis=-1, ddof=1)
    ok = std > _ZERO_STD
    return np.where(ok, x.mean(axis=-1) / np.where(ok, std, 1.0), math.nan)


def per_period_sharpe(returns: npt.ArrayLike) -> float:
    """``mean(r) / std(r, ddof=1)``; NaN with fewer than two returns or zero deviation."""
    return float(row_sharpe(np.asarray(returns, dtype=float).reshape(-1)))


def row_compounded(returns: np.ndarray) -> np.ndarray:
    """``prod(1 + r) - 1`` along the last axis."""
    out: np.ndarray = np.prod(1.0 + np.asarray(returns, dtype=float), axis=-1) - 1.0
    return out


def row_mean(values: np.ndarray) -> np.ndarray:
    """The mean along the last axis."""
    out: np.ndarray = np.asarray(values, dtype=float).mean(axis=-1)
    return out


def sharpe_ci(
    returns: npt.ArrayLike,
    *,
    periods_per_year: float = PERIODS_PER_YEAR,
    risk_free: float = 0.0,
    block: int | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Block-bootstrap interval of the annualized Sharpe ratio (as
    `trader.evaluate.metrics.sharpe`).

    Statistic: ``mean(r - rf) / std(r - rf, ddof=1) * sqrt(periods_per_year)``, ``risk_free``
    per period.
    """
    scale = math.sqrt(periods_per_year)
    excess = np.asarray(returns, dtype=float) - risk_free
    return bootstrap_ci(
        excess,
        lambda x: row_sharpe(x) * scale,
        block=block,
        n_boot=n_boot,
        level=level,
        seed=seed,
        vectorized=True,
    )


def total_return_ci(
    returns: npt.ArrayLike,
    *,
    block: int | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Block-bootstrap interval of the compounded return ``prod(1 + r) - 1``."""
    return bootstrap_ci(
        returns, row_compounded, block=block, n_boot=n_boot, level=level, seed=seed,
        vectorized=True,
    )  # fmt: skip


def hit_rate_ci(
    hits: npt.ArrayLike,
    *,
    block: int | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Block-bootstrap interval of a hit rate, the mean of 0/1 ``hits`` (in time order)."""
    return bootstrap_ci(
        hits, row_mean, block=block, n_boot=n_boot, level=level, seed=seed, vectorized=True
    )
