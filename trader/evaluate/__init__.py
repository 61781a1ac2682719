"""Stage 6, evaluate: how good the predictions and the trading were, and how sure we can be.

- `metrics`, `trade_metrics`: returns, risk, drawdown, exposure, turnover; round-trip statistics
- `scoring`, `predictions`: hit rate and classification/regression scores of predictions
- `bootstrap`, `stats`: block-bootstrap intervals, PSR, DSR, the binomial test, the verdict
- `compare`: every contender backtested over the same period with the same costs; "beats" lines
- `audit`, `audit_checks`: the leakage audit (future perturbation, canary, fill timing)
- `replay`: how a replayed run differs from its record, and why
"""

from __future__ import annotations

from trader.evaluate.audit import AuditResult, run_audit
from trader.evaluate.audit_checks import Check
from trader.evaluate.compare import Outcome, evaluate, versus
from trader.evaluate.metrics import daily_returns, drawdown, summarize
from trader.evaluate.predictions import direction_scores, hits, prediction_table
from trader.evaluate.replay import ReplayResult, causes, frame_differences, metric_differences
from trader.evaluate.stats import (
    binomial_test,
    deflated_sharpe_from_stats,
    deflated_sharpe_ratio,
    edge_verdict,
    probabilistic_sharpe_ratio,
    uncertainty,
)

__all__ = [
    "AuditResult",
    "Check",
    "Outcome",
    "ReplayResult",
    "binomial_test",
    "causes",
    "daily_returns",
    "deflated_sharpe_from_stats",
    "deflated_sharpe_ratio",
    "direction_scores",
    "drawdown",
    "edge_verdict",
    "evaluate",
    "frame_differences",
    "hits",
    "metric_differences",
    "prediction_table",
    "probabilistic_sharpe_ratio",
    "run_audit",
    "summarize",
    "uncertainty",
    "versus",
]
