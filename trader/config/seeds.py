"""Seed repeats: every model trained once per seed, so its spread across seeds can be seen.

A model's seeds are, in this order of precedence: its own ``seeds: [...]``, its own ``repeats:
K`` (``seed, seed + 1, ..., seed + K - 1``), the run's ``seeds``, the run's ``repeats`` (again
counted from the model's ``seed``), else just its ``seed``. The first seed is *the* model: its
predictions carry the model's name and are what the report judges; the other seeds are
trained on the same folds under ``<name>@seed<N>`` with kind ``seed`` and give the spread.
"""

from __future__ import annotations

from dataclasses import dataclass

from trader.config.sections import ModelConfig, RunConfig

SEED_KIND = "seed"


@dataclass(frozen=True)
class SeedVariant:
    """One training of one model: its name in the predictions and its config (with the seed)."""

    name: str
    parent: str
    model: ModelConfig
    primary: bool


def model_seeds(config: RunConfig, model: ModelConfig) -> list[int]:
    """The seeds ``model`` is trained with in ``config`` (the first one is the model itself)."""
    if model.seeds is not None:
        return list(model.seeds)
    if model.repeats is not None:
        return [model.seed + i for i in range(model.repeats)]
    if config.seeds is not None:
        return list(config.seeds)
    if config.repeats is not None:
        return [model.seed + i for i in range(config.repeats)]
    return [model.seed]


def seed_name(parent: str, seed: int) -> str:
    """The name of a non-first seed's predictions: ``lstm@seed43``."""
    return f"{parent}@seed{seed}"


def seed_variants(config: RunConfig) -> list[SeedVariant]:
    """Every (model, seed) training of ``config``, models in order, first seeds first."""
    out = []
    for model in config.models:
        for i, seed in enumerate(model_seeds(config, model)):
            out.append(
                SeedVariant(
                    name=model.name if i == 0 else seed_name(model.name, seed),
                    parent=model.name,
                    model=model.model_copy(update={"seed": seed}),
                    primary=i == 0,
                )
            )
    return out


def recorded_seeds(config: RunConfig) -> dict[str, int | list[int]]:
    """What a run record stores: each model's seed, or its list of seeds with repeats."""
    seeds = {m.name: model_seeds(config, m) for m in config.models}
    return {name: s[0] if len(s) == 1 else s for name, s in seeds.items()}
