"""Uncertainty statistics: bootstrap intervals, PSR/DSR against the papers, the tests behind
the verdicts (binomial on effective calls, Holm, McNemar)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from trader.evaluate.bootstrap import (
    block_bootstrap_indices,
    bootstrap_ci,
    default_block,
    hit_rate_ci,
    per_period_sharpe,
    sharpe_ci,
    total_return_ci,
)
from trader.evaluate.dependence import effective_sample_size
from trader.evaluate.metrics import sharpe
from trader.evaluate.stats import (
    binomial_test,
    calls_test,
    deflated_sharpe_ratio,
    expected_max_sharpe,
    holm,
    mcnemar,
    probabilistic_sharpe_ratio,
    probabilistic_sharpe_ratio_from_stats,
)


def _phi(z: float) -> float:
    """Standard normal CDF without scipy, for independent known answers."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


# --- block bootstrap -----------------------------------------------------------------------


def test_block_indices_shape_range_and_blocks() -> None:
    idx = block_bootstrap_indices(10, 3, 50, seed=1)
    assert idx.shape == (50, 10) and idx.min() >= 0 and idx.max() <= 9
    # blocks of 3 consecutive positions (circular), the last one cut to 1
    for row in idx:
        for start in range(0, 10, 3):
            block = row[start : start + 3]
            assert np.array_equal(block, (block[0] + np.arange(len(block))) % 10)
    # the circular wrap happens (a block starting at 8 or 9 continues at 0)
    assert any(((row[:-1] == 9) & (row[1:] == 0)).any() for row in idx)


def test_block_indices_deterministic_and_edge_cases() -> None:
    a = block_bootstrap_indices(100, 5, 20, seed=3)
    assert np.array_equal(a, block_bootstrap_indices(100, 5, 20, seed=3))
    assert not np.array_equal(a, block_bootstrap_indices(100, 5, 20, seed=4))
    whole = block_bootstrap_indices(4, 10, 3, seed=0)  # block > n: one wrapped block of n
    for row in whole:
        assert np.array_equal(row, (row[0] + np.arange(4)) % 4)
    iid = block_bootstrap_indices(1000, 1, 1, seed=0)[0]
    assert len(np.unique(iid)) < 1000  # with replacement
    with pytest.raises(ValueError):
        block_bootstrap_indices(0, 1, 1)
    with pytest.raises(ValueError):
        block_bootstrap_indices(5, 0, 1)
    assert default_block(1000) == 10 and default_block(1) == 1 and default_block(30) == 3


def test_bootstrap_ci_of_iid_mean_matches_normal_theory() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0.3, 1.0, 4000)
    low, high = bootstrap_ci(x, np.mean, block=1, n_boot=2000)
    assert low < x.mean() < high
    # width ~ 2 * 1.96 * sigma / sqrt(n)
    assert high - low == pytest.approx(2 * 1.96 / math.sqrt(4000), rel=0.1)
    assert bootstrap_ci(x, np.mean, block=1, n_boot=2000) == (low, high)  # seeded
    assert bootstrap_ci(x, np.mean, block=1, n_boot=2000, seed=1) != (low, high)


def test_bootstrap_ci_narrows_with_n_and_widens_with_level() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.0, 6400)
    widths = [np.subtract(*bootstrap_ci(x[:n], np.mean)[::-1]) for n in (100, 400, 1600, 6400)]
    assert all(a > b for a, b in itertools.pairwise(widths))
    assert widths[0] / widths[-1] == pytest.approx(8, rel=0.25)  # 1 / sqrt(n)
    narrow = bootstrap_ci(x[:400], np.mean, level=0.8)
    wide = bootstrap_ci(x[:400], np.mean, level=0.99)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


def test_block_bootstrap_sees_autocorrelation() -> None:
    # AR(1) with phi = 0.8: the variance of the mean is (1 + phi) / (1 - phi) = 9 times the iid
    # one, so the CI is about 3 times wider; an iid bootstrap misses it, long blocks catch it
    rng = np.random.default_rng(2)
    e = rng.normal(size=5000)
    x = np.empty_like(e)
    x[0] = e[0]
    for t in range(1, len(e)):
        x[t] = 0.8 * x[t - 1] + e[t]
    iid = np.subtract(*bootstrap_ci(x, np.mean, block=1)[::-1])
    blocked = np.subtract(*bootstrap_ci(x, np.mean, block=50)[::-1])
    assert blocked / iid == pytest.approx(3.0, rel=0.25)


