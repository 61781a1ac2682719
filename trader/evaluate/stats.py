"""Tests behind the verdicts, as pure NumPy/SciPy functions.

- Probabilistic Sharpe ratio (Bailey & López de Prado, 2012): the probability that the true
  Sharpe ratio exceeds a benchmark, given the sample length, skewness and kurtosis. The sample
  length is the *effective* one (`trader.evaluate.dependence`): serially correlated returns
  carry less information than as many independent ones (Lo, 2002).
- Deflated Sharpe ratio (Bailey & López de Prado, 2014): the PSR against the Sharpe ratio the
  best of ``n_trials`` skill-less configurations would be expected to show, with the variance of
  the trials' own Sharpe ratios (the paper's estimator) when they are known.
- A one-sided binomial test of a hit rate against a base rate, on the effective number of calls.
- Holm's step-down adjustment of p-values for testing several models at once.
- McNemar's exact test of two predictors' paired calls.

PSR and DSR are written here by hand: no maintained library computes them (scipy gives the
normal distribution and the moments they use); the tests check them against the papers' worked
examples. Everything else is scipy.

Sharpe ratios here are per period (``mean / std``, ``ddof=1``) unless a function says it is
annualized; an annual Sharpe ratio is ``per_period * sqrt(periods_per_year)``. Kurtosis is the
plain (non-excess) kurtosis, 3 for a normal distribution. Undefined values are NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from trader.evaluate.bootstrap import per_period_sharpe
from trader.evaluate.dependence import effective_sample_size


def probabilistic_sharpe_ratio_from_stats(
    sharpe: float,
    n_obs: float,
    skewness: float = 0.0,
    kurtosis: float = 3.0,
    benchmark_sharpe: float = 0.0,
) -> float:
    """PSR from summary statistics (Bailey & López de Prado, 2012, eq. for PSR).

    ``PSR = Phi((SR - SR*) * sqrt(T - 1) / sqrt(1 - g3 * SR + (g4 - 1) / 4 * SR ** 2))`` with
    per-period ``SR`` and benchmark ``SR*``, ``T = n_obs`` (an effective sample size may be
    fractional), skewness ``g3`` and (non-excess) kurtosis ``g4``. NaN when undefined
    (``T <= 1``, NaN inputs, a non-positive variance term).
    """
    if not n_obs > 1 or not all(map(math.isfinite, (sharpe, skewness, kurtosis, benchmark_sharpe))):
        return math.nan
    variance = 1.0 - skewness * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if not variance > 0:
        return math.nan
    z = (sharpe - benchmark_sharpe) * math.sqrt(n_obs - 1) / math.sqrt(variance)
    return float(sps.norm.cdf(z))


def _moments(returns: npt.ArrayLike, effective: bool) -> tuple[float, float, float, float]:
    """Per-period Sharpe ratio, sample length (effective or plain), skewness, kurtosis."""
    x = np.asarray(returns, dtype=float).reshape(-1)
    x = x[np.isfinite(x)]
    sr = per_period_sharpe(x)
    length = effective_sample_size(x) if effective else float(len(x))
    if math.isnan(sr):
        return math.nan, length, math.nan, math.nan
    skew = float(sps.skew(x, bias=True))
    kurt = float(sps.kurtosis(x, fisher=False, bias=True))
    return sr, length, skew, kurt


def probabilistic_sharpe_ratio(
    returns: npt.ArrayLike, benchmark_sharpe: float = 0.0, *, effective: bool = True
) -> float:
    """Probability that the true per-period Sharpe ratio of ``returns`` exceeds the benchmark.

    `probabilistic_sharpe_ratio_from_stats` with ``SR = mean / std (ddof=1)`` of the finite
    returns and their sample skewness and kurtosis (population moments, ``m3 / m2 ** 1.5`` and
    ``m4 / m2 ** 2``). ``T`` is the effective sample size of the returns
    (`trader.evaluate.dependence.effective_sample_size`, at most their count), or their count
    with ``effective=False`` (the paper's i.i.d. form). ``benchmark_sharpe`` is per period (an
    annual one divided by ``sqrt(periods_per_year)``). NaN with fewer than two returns or zero
    deviation.
    """
    sr, n, skew, kurt = _moments(returns, effective)
    return probabilistic_sharpe_ratio_from_stats(sr, n, skew, kurt, benchmark_sharpe)


def expected_max_sharpe(n_trials: int, sharpe_variance: float) -> float:
    """Expected best Sharpe ratio of ``n_trials`` skill-less trials (Bailey & López de Prado 2014).

    ``E[max SR] ~ sqrt(V) * ((1 - g) * Phi^-1(1 - 1/N) + g * Phi^-1(1 - 1/(N e)))`` with
    ``N = n_trials``, ``V`` the variance of the trials' Sharpe ratios (same units as the
    result) and ``g`` the Euler-Mascheroni constant; the trials' true Sharpe ratios are 0.
    0 for a single trial (nothing was selected).
    """
    if n_trials < 1:
        raise ValueError(f"n_trials must be at least 1, got {n_trials}")
    if sharpe_variance < 0:
        raise ValueError(f"sharpe_variance must be >= 0, got {sharpe_variance}")
    if n_trials == 1:
        return 0.0
    g = float(np.euler_gamma)
    z = (1 - g) * sps.norm.ppf(1 - 1 / n_trials) + g * sps.norm.ppf(1 - 1 / (n_trials * math.e))
    return math.sqrt(sharpe_variance) * float(z)


def deflated_sharpe_ratio(
    returns: npt.ArrayLike,
    n_trials: int,
    *,
    sharpe_variance: float | None = None,
    trial_sharpes: Sequence[float] | npt.ArrayLike | None = None,
    periods_per_year: float | None = None,
    effective: bool = True,
) -> float:
    """DSR: the PSR of ``returns`` against the expected best of ``n_trials`` skill-less trials.

    ``DSR = PSR(SR* = expected_max_sharpe(n_trials, V))`` (Bailey & López de Prado, 2014). ``V``
    is ``sharpe_variance``, or the sample variance (``ddof=1``) of ``trial_sharpes`` (the
    Sharpe ratios of all configurations tried), or by default ``1 / (T - 1)``: the sampling
    variance of a Sharpe ratio estimated from ``T`` returns when the true one is 0, i.e. what
    the trials' spread would be if none had skill (``T`` effective, see
    `probabilistic_sharpe_ratio`). ``V`` and ``trial_sharpes`` are per period, unless
    ``periods_per_year`` is given: then they are annualized and converted (``SR / sqrt(ppy)``,
    ``V / ppy``). With ``n_trials=1`` the DSR is the PSR against 0.
    """
    if sharpe_variance is not None and trial_sharpes is not None:
        raise ValueError("give sharpe_variance or trial_sharpes, not both")
    sr, n, skew, kurt = _moments(returns, effective)
    if trial_sharpes is not None:
        trials = np.asarray(trial_sharpes, dtype=float).reshape(-1)
        trials = trials[np.isfinite(trials)]
        variance = float(trials.var(ddof=1)) if len(trials) > 1 else math.nan
    elif sharpe_variance is not None:
        variance = float(sharpe_variance)
    else:
        variance = 1.0 / (n - 1) if n > 1 else math.nan
        periods_per_year = None  # already per period
    if periods_per_year is not None:
        variance /= periods_per_year
    if math.isnan(variance):
        return math.nan
    benchmark = expected_max_sharpe(n_trials, variance)
    return probabilistic_sharpe_ratio_from_stats(sr, n, skew, kurt, benchmark)


def binomial_test(successes: int, n: int, p0: float) -> float:
    """One-sided exact binomial p-value ``P(X >= successes)``, ``X ~ Binomial(n, p0)``.

    The chance of at least this many hits if each call were right with probability ``p0``
    (the base rate); small means the hit rate is above the base rate beyond luck. It assumes
    independent calls: see `calls_test` for serially dependent ones. NaN when ``n == 0``.
    """
    if not 0 <= p0 <= 1:
        raise ValueError(f"p0 must be in [0, 1], got {p0}")
    if n == 0:
        return math.nan
    return float(sps.binomtest(int(successes), int(n), p0, alternative="greater").pvalue)


@dataclass(frozen=True)
class CallsTest:
    """The binomial test of a hit rate on the effective number of calls."""

    hits: int
    calls: int
    effective_calls: int
    hit_rate: float
    base_rate: float
    p_value: float


def calls_test(hits: npt.ArrayLike, base_rate: float, max_lag: int | None = None) -> CallsTest:
    """`binomial_test` of 0/1 ``hits`` (in time order) against ``base_rate``, dependence-aware.

    Calls that depend on each other (overlapping labels, a model that repeats itself) are worth
    fewer independent ones: with ``n_eff = round(effective_sample_size(hits))`` (at most ``n``)
    the test counts ``round(k * n_eff / n)`` hits out of ``n_eff``, which keeps the hit rate and
    inflates its variance by the same factor as the autocorrelation does. NaN p with no calls.
    """
    h = np.asarray(hits, dtype=float).reshape(-1)
    h = h[np.isfinite(h)]
    k, n = int((h > 0.5).sum()), len(h)
    if n == 0:
        return CallsTest(0, 0, 0, math.nan, float(base_rate), math.nan)
    n_eff = max(1, min(n, round(effective_sample_size(h, max_lag))))
    k_eff = round(k * n_eff / n)
    return CallsTest(k, n, n_eff, k / n, float(base_rate), binomial_test(k_eff, n_eff, base_rate))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's (1979) step-down adjusted p-values, in the input order.

    Sorted ascending, ``p_(i)`` becomes ``max_{j <= i} min(1, (m - j + 1) * p_(j))`` with ``m``
    the number of finite p-values; rejecting where the adjusted value is below alpha keeps the
    chance of any false "edge" among the ``m`` models at most alpha. NaN stays NaN.
    """
    values = np.asarray(p_values, dtype=float)
    out = np.full(len(values), math.nan)
    finite = np.flatnonzero(np.isfinite(values))
    m = len(finite)
    running = 0.0
    for rank, i in enumerate(finite[np.argsort(values[finite], kind="stable")]):
        running = max(running, min(1.0, (m - rank) * float(values[i])))
        out[i] = running
    return [float(v) for v in out]


