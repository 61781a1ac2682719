"""The verdicts on markets whose truth is known (`markets.py`).

Random walks (no edge; with and without drift; with and without costs) must get "no predictive
edge" and "not tradable after costs" for at least 95 % of market seeds; a planted AR(1) edge
must be found by the predictive verdict.

Fast versions run in CI: the judged predictors are the linear and momentum baselines (real
predictors, refit per walk-forward fold, deterministic and quick), each backtested and judged
by `trader.evaluate.evaluate` exactly as a model is; one planted-edge market goes through the
whole pipeline with the default dense model. The ``slow`` versions (``make slow``) judge the
default Keras models on many more markets.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from markets import ar1, random_walk

from trader.config import BacktestConfig, ModelConfig, RunConfig, default_models
from trader.evaluate import evaluate
from trader.events import quiet
from trader.research import (
    fold_masks,
    out_of_sample,
    protocol_folds,
    raw_windows,
    stitch,
    window_baseline_scores,
)
from trader.signals import contenders

JUDGED = ("linear", "previous_direction")  # judged as models: a Holm family of two
COSTS = {"with costs": BacktestConfig(), "no costs": BacktestConfig(commission=0, slippage=0)}
DRIFTS = {"no drift": 0.0, "drift": 0.0006}  # 0.06 % a day: about 16 % a year
FAST_SEEDS = range(10)
RANDOM_WALK_DAYS = 500  # about 230 test days after the first 250 days of training
EDGE_DAYS = 750  # x 3 tickers: about 1,400 test calls; a 58 % edge stands out from ~51 %
EDGE_TICKERS = ("AAA", "BBB", "CCC")


def market_config(
    backtest: BacktestConfig,
    models: list[ModelConfig] | None = None,
    tickers: tuple[str, ...] = ("SYN",),
) -> RunConfig:
    return RunConfig(
        data={"tickers": list(tickers)},
        models=models or [ModelConfig(name="unused")],
        protocol={"folds": 3, "min_train_days": 250},
        strategies=[],
        backtest=backtest,
    )


def baseline_predictions(bars: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    """Out-of-sample scores of the judged baselines, refit per fold, labelled as models."""
    windows = raw_windows(bars, config)
    frames = []
    for name in JUDGED:
        per_fold = []
        for fold in protocol_folds(windows, config):
            fit, _, test = fold_masks(windows.dates, windows.label_dates, fold)
            columns = {
                "model": name, "kind": "model", "fold": fold.index,
                "ticker": windows.tickers[test].astype(str),
                "date": pd.DatetimeIndex(windows.dates[test]),
                "score": window_baseline_scores(name, windows, fit, test),
                "forward_return": windows.forward_return[test],
            }  # fmt: skip
            per_fold.append(pd.DataFrame(columns))
        frames.append(stitch(per_fold))
    return pd.concat(frames, ignore_index=True)


def verdicts(
    bars: pd.DataFrame, predictions: pd.DataFrame, config: RunConfig
) -> dict[str, tuple[bool | None, bool | None]]:
    """Per judged model: (predictive edge?, tradable after costs?), as the report decides."""
    models = predictions[predictions["kind"] == "model"]
    entrants = [
        c for c in contenders(bars, models, config, [])
        if c.kind in ("model", "benchmark")
    ]  # fmt: skip
    outcome = evaluate(
        bars, entrants, config, start=models["date"].min(), end=models["date"].max(),
        progress=quiet,
    )  # fmt: skip
    return {
        name: (entry["predictive"]["edge"], entry["tradable"]["tradable"])
        for name, entry in outcome.entries.items()
        if entry["kind"] == "model"
    }


def _rates(name: str, predictive: list[bool | None], tradable: list[bool | None]) -> None:
    print(
        f"{name}: predictive edge in {sum(map(bool, predictive))} of {len(predictive)}, "
        f"tradable in {sum(map(bool, tradable))} of {len(tradable)}"
    )


def judge_random_walks(
    seeds: range, predict: Callable[[pd.DataFrame, RunConfig], pd.DataFrame]
) -> tuple[list[bool | None], list[bool | None]]:
    """Predictive and tradable verdicts over drifts x seeds x costs (predictions reused)."""
    predictive, tradable = [], []
    for drift in DRIFTS.values():
        for seed in seeds:
            bars = random_walk(1000 + seed, drift=drift, days=RANDOM_WALK_DAYS)
            predictions = predict(bars, market_config(COSTS["with costs"]))
            for i, backtest in enumerate(COSTS.values()):
                for edge, worth in verdicts(bars, predictions, market_config(backtest)).values():
                    tradable.append(worth)
                    if i == 0:  # calls do not depend on costs: count them once
                        predictive.append(edge)
    return predictive, tradable


def test_random_walks_show_no_edge_and_nothing_to_trade() -> None:
    predictive, tradable = judge_random_walks(FAST_SEEDS, baseline_predictions)
    _rates("baselines on 20 random walks", predictive, tradable)
    assert len(predictive) == 40 and len(tradable) == 80
    assert None not in predictive and None not in tradable
    assert np.mean([not e for e in predictive]) >= 0.95, predictive
    assert np.mean([not t for t in tradable]) >= 0.95, tradable


def test_a_planted_linear_edge_is_found_by_the_predictive_verdict() -> None:
    bars = ar1(2000, phi=0.25, days=EDGE_DAYS, tickers=EDGE_TICKERS)
    config = market_config(COSTS["no costs"], tickers=EDGE_TICKERS)
    found = verdicts(bars, baseline_predictions(bars, config), config)
    assert found["linear"][0] is True, found
    # momentum (the sign of the last return) is the right rule for phi > 0 too
    assert found["previous_direction"][0] is True, found


def test_the_default_dense_model_finds_the_planted_edge() -> None:
    dense = next(m for m in default_models() if m.kind == "dense")
    config = market_config(COSTS["with costs"], [dense], EDGE_TICKERS)
    bars = ar1(3000, phi=0.25, days=EDGE_DAYS, tickers=EDGE_TICKERS)
    outcome = out_of_sample(bars, config, progress=quiet)
    found = verdicts(bars, outcome.predictions, config)
    assert found["dense"][0] is True, found


# --- the long versions: `make slow` ---------------------------------------------------------

MANY_SEEDS = range(50)  # 100 markets: the false-alarm rates measured, not just bounded
KERAS_SEEDS = range(10)  # 20 markets, each training the default LSTM and dense models


def keras_predictions(bars: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    """The default models' out-of-sample predictions (each market trains them afresh)."""
    configured = config.model_copy(update={"models": default_models()})
    predictions = out_of_sample(bars, configured, progress=quiet).predictions
    return predictions[predictions["kind"] == "model"]