def test_bootstrap_ci_degenerate() -> None:
    assert all(math.isnan(v) for v in bootstrap_ci([], np.mean))
    assert all(math.isnan(v) for v in bootstrap_ci([1.0], np.mean))
    assert all(math.isnan(v) for v in bootstrap_ci([1.0, math.nan], np.mean))  # NaN dropped
    assert all(math.isnan(v) for v in sharpe_ci(np.zeros(50)))  # zero deviation: no Sharpe
    assert total_return_ci(np.zeros(50)) == (0.0, 0.0)
    with pytest.raises(ValueError):
        bootstrap_ci([1.0, 2.0], np.mean, level=1.0)


def test_convenience_intervals_contain_point_estimates() -> None:
    rng = np.random.default_rng(5)
    r = pd.Series(rng.normal(0.0008, 0.01, 2000))
    low, high = sharpe_ci(r)
    assert low < sharpe(r) < high
    assert sharpe_ci(r, periods_per_year=1) == pytest.approx(
        (low / math.sqrt(252), high / math.sqrt(252))
    )
    low, high = total_return_ci(r)
    assert low < float(np.prod(1 + r) - 1) < high
    hits = (rng.random(2000) < 0.55).astype(int)
    low, high = hit_rate_ci(hits)
    assert 0 <= low < hits.mean() < high <= 1
    assert high - low == pytest.approx(2 * 1.96 * math.sqrt(0.55 * 0.45 / 2000), rel=0.15)


# --- probabilistic and deflated Sharpe -----------------------------------------------------


def test_psr_known_answers() -> None:
    # normal returns (skew 0, kurtosis 3): Lo's standard error sqrt((1 + SR^2 / 2) / (T - 1))
    z = 0.1 * math.sqrt(100) / math.sqrt(1 + 0.1**2 / 2)
    assert probabilistic_sharpe_ratio_from_stats(0.1, 101) == pytest.approx(_phi(z))
    assert probabilistic_sharpe_ratio_from_stats(0.1, 101) == pytest.approx(0.84074, abs=1e-5)
    # at the benchmark the probability is one half, whatever the moments
    assert probabilistic_sharpe_ratio_from_stats(0.2, 50, -1.0, 6.0, 0.2) == pytest.approx(0.5)
    # negative skew and fat tails widen the error, pulling PSR towards 1/2
    assert 0.5 < probabilistic_sharpe_ratio_from_stats(0.1, 101, -2.0, 9.0) < _phi(z)
    assert math.isnan(probabilistic_sharpe_ratio_from_stats(0.1, 1))
    assert math.isnan(probabilistic_sharpe_ratio_from_stats(math.nan, 100))


def test_psr_on_returns_is_the_documented_computation() -> None:
    rng = np.random.default_rng(8)
    x = rng.standard_t(5, 750) * 0.01 + 0.0006
    m = x - x.mean()
    m2, m3, m4 = (m**2).mean(), (m**3).mean(), (m**4).mean()
    skew, kurt = m3 / m2**1.5, m4 / m2**2
    sr = x.mean() / x.std(ddof=1)
    z = sr * math.sqrt(749) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2)
    assert per_period_sharpe(x) == pytest.approx(sr)
    assert probabilistic_sharpe_ratio(x, effective=False) == pytest.approx(_phi(z))
    z_bench = (sr - 0.02) * math.sqrt(749) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2)
    assert probabilistic_sharpe_ratio(x, 0.02, effective=False) == pytest.approx(_phi(z_bench))
    # by default T is the effective sample size (at most T)
    t_eff = effective_sample_size(x)
    assert t_eff <= 750
    z_eff = sr * math.sqrt(t_eff - 1) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2)
    assert probabilistic_sharpe_ratio(x) == pytest.approx(_phi(z_eff))
    assert math.isnan(probabilistic_sharpe_ratio(np.zeros(10)))
    assert math.isnan(probabilistic_sharpe_ratio([0.01]))


def test_psr_is_less_sure_of_autocorrelated_returns() -> None:
    # the same returns in an order with positive lag-1 autocorrelation (+0.5): the effective
    # length shrinks, so the PSR of a positive Sharpe ratio moves towards one half
    rng = np.random.default_rng(5)
    e = rng.normal(0, 0.01, 2000)
    x = np.empty(2000)
    x[0] = e[0]
    for t in range(1, 2000):
        x[t] = 0.5 * x[t - 1] + e[t]
    x += 0.0008
    plain = probabilistic_sharpe_ratio(x, effective=False)
    honest = probabilistic_sharpe_ratio(x)
    assert 0.5 < honest < plain
    assert effective_sample_size(x) == pytest.approx(2000 / 3, rel=0.25)  # (1 - rho) / (1 + rho)


