"""Paired block bootstrap of differences: interval and p agree, and pairing removes the market."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trader.evaluate.bootstrap import row_compounded
from trader.evaluate.paired import (
    compounded,
    paired_difference,
    return_difference,
    sharpe_difference,
)


def test_identical_series_do_not_differ() -> None:
    rng = np.random.default_rng(0)
    r = rng.normal(0.0005, 0.01, 500)
    d = return_difference(r, r)
    assert d.estimate == 0.0 and d.low == 0.0 and d.high == 0.0
    assert d.p_value == 1.0 and d.days == 500


def test_pairing_sees_a_small_edge_that_the_market_hides() -> None:
    # a model = the market + 0.05 % a day of its own; the market's noise is 20x larger
    rng = np.random.default_rng(1)
    market = rng.normal(0.0003, 0.01, 750)
    model = market + rng.normal(0.0005, 0.0005, 750)
    d = return_difference(model, market)
    assert d.estimate == pytest.approx(compounded(model) - compounded(market))
    assert d.low > 0 and d.p_value < 0.01
    reverse = return_difference(market, model)
    assert reverse.high < 0 and reverse.p_value == pytest.approx(d.p_value)
    # unpaired (each series resampled on its own days) the same edge is lost in the noise
    own = paired_difference(model, market[::-1].copy(), row_compounded)
    assert own.low < 0 < own.high


def test_sharpe_difference_and_undefined_cases() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(0.001, 0.01, 600)
    b = rng.normal(0.0, 0.01, 600)
    d = sharpe_difference(a, b)
    expected = (a.mean() / a.std(ddof=1) - b.mean() / b.std(ddof=1)) * math.sqrt(252)
    assert d.estimate == pytest.approx(expected)
    assert d.low < d.estimate < d.high
    flat = sharpe_difference(a, np.zeros(600))  # no deviation: no Sharpe ratio
    assert math.isnan(flat.estimate) and math.isnan(flat.p_value)
    short = return_difference([0.01], [0.0])
    assert math.isnan(short.estimate) and short.days == 1
    with pytest.raises(ValueError, match="differ in length"):
        return_difference(a, b[:10])
    # days where either series is missing are left out of both
    holes = a.copy()
    holes[:100] = np.nan
    assert return_difference(holes, b).days == 500


@settings(max_examples=40, deadline=None)
@given(
    shift=st.floats(-0.002, 0.002),
    noise=st.floats(0.0005, 0.02),
    n=st.integers(30, 300),
    seed=st.integers(0, 2**16),
)
def test_interval_and_p_value_always_agree(shift: float, noise: float, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    b = rng.normal(0, 0.01, n)
    a = b + shift + rng.normal(0, noise, n)
    d = return_difference(a, b, seed=seed)
    excludes_zero = d.low > 0 or d.high < 0
    assert (d.p_value < 0.05) == excludes_zero
    assert d.low <= d.high and 0 < d.p_value <= 1
