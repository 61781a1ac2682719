"""The verdicts on every model of a backtest: intervals, the two-part verdict, the "vs" lines.

Given every contender's daily returns after costs and predictions (`trader.evaluate.compare`),
each model entry of the report gets:

* ``uncertainty``: 95 % block-bootstrap intervals of its own Sharpe ratio, total return and
  hit rate (descriptive: they say how precisely each number is known, not whether it beats
  anything);
* ``predictive`` and ``tradable``: the two-part verdict (`trader.evaluate.verdicts`), with the
  Holm family made of the run's models (each model's own predictions; ``<model>+<rule>``
  contenders share their model's calls and its test) and the DSR counting every trial recorded
  on the dataset (`trader.evaluate.trials`);
* ``verdict``: both parts in one line;
* ``versus``: paired comparisons with each baseline, the benchmark and the other models
  (`trader.evaluate.versus`);
* ``seeds``: the spread across training seeds, with seed repeats (`trader.evaluate.seeds`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trader.config import RunConfig
from trader.evaluate.bootstrap import (
    PERIODS_PER_YEAR,
    default_block,
    hit_rate_ci,
    sharpe_ci,
    total_return_ci,
)
from trader.evaluate.dependence import effective_sample_size
from trader.evaluate.metrics import sharpe
from trader.evaluate.paired import return_difference
from trader.evaluate.predictions import hits
from trader.evaluate.seeds import SEED_METRICS, seed_sd, seed_spreads
from trader.evaluate.stats import (
    CallsTest,
    calls_test,
    deflated_sharpe_ratio,
    holm,
    probabilistic_sharpe_ratio,
)
from trader.evaluate.trials import TrialCount
from trader.evaluate.verdicts import Predictive, Tradable, verdict_line
from trader.evaluate.versus import Side, paired_comparison

LEVEL = 0.95


def base_rate(predictions: pd.DataFrame) -> float:
    """The better of "always up" and "always down" over the predictions' realized moves."""
    known = predictions["forward_return"].dropna()
    up = float((known > 0).mean()) if len(known) else 0.5
    return max(up, 1.0 - up)


def intervals(returns: pd.Series, calls: np.ndarray | None, horizon: int) -> dict[str, Any]:
    """95 % block-bootstrap intervals of the Sharpe ratio, total return and hit rate."""
    r = returns.to_numpy(float)
    s_low, s_high = sharpe_ci(r, level=LEVEL)
    t_low, t_high = total_return_ci(r, level=LEVEL)
    h_low = h_high = np.nan
    if calls is not None and len(calls):
        block = max(default_block(len(calls)), horizon)  # overlapping labels: whole horizons
        h_low, h_high = hit_rate_ci(calls, block=block, level=LEVEL)
    return {
        "sharpe_ci_low": s_low, "sharpe_ci_high": s_high,
        "total_return_ci_low": t_low, "total_return_ci_high": t_high,
        "hit_rate_ci_low": h_low, "hit_rate_ci_high": h_high,
        "ci_level": LEVEL, "block": default_block(len(r)),
    }  # fmt: skip


def _predictor(name: str, predictions: pd.DataFrame) -> str:
    """Whose calls a contender trades: the ``model`` column of its predictions."""
    return str(predictions["model"].iloc[0]) if len(predictions) else name


def judge(
    entries: dict[str, dict[str, Any]],
    returns: dict[str, pd.Series],
    predictions: dict[str, pd.DataFrame],
    config: RunConfig,
    trials: TrialCount,
    benchmark: str,
) -> None:
    """Add ``uncertainty``, ``predictive``, ``tradable``, ``verdict``, ``versus`` and ``seeds``."""
    horizon = config.window.horizon
    models = [n for n, e in entries.items() if e["kind"] == "model"]
    primaries = [m.name for m in config.models if m.name in entries]
    calls = {n: hits(predictions[n]) for n in models if n in predictions}
    # one test per distinct predictor: a <model>+<rule> contender trades its model's calls
    predictor = {n: _predictor(n, predictions[n]) for n in calls}
    tests: dict[str, CallsTest] = {}
    for name in calls:
        if predictor[name] not in tests:
            lags = max(default_block(len(calls[name])), horizon)
            tests[predictor[name]] = calls_test(calls[name], base_rate(predictions[name]), lags)
    family = list(tests)
    adjusted = dict(zip(family, holm([tests[n].p_value for n in family]), strict=True))
    spreads = seed_spreads(config, {n: e["total"] for n, e in entries.items()})
    bench = returns[benchmark]
    for name in models:
        entry = entries[name]
        entry["uncertainty"] = intervals(returns[name], calls.get(name), horizon)
        predictive = None
        if name in calls:
            t = tests[predictor[name]]
            predictive = Predictive(
                t.hit_rate, t.base_rate, t.calls, t.effective_calls, t.p_value,
                adjusted[predictor[name]], len(family),
            )  # fmt: skip
            entry["predictive"] = predictive.as_dict()
        both = pd.concat([returns[name], bench], axis=1, join="inner").dropna()
        verdict = tradable_of(both.iloc[:, 0], both.iloc[:, 1], benchmark, trials, horizon)
        entry["tradable"] = verdict.as_dict()
        entry["verdict"] = verdict_line(predictive, verdict)
        entry["versus"] = versus_lines(
            name, entries, returns, predictions, spreads, primaries, horizon
        )
        if name in spreads:
            entry["seeds"] = spreads[name]


def tradable_of(
    mine: pd.Series, bench: pd.Series, bench_name: str, trials: TrialCount, horizon: int
) -> Tradable:
    """`Tradable` of daily returns ``mine`` against the benchmark's on the same days."""
    excess = mine - bench
    block = max(default_block(len(excess)), horizon)
    defined = len(trials.excess_sharpes) > 1  # else: the no-skill variance 1 / (T - 1)
    dsr = deflated_sharpe_ratio(
        excess,
        max(trials.trials, 1),
        trial_sharpes=trials.excess_sharpes if defined else None,
        periods_per_year=PERIODS_PER_YEAR if defined else None,
    )
    return Tradable(
        benchmark=bench_name,
        excess=return_difference(mine, bench, block=block),
        excess_sharpe=sharpe(excess),
        psr=probabilistic_sharpe_ratio(excess),
        dsr=dsr,
        effective_days=effective_sample_size(excess.to_numpy(float)),
        trials=trials.trials,
        trial_runs=len(trials.runs),
    )


def versus_lines(
    name: str,
    entries: dict[str, dict[str, Any]],
    returns: dict[str, pd.Series],
    predictions: dict[str, pd.DataFrame],
    spreads: dict[str, Any],
    primaries: list[str],
    horizon: int = 1,
) -> list[dict[str, Any]]:
    """Paired comparisons of model ``name`` with the baselines, the benchmark and (for a
    configured model) the other configured models."""

    def side(n: str) -> Side:
        noise = {m: seed_sd(spreads, n, m) for m in SEED_METRICS} if n in spreads else None
        return Side(n, returns[n], predictions.get(n), noise)

    others = [n for n, e in entries.items() if e["kind"] in ("baseline", "benchmark")]
    if name in primaries:
        others += [n for n in primaries if n != name]
    mine = side(name)
    block = max(default_block(len(mine.returns)), horizon)
    return [paired_comparison(mine, side(other), block=block) for other in others]