@pytest.mark.filterwarnings("ignore")
def test_psr_cross_check_with_quantstats() -> None:
    qs = pytest.importorskip("quantstats")
    rng = np.random.default_rng(9)
    r = pd.Series(rng.standard_t(4, 1000) * 0.01 + 0.0005)
    # quantstats uses pandas' bias-corrected skewness and kurtosis: equal to ~1e-5 at T=1000
    assert probabilistic_sharpe_ratio(r, effective=False) == pytest.approx(
        qs.stats.probabilistic_sharpe_ratio(r), abs=1e-4
    )


def test_expected_max_sharpe_paper_example_and_monte_carlo() -> None:
    # Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", numerical example: N = 100
    # trials, variance of their annualized Sharpe ratios 1/2, 250 days a year. Hand:
    # (1 - 0.5772) * Phi^-1(0.99) + 0.5772 * Phi^-1(1 - 1 / (100 e)) = 2.5306; * sqrt(0.5 / 250)
    per_day = expected_max_sharpe(100, 0.5 / 250)
    assert per_day == pytest.approx(0.1132, abs=5e-5)
    assert per_day * math.sqrt(250) == pytest.approx(1.7894, abs=1e-4)
    # the approximation is close to the simulated mean maximum of N standard normals
    rng = np.random.default_rng(0)
    for n in (10, 100, 1000):
        simulated = rng.normal(size=(4000, n)).max(axis=1).mean()
        assert expected_max_sharpe(n, 1.0) == pytest.approx(simulated, rel=0.03)
    assert expected_max_sharpe(1, 0.5) == 0.0
    assert expected_max_sharpe(50, 4.0) == pytest.approx(2 * expected_max_sharpe(50, 1.0))
    with pytest.raises(ValueError):
        expected_max_sharpe(0, 1.0)


def test_deflated_sharpe_paper_example() -> None:
    # same example: best annualized SR 2.5 over T = 1250 days, skewness -3, kurtosis 10:
    # DSR = Phi((0.1581 - 0.1132) * sqrt(1249) / sqrt(1 + 3 * 0.1581 + 9/4 * 0.1581^2)) = 0.9004
    sr = 2.5 / math.sqrt(250)
    benchmark = expected_max_sharpe(100, 0.5 / 250)
    dsr = probabilistic_sharpe_ratio_from_stats(sr, 1250, -3.0, 10.0, benchmark)
    assert dsr == pytest.approx(0.9004, abs=1e-4)
    z = (sr - 0.1132) * math.sqrt(1249) / math.sqrt(1 + 3 * sr + 9 / 4 * sr**2)
    assert dsr == pytest.approx(_phi(z), abs=1e-3)


def test_deflated_sharpe_on_returns() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(0.001, 0.01, 1000)
    psr = probabilistic_sharpe_ratio(x)
    assert deflated_sharpe_ratio(x, 1) == pytest.approx(psr)  # nothing selected
    dsrs = [deflated_sharpe_ratio(x, n) for n in (1, 10, 100, 1000)]
    assert all(a > b for a, b in itertools.pairwise(dsrs))
    # default variance: the no-skill sampling variance 1 / (T - 1), T effective
    default = deflated_sharpe_ratio(x, 20)
    t_eff = effective_sample_size(x)
    variance = 1 / (t_eff - 1)
    assert default == pytest.approx(deflated_sharpe_ratio(x, 20, sharpe_variance=variance))
    benchmark = expected_max_sharpe(20, variance)
    assert default == pytest.approx(probabilistic_sharpe_ratio(x, benchmark_sharpe=benchmark))
    plain = deflated_sharpe_ratio(x, 20, effective=False)
    assert plain == pytest.approx(
        probabilistic_sharpe_ratio(
            x, benchmark_sharpe=expected_max_sharpe(20, 1 / 999), effective=False
        )
    )
    # trial Sharpe ratios: their sample variance; annualized ones converted with ppy
    trials = np.array([0.01, 0.03, -0.02, 0.05, 0.0])
    per_period = deflated_sharpe_ratio(x, 5, trial_sharpes=trials)
    assert per_period == pytest.approx(
        deflated_sharpe_ratio(x, 5, sharpe_variance=trials.var(ddof=1))
    )
    annual = deflated_sharpe_ratio(
        x, 5, trial_sharpes=trials * math.sqrt(252), periods_per_year=252
    )
    assert annual == pytest.approx(per_period)
    with pytest.raises(ValueError):
        deflated_sharpe_ratio(x, 5, sharpe_variance=0.1, trial_sharpes=trials)
    assert math.isnan(deflated_sharpe_ratio(x, 5, trial_sharpes=[0.1]))
    assert math.isnan(deflated_sharpe_ratio(np.zeros(100), 5))


