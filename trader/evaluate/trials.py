"""Every trial counted: what identifies a configuration, and what the DSR deflates by.

Each contender of a backtest except the benchmark is a trial on the backtest's dataset
(`trader.data.trials`). Its identity is a hash of what was tried: for a model its settings with
the seed (not its name), the windows, the protocol and the signal settings; for a baseline its
name with the same; for a rule its parameters; for all of them the costs and the test period.
The DSR of a model then uses every trial recorded on the dataset so far, this backtest's
included: their number ``N`` and the variance of their annualized excess Sharpe ratios (the
paper's estimator; the no-skill sampling variance when fewer than two are defined).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.config import RunConfig, seed_variants
from trader.data import Dataset, TrialRecord
from trader.signals import rule_label

_NOT_IDENTITY = ("name", "repeats", "seeds")  # a model's label and its repeat settings


@dataclass(frozen=True)
class TrialCount:
    """The trials a DSR deflates by: how many, from which runs, and their Sharpe spread."""

    dataset: Dataset
    trials: int
    this_run: int
    runs: list[str]
    excess_sharpes: list[float]  # annualized, the defined ones

    @property
    def sharpe_variance(self) -> float:
        """Sample variance (``ddof=1``) of the trials' annualized excess Sharpe ratios; NaN < 2."""
        values = np.asarray(self.excess_sharpes, dtype=float)
        return float(values.var(ddof=1)) if len(values) > 1 else math.nan

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset.as_dict(),
            "count": self.trials,
            "this_run": self.this_run,
            "runs": self.runs,
            "excess_sharpe_variance": self.sharpe_variance,
        }


def config_hash(identity: dict[str, Any]) -> str:
    """SHA-256 of a configuration's identity (canonical JSON)."""
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def contender_identity(
    name: str, kind: str, config: RunConfig, start: pd.Timestamp, end: pd.Timestamp
) -> dict[str, Any]:
    """What was tried when contender ``name`` ran: the configuration a trial stands for."""
    common: dict[str, Any] = {
        "backtest": config.backtest.model_dump(mode="json"),
        "test": [str(start.date()), str(end.date())],
    }
    predictor = {
        "window": config.window.model_dump(mode="json"),
        "protocol": config.protocol.model_dump(mode="json"),
        "signal": config.signal.model_dump(mode="json"),
    }
    models = {
        v.name: {k: w for k, w in v.model.model_dump(mode="json").items() if k not in _NOT_IDENTITY}
        for v in seed_variants(config)
    }
    if name in models:
        return {**common, **predictor, "model": models[name]}
    if kind == "baseline":
        return {**common, **predictor, "baseline": name}
    for rule in config.strategies:
        label = rule_label(rule, config.strategies)
        if kind == "rule" and name == label:
            return {**common, "rule": rule.model_dump(mode="json")}
        for model in config.models:
            if name == f"{model.name}+{label}":
                rule_id = rule.model_dump(mode="json")
                return {**common, **predictor, "model": models[model.name], "rule": rule_id}
    return {**common, "name": name, "kind": kind}


def annual(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def count_trials(
    dataset: Dataset, past: Sequence[TrialRecord], current: Sequence[TrialRecord]
) -> TrialCount:
    """The trials on ``dataset``: the recorded ones, with this run's replacing the same configs."""
    merged = {t.config_hash: t for t in past if t.dataset == dataset}
    merged.update({t.config_hash: t for t in current})
    sharpes = [t.excess_sharpe for t in merged.values() if t.excess_sharpe is not None]
    return TrialCount(
        dataset=dataset,
        trials=len(merged),
        this_run=len({t.config_hash for t in current}),
        runs=sorted({t.run_id for t in merged.values()}),
        excess_sharpes=[float(s) for s in sharpes if math.isfinite(s)],
    )
