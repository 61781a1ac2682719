"""Uncertainty statistics: bootstrap intervals, PSR/DSR against the papers, binomial test."""

from __future__ import annotations

import itertools
import json
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
from trader.evaluate.metrics import sharpe
from trader.evaluate.stats import (
    binomial_test,
    deflated_sharpe_ratio,
    edge_verdict,
    expected_max_sharpe,
    probabilistic_sharpe_ratio,
    probabilistic_sharpe_ratio_from_stats,
    uncertainty,
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
    assert probabilistic_sharpe_ratio(x) == pytest.approx(_phi(z))
    z_bench = (sr - 0.02) * math.sqrt(749) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr**2)
    assert probabilistic_sharpe_ratio(x, benchmark_sharpe=0.02) == pytest.approx(_phi(z_bench))
    assert math.isnan(probabilistic_sharpe_ratio(np.zeros(10)))
    assert math.isnan(probabilistic_sharpe_ratio([0.01]))


@pytest.mark.filterwarnings("ignore")
def test_psr_cross_check_with_quantstats() -> None:
    qs = pytest.importorskip("quantstats")
    rng = np.random.default_rng(9)
    r = pd.Series(rng.standard_t(4, 1000) * 0.01 + 0.0005)
    # quantstats uses pandas' bias-corrected skewness and kurtosis: equal to ~1e-5 at T=1000
    assert probabilistic_sharpe_ratio(r) == pytest.approx(
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
    # default variance: the no-skill sampling variance 1 / (T - 1)
    default = deflated_sharpe_ratio(x, 20)
    assert default == pytest.approx(deflated_sharpe_ratio(x, 20, sharpe_variance=1 / 999))
    benchmark = expected_max_sharpe(20, 1 / 999)
    assert default == pytest.approx(probabilistic_sharpe_ratio(x, benchmark_sharpe=benchmark))
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


def test_edge_verdict_rule() -> None:
    no = edge_verdict(hit_rate=0.512, base_rate=0.53, p_value=0.71, psr=0.42, dsr=0.1, n_trials=12)
    assert no == (
        "no evidence of edge (hit rate 51.2% vs base 53.0%, p=0.71; "
        "PSR 0.42, DSR 0.10 over 12 trials)"
    )
    yes = edge_verdict(hit_rate=0.6, base_rate=0.5, p_value=0.001, psr=0.999, dsr=0.97)
    assert yes.startswith("evidence of edge (") and "p=0.001" in yes and "over 1 trial)" in yes
    # both tests must pass
    assert edge_verdict(p_value=0.001, psr=0.99, dsr=0.9).startswith("no evidence")
    assert edge_verdict(p_value=0.2, psr=0.99, dsr=0.99).startswith("no evidence")
    assert edge_verdict(p_value=0.001, dsr=math.nan).startswith("no evidence")  # never traded
    assert "PSR n/a, DSR n/a" in edge_verdict(p_value=0.001, dsr=math.nan)
    # only the tests that were run count
    assert edge_verdict(p_value=0.01, hit_rate=0.6, base_rate=0.5).startswith("evidence of edge")
    assert edge_verdict(psr=0.99, dsr=0.99).startswith("evidence of edge")
    assert edge_verdict() == "not enough data to judge edge"


# --- the report's entry point --------------------------------------------------------------

KEYS = {
    "sharpe_ci_low",
    "sharpe_ci_high",
    "total_return_ci_low",
    "total_return_ci_high",
    "hit_rate_ci_low",
    "hit_rate_ci_high",
    "hit_rate_p_value",
    "hit_rate_base",
    "psr",
    "dsr",
    "n_trials",
    "ci_level",
    "verdict",
}


def test_uncertainty_no_edge_on_noise() -> None:
    rng = np.random.default_rng(12)
    returns = pd.Series(rng.normal(0.0, 0.01, 500))
    hits = rng.random(500) < 0.5
    out = uncertainty(returns, hits, 0.5, n_trials=10, n_boot=300)
    assert set(out) == KEYS
    json.dumps(out, allow_nan=False)  # JSON-safe
    assert out == uncertainty(returns, hits, 0.5, n_trials=10, n_boot=300)  # deterministic
    assert str(out["verdict"]).startswith("no evidence of edge")
    assert out["sharpe_ci_low"] < sharpe(returns) < out["sharpe_ci_high"]
    assert out["hit_rate_ci_low"] < hits.mean() < out["hit_rate_ci_high"]
    assert out["hit_rate_p_value"] == pytest.approx(binomial_test(int(hits.sum()), 500, 0.5))
    assert out["psr"] == pytest.approx(probabilistic_sharpe_ratio(returns))
    assert out["dsr"] == pytest.approx(deflated_sharpe_ratio(returns, 10))
    assert out["dsr"] < out["psr"]


def test_uncertainty_evidence_of_edge_and_degenerate_inputs() -> None:
    rng = np.random.default_rng(13)
    returns = pd.Series(rng.normal(0.003, 0.01, 1000))  # annual Sharpe ~4.8
    hits = rng.random(1000) < 0.6
    out = uncertainty(returns, hits, 0.52, n_trials=20, n_boot=300)
    assert str(out["verdict"]).startswith("evidence of edge"), out["verdict"]
    assert out["hit_rate_base"] == 0.52
    # no hits: the hit-rate keys are None and the verdict rests on the DSR
    out = uncertainty(returns, None, None, n_trials=20, n_boot=300)
    assert out["hit_rate_ci_low"] is None and out["hit_rate_p_value"] is None
    assert out["hit_rate_base"] is None and "hit rate" not in str(out["verdict"])
    # a strategy that never traded: no Sharpe, no edge, still JSON-safe
    out = uncertainty(pd.Series(np.zeros(300)), hits[:300], None, n_trials=1, n_boot=100)
    json.dumps(out, allow_nan=False)
    assert out["psr"] is None and out["sharpe_ci_low"] is None and out["hit_rate_base"] == 0.5
    assert str(out["verdict"]).startswith("no evidence of edge")
    out = uncertainty(pd.Series([], dtype=float), None, None, n_trials=1)
    assert out["verdict"] == "not enough data to judge edge"