# --- binomial test and verdict -------------------------------------------------------------


def test_binomial_test_known_answers() -> None:
    # P(X >= 7 | n=10, p=0.5) = (C(10,7) + C(10,8) + C(10,9) + C(10,10)) / 2^10 = 176 / 1024
    assert binomial_test(7, 10, 0.5) == pytest.approx(176 / 1024)
    assert binomial_test(0, 10, 0.5) == pytest.approx(1.0)
    assert binomial_test(10, 10, 0.5) == pytest.approx(0.5**10)
    # P(X >= 2 | n=3, p=0.6) = 3 * 0.36 * 0.4 + 0.216
    assert binomial_test(2, 3, 0.6) == pytest.approx(3 * 0.36 * 0.4 + 0.216)
    assert math.isnan(binomial_test(0, 0, 0.5))
    with pytest.raises(ValueError):
        binomial_test(1, 2, 1.5)


def test_calls_test_counts_effective_calls() -> None:
    rng = np.random.default_rng(3)
    hits = (rng.random(1000) < 0.55).astype(float)
    test = calls_test(hits, 0.5)
    assert (test.hits, test.calls) == (int(hits.sum()), 1000)
    assert test.effective_calls <= 1000 and test.hit_rate == pytest.approx(hits.mean())
    k_eff = round(test.hits * test.effective_calls / 1000)
    assert test.p_value == pytest.approx(binomial_test(k_eff, test.effective_calls, 0.5))
    # each call repeated 5 times (what overlapping 5-day labels do): about 5x fewer effective
    # calls, so a much larger p than the naive binomial test on all 5000
    repeated = np.repeat(hits, 5)
    naive = binomial_test(int(repeated.sum()), 5000, 0.5)
    honest = calls_test(repeated, 0.5, max_lag=10)
    assert honest.effective_calls < 2000 and honest.p_value > 100 * naive
    empty = calls_test([], 0.5)
    assert empty.calls == 0 and math.isnan(empty.p_value)


def test_holm_known_answers() -> None:
    # sorted 0.01, 0.02, 0.04 with m = 3: 0.03, max(0.03, 0.04), max(0.04, 0.04)
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.3, 0.5]) == pytest.approx([0.6, 0.6])  # capped by monotonicity, then at 1
    assert holm([0.9, 0.8]) == pytest.approx([1.0, 1.0])
    assert holm([0.01]) == [0.01]
    out = holm([math.nan, 0.01, 0.04])
    assert math.isnan(out[0]) and out[1:] == pytest.approx([0.02, 0.04])  # m counts finite ones
    assert holm([]) == []


def test_holm_controls_the_chance_of_any_false_edge() -> None:
    rng = np.random.default_rng(0)
    p = rng.random((4000, 5))  # five null models per run
    any_false = np.mean([min(holm(list(row))) < 0.05 for row in p])
    assert any_false < 0.06
    assert np.mean(p.min(axis=1) < 0.05) > 0.2  # unadjusted: about 1 - 0.95 ** 5


def test_mcnemar_exact_known_answers() -> None:
    a = np.array([1, 1, 1, 1, 1, 1, 0, 0, 1, 0])
    b = np.array([0, 0, 0, 0, 0, 1, 1, 0, 1, 0])
    test = mcnemar(a, b)
    # discordant: a only at 0..4 (5), b only at 6 (1): 2 * P(X <= 1 | 6, 1/2) = 2 * 7 / 64
    assert (test.first_only, test.second_only, test.calls) == (5, 1, 10)
    assert test.p_value == pytest.approx(14 / 64)
    assert mcnemar(a, a).p_value == 1.0  # never disagree
    assert mcnemar(b, a).p_value == pytest.approx(test.p_value)  # symmetric
    with pytest.raises(ValueError, match="differ in length"):
        mcnemar(a, b[:5])
