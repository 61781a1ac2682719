"""Paired "vs" lines: McNemar on the calls, the paired bootstrap on the money, seed noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trader.evaluate.stats import mcnemar
from trader.evaluate.versus import NO_DIFFERENCE, Side, paired_comparison

DAYS = pd.bdate_range("2019-01-01", periods=600)


def predictions(hit_prob: float, truth: np.ndarray, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    right = rng.random(len(truth)) < hit_prob
    score = np.where(right, np.sign(truth), -np.sign(truth))
    return pd.DataFrame(
        {"ticker": "AAA", "date": DAYS, "score": score, "forward_return": truth, "model": "m"}
    )


@pytest.fixture
def market() -> tuple[pd.Series, np.ndarray]:
    rng = np.random.default_rng(0)
    returns = pd.Series(rng.normal(0.0003, 0.01, len(DAYS)), index=DAYS)
    return returns, rng.normal(0, 0.01, len(DAYS))


def test_a_clearly_better_model_beats_on_calls_and_money(
    market: tuple[pd.Series, np.ndarray],
) -> None:
    returns, truth = market
    rng = np.random.default_rng(1)
    good = Side("good", returns + rng.normal(0.002, 0.002, len(DAYS)), predictions(0.6, truth, 2))
    bad = Side("bad", returns, predictions(0.5, truth, 3))
    line = paired_comparison(good, bad)
    calls = line["calls"]
    assert calls["result"] == "beats" and calls["p_value"] < 0.05
    truth_calls = (np.sign(truth) > 0).astype(float)
    own = (good.predictions["score"] > 0) == (truth_calls > 0)  # type: ignore[index]
    other = (bad.predictions["score"] > 0) == (truth_calls > 0)  # type: ignore[index]
    assert calls["p_value"] == pytest.approx(mcnemar(own, other).p_value)
    assert line["return"]["result"] == "beats" and line["sharpe"]["result"] == "beats"
    assert line["text"].startswith("good vs bad: hit rate ")
    assert ": beats (McNemar p=" in line["text"] and "return after costs +" in line["text"]
    back = paired_comparison(bad, good)
    assert back["calls"]["result"] == "worse" and back["return"]["result"] == "worse"


def test_a_tiny_difference_is_no_significant_difference(
    market: tuple[pd.Series, np.ndarray],
) -> None:
    returns, truth = market
    rng = np.random.default_rng(4)
    calls = predictions(0.58, truth, 5)
    flipped = calls.assign(score=calls["score"].where(calls.index % 100 != 0, -calls["score"]))
    a = Side("a", returns + rng.normal(0, 0.0001, len(DAYS)), calls)
    b = Side("b", returns, flipped)  # the same calls but 6 of 600
    line = paired_comparison(a, b)
    assert line["calls"]["result"] == NO_DIFFERENCE and line["return"]["result"] == NO_DIFFERENCE
    assert f"{NO_DIFFERENCE} (McNemar p=" in line["text"]


def test_no_calls_for_the_benchmark_and_seed_noise(market: tuple[pd.Series, np.ndarray]) -> None:
    returns, truth = market
    model = Side(
        "lstm",
        returns * 1.01,
        predictions(0.55, truth, 7),
        noise={"hit_rate": 0.03, "sharpe": 0.5, "total_return": 0.08, "auc": 0.02},
    )
    bench = Side("buy_and_hold", returns)
    line = paired_comparison(model, bench)
    assert "calls" not in line and line["text"].startswith("lstm vs buy_and_hold: return after")
    assert "within seed noise: seed sd 8.0%" in line["return"]["text"]
    assert "within seed noise: seed sd 0.50" in line["sharpe"]["text"]
    # a difference larger than the spread is not called noise
    far = Side("far", returns - 0.003, predictions(0.3, truth, 8))
    assert "seed noise" not in paired_comparison(model, far)["return"]["text"]
