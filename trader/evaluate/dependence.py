"""Serial dependence of a series: autocorrelations, the lag rule and the effective sample size.

Daily strategy returns are not independent (a model holds positions for days, volatility
clusters; the report's strategies show lag-1 autocorrelations of +0.1 to +0.2), and neither are
the direction calls of a model whose labels overlap (horizon > 1). Statistics that assume
independence then claim more certainty than the data hold. Two tools here keep them honest:

* **One dependence horizon**, `dependence_lags` = ``max(1, round(n ** (1/3)))``: the block length
  of every block bootstrap (`trader.evaluate.bootstrap.default_block`, the n^(1/3) rate of Hall,
  Horowitz & Jing 1995) and the number of autocorrelation lags used below. A caller may raise it
  (e.g. to the label horizon) but the same number serves both.
* **Effective sample size** ``T_eff = T / tau`` with ``tau = 1 + 2 * sum_k (1 - k / (L + 1)) *
  rho_k`` over lags ``k = 1..L``: the Bartlett-weighted (Newey & West 1987) long-run variance of
  the mean relative to the i.i.d. variance, the adjustment Lo (2002, "The Statistics of Sharpe
  Ratios", section 4) derives for serially correlated returns. ``tau`` is floored at 1: negative
  autocorrelation is never taken as extra information, so ``T_eff <= T``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def dependence_lags(n: int) -> int:
    """The dependence horizon for ``n`` observations: ``max(1, round(n ** (1/3)))``."""
    return max(1, round(math.pow(max(n, 1), 1.0 / 3.0)))


def _finite(values: npt.ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float).reshape(-1)
    finite: np.ndarray = x[np.isfinite(x)]
    return finite


def autocorrelations(values: npt.ArrayLike, max_lag: int) -> np.ndarray:
    """Sample autocorrelations ``rho_1..rho_max_lag`` (the usual biased estimator).

    ``rho_k = sum_t (x_t - m)(x_{t+k} - m) / sum_t (x_t - m) ** 2`` over the finite values.
    Lags at or beyond the series length are 0; a constant series has all zeros.
    """
    if max_lag < 0:
        raise ValueError(f"max_lag must be >= 0, got {max_lag}")
    x = _finite(values)
    out = np.zeros(max_lag)
    centred = x - x.mean() if len(x) else x
    denominator = float(centred @ centred)
    if denominator <= 0:
        return out
    for k in range(1, min(max_lag, len(x) - 1) + 1):
        out[k - 1] = float(centred[:-k] @ centred[k:]) / denominator
    return out


def variance_inflation(values: npt.ArrayLike, max_lag: int | None = None) -> float:
    """``tau = max(1, 1 + 2 * sum_k (1 - k / (L + 1)) * rho_k)``, ``L`` = ``max_lag``.

    How many times larger the variance of the sample mean is than it would be for independent
    values with the same variance. ``max_lag`` defaults to `dependence_lags` of the length.
    """
    x = _finite(values)
    lags = dependence_lags(len(x)) if max_lag is None else max_lag
    if len(x) < 3 or lags < 1:
        return 1.0
    rho = autocorrelations(x, lags)
    weights = 1.0 - np.arange(1, lags + 1) / (lags + 1)
    return max(1.0, 1.0 + 2.0 * float(weights @ rho))


def effective_sample_size(values: npt.ArrayLike, max_lag: int | None = None) -> float:
    """``T / variance_inflation``: the number of independent values worth the same (<= T)."""
    x = _finite(values)
    return len(x) / variance_inflation(x, max_lag) if len(x) else 0.0
