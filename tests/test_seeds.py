"""Seed repeats: which seeds each model trains with, and the spread across them."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from trader.config import (
    ModelConfig,
    RunConfig,
    model_seeds,
    recorded_seeds,
    seed_variants,
    with_override,
)
from trader.evaluate.audit import audit_config
from trader.evaluate.seeds import seed_sd, seed_spreads, spread


def test_which_seeds_a_model_trains_with() -> None:
    own = ModelConfig(name="a", seed=7, seeds=[3, 1])
    counted = ModelConfig(name="b", seed=10, repeats=3)
    plain = ModelConfig(name="c", seed=5)
    run = RunConfig(models=[own, counted, plain])
    assert [model_seeds(run, m) for m in run.models] == [[3, 1], [10, 11, 12], [5]]
    everywhere = RunConfig(models=[own, counted, plain], repeats=2)
    assert model_seeds(everywhere, plain) == [5, 6]  # the run's setting, from its own seed
    assert model_seeds(everywhere, own) == [3, 1]  # the model's own setting wins
    listed = RunConfig(models=[plain], seeds=[0, 9])
    assert model_seeds(listed, plain) == [0, 9]
    assert recorded_seeds(run) == {"a": [3, 1], "b": [10, 11, 12], "c": 5}
    variants = seed_variants(run)
    assert [(v.name, v.model.seed, v.primary) for v in variants[:3]] == [
        ("a", 3, True), ("a@seed1", 1, False), ("b", 10, True),
    ]  # fmt: skip
    assert {v.parent for v in variants} == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"repeats": 2, "seeds": [1, 2]}, "give repeats or seeds, not both"),
        ({"seeds": []}, "at least one, each listed once"),
        ({"seeds": [1, 1]}, "at least one, each listed once"),
        ({"repeats": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_repeat_settings_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ModelConfig(name="m", **settings)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        RunConfig(**settings)  # type: ignore[arg-type]


def test_seed_names_are_reserved_and_overrides_reach_repeats() -> None:
    # '@' is not a name character, so no configured model can take a seed variant's name
    with pytest.raises(ValidationError, match="model name 'x@seed3' is not a name"):
        RunConfig(models=[ModelConfig(name="x@seed3")])
    run = with_override(RunConfig(), "models.lstm.repeats", 4)
    assert model_seeds(run, run.models[0]) == [42, 43, 44, 45]
    assert model_seeds(with_override(RunConfig(), "seeds", [1, 2]), run.models[1]) == [1, 2]


def test_the_audit_trains_the_first_seed_once() -> None:
    run = RunConfig(models=[ModelConfig(name="m", seeds=[8, 9])], repeats=None)
    audited = audit_config(run)
    assert [(v.name, v.model.seed) for v in seed_variants(audited)] == [("m", 8)]


def test_spread_across_seeds() -> None:
    s = spread([0.5, 0.6, None, math.nan, 0.7])
    assert s["mean"] == pytest.approx(0.6) and s["sd"] == pytest.approx(0.1)
    assert (s["min"], s["max"], s["values"]) == (0.5, 0.7, [0.5, 0.6, 0.7])
    assert math.isnan(spread([0.5])["sd"]) and spread([])["values"] == []
    run = RunConfig(models=[ModelConfig(name="m", repeats=3), ModelConfig(name="n")])
    totals = {
        "m": {"hit_rate": 0.52, "auc": 0.5, "sharpe": 0.3, "total_return": 0.1},
        "m@seed43": {"hit_rate": 0.54, "auc": 0.52, "sharpe": 0.1, "total_return": 0.05},
        "m@seed44": {"hit_rate": 0.50, "auc": None, "sharpe": -0.2, "total_return": -0.02},
        "n": {"hit_rate": 0.51},
    }
    spreads = seed_spreads(run, totals)
    assert list(spreads) == ["m"] and spreads["m"]["seeds"] == [42, 43, 44]
    assert spreads["m"]["hit_rate"]["sd"] == pytest.approx(0.02)
    assert spreads["m"]["auc"]["values"] == [0.5, 0.52]
    assert seed_sd(spreads, "m", "sharpe") == pytest.approx(0.2516611, rel=1e-5)
    assert math.isnan(seed_sd(spreads, "n", "sharpe"))
