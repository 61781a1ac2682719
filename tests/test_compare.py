"""Contenders: rules listed twice get distinct names, score-following rules apply per model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trader.config import RunConfig, StrategyConfig
from trader.data.ingestion import read_sample
from trader.errors import ConfigError
from trader.signals import check_strategies, contenders, rule_label

FAST = StrategyConfig(name="ma_cross", params={"fast": 5, "slow": 20})
SLOW = StrategyConfig(name="ma_cross", params={"fast": 10, "slow": 50})


def test_a_rule_listed_twice_is_named_by_its_parameters() -> None:
    rules = [FAST, SLOW, StrategyConfig(name="rci")]
    assert rule_label(FAST, rules) == "ma_cross(fast=5, slow=20)"
    assert rule_label(SLOW, rules) == "ma_cross(fast=10, slow=50)"
    assert rule_label(rules[2], rules) == "rci"


def test_the_same_rule_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="'ma_cross' is listed twice with the same parameters"):
        check_strategies([FAST, StrategyConfig(name="ma_cross", params={"fast": 5, "slow": 20})])


def test_score_following_rules_apply_to_every_model() -> None:
    bars = read_sample(["AAPL"]).tail(120).reset_index(drop=True)
    dates = bars["date"].iloc[60:]
    rng = np.random.default_rng(0)
    predictions = pd.concat(
        pd.DataFrame(
            {
                "model": name,
                "kind": kind,
                "ticker": "AAPL",
                "date": dates.to_numpy(),
                "score": rng.uniform(-1, 1, len(dates)),
            }
        )
        for name, kind in (("lstm", "model"), ("dense", "model"), ("linear", "baseline"))
    )
    strict = StrategyConfig(name="model_threshold", params={"long_threshold": 0.5})
    rules = [FAST, SLOW, strict, StrategyConfig(name="buy_and_hold")]
    found = {c.name: c for c in contenders(bars, predictions, RunConfig(), rules)}
    assert list(found) == [
        "lstm", "dense", "linear", "buy_and_hold", "ma_cross(fast=5, slow=20)",
        "ma_cross(fast=10, slow=50)", "lstm+model_threshold", "dense+model_threshold",
    ]  # fmt: skip
    strict_lstm, lstm = found["lstm+model_threshold"], found["lstm"]
    assert strict_lstm.kind == "model" and strict_lstm.predictions is lstm.predictions
    # a higher threshold is long on fewer days than the default one
    assert 0 < (strict_lstm.targets > 0).to_numpy().sum() < (lstm.targets > 0).to_numpy().sum()
