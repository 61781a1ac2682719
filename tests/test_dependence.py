"""Serial dependence: autocorrelations, the one dependence horizon, effective sample size."""

from __future__ import annotations

import numpy as np
import pytest

from trader.evaluate.bootstrap import default_block
from trader.evaluate.dependence import (
    autocorrelations,
    dependence_lags,
    effective_sample_size,
    variance_inflation,
)


def _ar1(rho: float, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    x = np.empty(n)
    x[0] = e[0]
    for t in range(1, n):
        x[t] = rho * x[t - 1] + e[t]
    return x


def test_one_horizon_for_blocks_and_lags() -> None:
    assert [dependence_lags(n) for n in (1, 8, 27, 100, 756, 1000)] == [1, 2, 3, 5, 9, 10]
    assert all(default_block(n) == dependence_lags(n) for n in range(1, 2000, 37))


def test_autocorrelations_known_answers() -> None:
    # 1, -1, 1, -1: lag 1 sums three products of -1 over a sum of squares of 4
    assert autocorrelations([1, -1, 1, -1], 2) == pytest.approx([-0.75, 0.5])
    assert autocorrelations([2.0, 2.0, 2.0], 2) == pytest.approx([0.0, 0.0])  # constant
    assert autocorrelations([1.0, np.nan, 2.0, 3.0], 5)[3:] == pytest.approx([0.0, 0.0])
    with pytest.raises(ValueError):
        autocorrelations([1.0, 2.0], -1)


def test_effective_sample_size_of_ar1_is_the_textbook_one() -> None:
    # the long-run variance of an AR(1) mean is (1 + rho) / (1 - rho) times the iid one
    for rho in (0.2, 0.5):
        x = _ar1(rho, 20000, seed=1)
        expected = 20000 * (1 - rho) / (1 + rho)
        assert effective_sample_size(x, max_lag=60) == pytest.approx(expected, rel=0.15)
    # the default horizon (n^(1/3) lags, Bartlett weights) sees most of it at rho = 0.2
    x = _ar1(0.2, 5000, seed=2)
    assert 5000 * 0.6 < effective_sample_size(x) < 5000 * 0.8


def test_independent_and_negatively_correlated_values_are_not_inflated() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=3000)
    assert effective_sample_size(x) == pytest.approx(3000, rel=0.1)
    assert effective_sample_size(x) <= 3000
    alternating = _ar1(-0.5, 3000, seed=4)
    assert variance_inflation(alternating) == 1.0  # floored: never more than T
    assert effective_sample_size(alternating) == 3000
    assert effective_sample_size([]) == 0.0
    assert variance_inflation([1.0, 2.0]) == 1.0
