"""One trial, start to finish: train walk-forward, backtest, keep the numbers. Safe to rerun.

`run_trial` is what a worker executes (in this process or on a Dask worker): it claims the
trial, runs the pipeline with the trial's config, and stores the result under the trial's key.
A trial already ``done`` is skipped; a second result for the same key is not stored (Dask may
run a task twice when a worker dies). The database, not a folder listing, says what is done.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import asdict, dataclass
from typing import Any

from trader import pipeline
from trader.config import parse_config
from trader.data import Store, claim_trial, fail_trial, finish_trial
from trader.errors import TraderError

#: per-model numbers kept from the report's portfolio line
TOTAL_METRICS = (
    "hit_rate", "accuracy", "precision", "recall", "f1", "auc", "total_return", "cagr",
    "sharpe", "sortino", "max_drawdown", "trades", "exposure", "turnover",
)  # fmt: skip
UNCERTAINTY_METRICS = ("sharpe_ci_low", "sharpe_ci_high", "hit_rate_ci_low", "hit_rate_ci_high")
#: the two-part verdict: calls against the base rate, money against buy-and-hold
PREDICTIVE_METRICS = ("base_rate", "p_value", "p_adjusted", "edge")
TRADABLE_METRICS = ("excess_sharpe", "psr", "dsr", "effective_days", "trials", "tradable")


@dataclass(frozen=True)
class TrialSpec:
    """What a worker needs to run a trial: plain data, so it pickles to any process."""

    key: str
    experiment: str
    model: str
    config: dict[str, Any]


@dataclass(frozen=True)
class TrialOutcome:
    key: str
    status: str  # done | failed | skipped
    error: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def trial_metrics(report: dict[str, Any], model: str, timings: dict[str, float]) -> dict[str, Any]:
    """The numbers an experiment compares, from a backtest report of a one-model run."""
    entry = report["strategies"][model]
    total, doubt = entry["total"], entry.get("uncertainty", {})
    hold = report["strategies"].get("buy_and_hold", {}).get("total", {})
    out: dict[str, Any] = {k: total.get(k) for k in TOTAL_METRICS}
    out.update({k: doubt.get(k) for k in UNCERTAINTY_METRICS})
    calls, money = entry.get("predictive", {}), entry.get("tradable", {})
    out.update({f"predictive_{k}": calls.get(k) for k in PREDICTIVE_METRICS})
    out.update({k: money.get(k) for k in TRADABLE_METRICS})
    # the paired block-bootstrap of the compounded excess return (`Tradable.as_dict`)
    out["excess_return"] = money.get("excess_difference")
    out.update({k: money.get(k) for k in ("excess_ci_low", "excess_ci_high", "excess_p_value")})
    out["dataset"] = (report.get("trials") or {}).get("dataset")
    training = report["training"].get(model, {})
    out["epochs"] = sum(training.get("epochs_run", []))
    out.update({k: training.get(k) for k in ("fit_seconds", "predict_seconds", "params")})
    out["buy_and_hold_return"] = hold.get("total_return")
    out["buy_and_hold_sharpe"] = hold.get("sharpe")
    out["test_start"] = report["periods"]["test_start"]
    out["test_end"] = report["periods"]["test_end"]
    out.update(timings)
    return out


def run_trial(spec: dict[str, Any], db_url: str) -> dict[str, str]:
    """Run the trial ``spec`` (a `TrialSpec` as a dict) against the database at ``db_url``."""
    trial = TrialSpec(**spec)
    store = Store(db_url)
    try:
        worker = f"{socket.gethostname()}:{os.getpid()}"
        if not claim_trial(store, trial.key, worker):
            return TrialOutcome(trial.key, "skipped").as_dict()
        try:
            config = parse_config(trial.config, origin=f"trial {trial.key}")
            started = time.perf_counter()
            trained = pipeline.train(config, store)
            trained_at = time.perf_counter()
            report = pipeline.backtest(trained.run_id, store)
            timings = {
                "train_seconds": trained_at - started,
                "backtest_seconds": time.perf_counter() - trained_at,
            }
        except TraderError as err:  # a configuration that cannot run: recorded, sweep goes on
            fail_trial(store, trial.key, str(err))
            return TrialOutcome(trial.key, "failed", str(err)).as_dict()
        except Exception as err:  # a crash inside one trial: recorded with its type, then raised
            fail_trial(store, trial.key, f"{type(err).__name__}: {err}")
            raise
        metrics = trial_metrics(report, trial.model, timings)
        finish_trial(
            store, trial.key, run_id=trained.run_id, record_id=report["record_id"], metrics=metrics
        )
        return TrialOutcome(trial.key, "done").as_dict()
    finally:
        store.dispose()
