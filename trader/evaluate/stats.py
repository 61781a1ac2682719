"""Uncertainty and multiple testing for backtest results, as pure NumPy/SciPy functions.

- Block-bootstrap confidence intervals come from `trader.evaluate.bootstrap` (seeded,
deterministic).
- Probabilistic Sharpe ratio (Bailey & López de Prado, 2012): the probability that the true
  Sharpe ratio exceeds a benchmark, given the sample length, skewness and kurtosis.
- Deflated Sharpe ratio (Bailey & López de Prado, 2014): the PSR against the Sharpe ratio the
  best of ``n_trials`` skill-less configurations would be expected to show, which corrects for
  having picked the best of many backtests.
- A one-sided binomial test of a hit rate against a base rate.

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

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as sps

from trader.evaluate.bootstrap import (
    PERIODS_PER_YEAR,
    hit_rate_ci,
    per_period_sharpe,
    sharpe_ci,
    total_return_ci,
)


def probabilistic_sharpe_ratio_from_stats(
    sharpe: float,
    n_obs: int,
    skewness: float = 0.0,
    kurtosis: float = 3.0,
    benchmark_sharpe: float = 0.0,
) -> float:
    """PSR from summary statistics (Bailey & López de Prado, 2012, eq. for PSR).

    ``PSR = Phi((SR - SR*) * sqrt(T - 1) / sqrt(1 - g3 * SR + (g4 - 1) / 4 * SR ** 2))`` with
    per-period ``SR`` and benchmark ``SR*``, ``T = n_obs``, skewness ``g3`` and (non-excess)
    kurtosis ``g4``. NaN when undefined (``T < 2``, NaN inputs, a non-positive variance term).
    """
    if n_obs < 2 or not all(map(math.isfinite, (sharpe, skewness, kurtosis, benchmark_sharpe))):
        return math.nan
    variance = 1.0 - skewness * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    if not variance > 0:
        return math.nan
    z = (sharpe - benchmark_sharpe) * math.sqrt(n_obs - 1) / math.sqrt(variance)
    return float(sps.norm.cdf(z))


def _moments(returns: npt.ArrayLike) -> tuple[float, int, float, float]:
    x = np.asarray(returns, dtype=float).reshape(-1)
    x = x[np.isfinite(x)]
    sr = per_period_sharpe(x)
    if math.isnan(sr):
        return math.nan, len(x), math.nan, math.nan
    skew = float(sps.skew(x, bias=True))
    kurt = float(sps.kurtosis(x, fisher=False, bias=True))
    return sr, len(x), skew, kurt


def probabilistic_sharpe_ratio(returns: npt.ArrayLike, benchmark_sharpe: float = 0.0) -> float:
    """Probability that the true per-period Sharpe ratio of ``returns`` exceeds the benchmark.

    `probabilistic_sharpe_ratio_from_stats` with ``SR = mean / std (ddof=1)`` of the finite
    returns and their sample skewness and kurtosis (population moments, ``m3 / m2 ** 1.5`` and
    ``m4 / m2 ** 2``). ``benchmark_sharpe`` is per period (an annual one divided by
    ``sqrt(periods_per_year)``). NaN with fewer than two returns or zero deviation.
    """
    sr, n, skew, kurt = _moments(returns)
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
) -> float:
    """DSR: the PSR of ``returns`` against the expected best of ``n_trials`` skill-less trials.

    ``DSR = PSR(SR* = expected_max_sharpe(n_trials, V))`` (Bailey & López de Prado, 2014). ``V``
    is ``sharpe_variance``, or the sample variance (``ddof=1``) of ``trial_sharpes`` (the
    Sharpe ratios of all configurations tried), or by default ``1 / (T - 1)``: the sampling
    variance of a Sharpe ratio estimated from ``T`` returns when the true one is 0, i.e. what
    the trials' spread would be if none had skill. ``V`` and ``trial_sharpes`` are per period,
    unless ``periods_per_year`` is given: then they are annualized and converted (``SR /
    sqrt(ppy)``, ``V / ppy``). With ``n_trials=1`` the DSR is the PSR against 0.
    """
    if sharpe_variance is not None and trial_sharpes is not None:
        raise ValueError("give sharpe_variance or trial_sharpes, not both")
    sr, n, skew, kurt = _moments(returns)
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
    independent calls: overlapping forward returns make it optimistic. NaN when ``n == 0``.
    """
    if not 0 <= p0 <= 1:
        raise ValueError(f"p0 must be in [0, 1], got {p0}")
    if n == 0:
        return math.nan
    return float(sps.binomtest(int(successes), int(n), p0, alternative="greater").pvalue)


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None or not math.isfinite(value) else format(value, spec)