@pytest.mark.slow
def test_slow_random_walks_many_markets() -> None:
    predictive, tradable = judge_random_walks(MANY_SEEDS, baseline_predictions)
    _rates("baselines on 100 random walks", predictive, tradable)
    assert np.mean([not e for e in predictive]) >= 0.95
    assert np.mean([not t for t in tradable]) >= 0.95


@pytest.mark.slow
def test_slow_random_walks_with_the_default_models() -> None:
    predictive, tradable = judge_random_walks(KERAS_SEEDS, keras_predictions)
    _rates("default models on 20 random walks", predictive, tradable)
    assert len(predictive) == 40 and len(tradable) == 80
    assert np.mean([not e for e in predictive]) >= 0.95
    assert np.mean([not t for t in tradable]) >= 0.95


@pytest.mark.slow
def test_slow_planted_edge_found_by_the_default_models() -> None:
    found = []
    for seed in range(5):
        bars = ar1(4000 + seed, phi=0.25, days=EDGE_DAYS, tickers=EDGE_TICKERS)
        config = market_config(COSTS["with costs"], tickers=EDGE_TICKERS)
        found.append(verdicts(bars, keras_predictions(bars, config), config))
    for name in ("lstm", "dense"):
        hits = [f[name][0] for f in found]
        print(f"{name} found the planted edge in {sum(map(bool, hits))} of {len(hits)}")
        assert np.mean(hits) >= 0.8, (name, hits)