@dataclass(frozen=True)
class McNemar:
    """Paired calls of two predictors: where only one of them was right, and the exact p."""

    first_only: int  # calls the first predictor got right and the second wrong
    second_only: int
    calls: int
    p_value: float


def mcnemar(first_hits: npt.ArrayLike, second_hits: npt.ArrayLike) -> McNemar:
    """McNemar's exact two-sided test that two predictors' paired calls are equally good.

    Only the discordant calls carry information: under the null each of the ``b + c`` calls
    where exactly one predictor was right is equally likely to favour either, so
    ``p = P(|X - (b + c)/2| >= |b - (b + c)/2|)``, ``X ~ Binomial(b + c, 1/2)`` (scipy's exact
    two-sided binomial test). ``p = 1`` when they never disagree.
    """
    a = np.asarray(first_hits, dtype=float).reshape(-1) > 0.5
    b = np.asarray(second_hits, dtype=float).reshape(-1) > 0.5
    if len(a) != len(b):
        raise ValueError(f"paired calls differ in length: {len(a)} and {len(b)}")
    first_only, second_only = int((a & ~b).sum()), int((~a & b).sum())
    discordant = first_only + second_only
    p = (
        1.0
        if discordant == 0
        else float(sps.binomtest(first_only, discordant, 0.5, alternative="two-sided").pvalue)
    )
    return McNemar(first_only, second_only, len(a), p)


def deflated_sharpe_from_stats(
    sharpe: float,
    n_obs: int,
    n_trials: int,
    trial_sharpes: Sequence[float] | npt.ArrayLike,
    skewness: float = 0.0,
    kurtosis: float = 3.0,
) -> float:
    """DSR from summary statistics: the PSR of a per-period ``sharpe`` (``n_obs`` returns)
    against the expected best of ``n_trials`` skill-less trials whose Sharpe ratios vary like
    ``trial_sharpes`` (per period, sample variance). For comparing stored results whose return
    series are not at hand; skewness and kurtosis default to a normal distribution's."""
    trials = np.asarray(trial_sharpes, dtype=float).reshape(-1)
    trials = trials[np.isfinite(trials)]
    if n_trials < 1 or len(trials) < 2 or not math.isfinite(sharpe):
        return math.nan
    benchmark = expected_max_sharpe(n_trials, float(trials.var(ddof=1)))
    return probabilistic_sharpe_ratio_from_stats(sharpe, n_obs, skewness, kurtosis, benchmark)
