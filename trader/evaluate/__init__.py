"""Stage 6, evaluate: how good the predictions and the trading were, and how sure we can be.

- `metrics`, `trade_metrics`: returns, risk, drawdown, exposure, turnover; round-trip statistics
- `scoring`, `predictions`: hit rate and classification/regression scores of predictions
- `dependence`: autocorrelation, the dependence horizon (block length), effective sample size
- `bootstrap`, `paired`: block-bootstrap intervals; paired bootstrap of differences
- `stats`: PSR, DSR, the binomial test of calls, Holm's adjustment, McNemar's test
- `verdicts`, `wording`: the two-part verdict (predictive, tradable) in words that match its numbers
- `versus`: paired "beats / worse / no significant difference" comparisons of two contenders
- `trials`, `seeds`: every trial counted for the DSR; the spread across training seeds
- `compare`, `judge`: every contender over the same period with the same costs; the verdicts
- `audit`, `audit_checks`: the leakage audit (future perturbation, canary, fill timing)
- `replay`: how a replayed run differs from its record, and why
"""

from __future__ import annotations

from trader.evaluate.audit import AuditResult, run_audit
from trader.evaluate.audit_checks import Check
from trader.evaluate.compare import Outcome, evaluate
from trader.evaluate.dependence import effective_sample_size, variance_inflation
from trader.evaluate.judge import base_rate, tradable_of
from trader.evaluate.metrics import daily_returns, drawdown, summarize
from trader.evaluate.paired import Difference, return_difference, sharpe_difference
from trader.evaluate.predictions import direction_scores, hits, prediction_table
from trader.evaluate.replay import ReplayResult, causes, frame_differences, metric_differences
from trader.evaluate.stats import (
    binomial_test,
    calls_test,
    deflated_sharpe_from_stats,
    deflated_sharpe_ratio,
    holm,
    mcnemar,
    probabilistic_sharpe_ratio,
)
from trader.evaluate.trials import TrialCount, count_trials
from trader.evaluate.verdicts import ALPHA, DSR_THRESHOLD, Predictive, Tradable
from trader.evaluate.versus import Side, paired_comparison

__all__ = [
    "ALPHA",
    "DSR_THRESHOLD",
    "AuditResult",
    "Check",
    "Difference",
    "Outcome",
    "Predictive",
    "ReplayResult",
    "Side",
    "Tradable",
    "TrialCount",
    "base_rate",
    "binomial_test",
    "calls_test",
    "causes",
    "count_trials",
    "daily_returns",
    "deflated_sharpe_from_stats",
    "deflated_sharpe_ratio",
    "direction_scores",
    "drawdown",
    "effective_sample_size",
    "evaluate",
    "frame_differences",
    "hits",
    "holm",
    "mcnemar",
    "metric_differences",
    "paired_comparison",
    "prediction_table",
    "probabilistic_sharpe_ratio",
    "return_difference",
    "run_audit",
    "sharpe_difference",
    "summarize",
    "tradable_of",
    "variance_inflation",
]