def edge_verdict(
    *,
    hit_rate: float | None = None,
    base_rate: float | None = None,
    p_value: float | None = None,
    psr: float | None = None,
    dsr: float | None = None,
    n_trials: int = 1,
    alpha: float = 0.05,
    dsr_threshold: float = 0.95,
) -> str:
    """A plain sentence saying whether the results show an edge, and the numbers behind it.

    Rule: "evidence of edge" only when every test that was run passes: the hit-rate binomial
    test (run when ``p_value`` is not None) needs ``p_value < alpha``, and the Sharpe test
    (run when ``dsr`` is not None) needs ``dsr > dsr_threshold``; a NaN result counts as a
    failure (e.g. a strategy that never traded). With both run, that is "binomial p < 0.05
    AND deflated Sharpe > 0.95". "not enough data to judge edge" when neither was run.
    Example: ``no evidence of edge (hit rate 51.2% vs base 53.0%, p=0.71; PSR 0.42, DSR 0.10
    over 12 trials)``.
    """
    parts: list[str] = []
    passed: list[bool] = []
    if p_value is not None:
        passed.append(math.isfinite(p_value) and p_value < alpha)
        parts.append(f"hit rate {_fmt(hit_rate, '.1%')} vs base {_fmt(base_rate, '.1%')}, ")
        parts[-1] += f"p={_fmt(p_value, '.2g' if p_value < 0.01 else '.2f')}"
    if dsr is not None:
        passed.append(math.isfinite(dsr) and dsr > dsr_threshold)
        trials = f" over {n_trials} trial{'s' if n_trials != 1 else ''}"
        parts.append(f"PSR {_fmt(psr, '.2f')}, DSR {_fmt(dsr, '.2f')}{trials}")
    if not passed:
        return "not enough data to judge edge"
    head = "evidence of edge" if all(passed) else "no evidence of edge"
    return f"{head} ({'; '.join(parts)})"


def _safe(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def uncertainty(
    returns: pd.Series,
    hits: npt.ArrayLike | None,
    base_rate: float | None,
    n_trials: int,
    *,
    trial_sharpes: Sequence[float] | npt.ArrayLike | None = None,
    periods_per_year: float = PERIODS_PER_YEAR,
    block: int | None = None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    alpha: float = 0.05,
    dsr_threshold: float = 0.95,
) -> dict[str, float | str | None]:
    """Confidence intervals, PSR/DSR, the hit-rate test and a verdict, JSON-safe (NaN -> None).

    ``returns`` are a strategy's per-period returns (NaN dropped); ``hits`` its 0/1 direction
    calls (correct = 1) in time order, or None; ``base_rate`` the hit rate to beat (None: 0.5);
    ``n_trials`` the number of configurations tried, for the DSR, with ``trial_sharpes`` their
    annualized Sharpe ratios if known (else the no-skill variance, see
    `deflated_sharpe_ratio`). Keys: ``sharpe_ci_low/high`` (annualized),
    ``total_return_ci_low/high``, ``hit_rate_ci_low/high``, ``hit_rate_p_value``,
    ``hit_rate_base``, ``psr``, ``dsr``, ``n_trials``, ``ci_level`` and ``verdict``
    (`edge_verdict`).
    """
    r = np.asarray(returns, dtype=float).reshape(-1)
    r = r[np.isfinite(r)]
    s_low, s_high = sharpe_ci(
        r, periods_per_year=periods_per_year, block=block, n_boot=n_boot, level=level, seed=seed
    )
    t_low, t_high = total_return_ci(r, block=block, n_boot=n_boot, level=level, seed=seed)
    psr = probabilistic_sharpe_ratio(r)
    dsr = deflated_sharpe_ratio(
        r,
        n_trials,
        trial_sharpes=trial_sharpes,
        periods_per_year=periods_per_year if trial_sharpes is not None else None,
    )
    base = 0.5 if base_rate is None else float(base_rate)
    h = None if hits is None else np.asarray(hits, dtype=float).reshape(-1)
    h = None if h is None or len(h) == 0 else h
    h_low = h_high = p_value = hit_rate = math.nan
    if h is not None:
        h_low, h_high = hit_rate_ci(h, block=block, n_boot=n_boot, level=level, seed=seed)
        hit_rate = float(h.mean())
        p_value = binomial_test(int((h > 0.5).sum()), len(h), base)
    verdict = edge_verdict(
        hit_rate=hit_rate,
        base_rate=base,
        p_value=None if h is None else p_value,
        psr=psr,
        dsr=dsr if len(r) >= 2 else None,
        n_trials=n_trials,
        alpha=alpha,
        dsr_threshold=dsr_threshold,
    )
    return {
        "sharpe_ci_low": _safe(s_low),
        "sharpe_ci_high": _safe(s_high),
        "total_return_ci_low": _safe(t_low),
        "total_return_ci_high": _safe(t_high),
        "hit_rate_ci_low": _safe(h_low),
        "hit_rate_ci_high": _safe(h_high),
        "hit_rate_p_value": _safe(p_value),
        "hit_rate_base": base if h is not None else None,
        "psr": _safe(psr),
        "dsr": _safe(dsr),
        "n_trials": n_trials,
        "ci_level": level,
        "verdict": verdict,
    }


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
