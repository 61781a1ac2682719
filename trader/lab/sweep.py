"""The configurations of a sweep, and the trials (configuration x seed) they make.

A configuration is the base config with the swept key paths set; its key is a hash of the
whole resolved config, so two sweep points that give the same config are one configuration
(repeated combinations are dropped). A trial is a configuration trained with one seed: repeat
r adds r to the model's seed. Grid and random sweeps are fixed lists; optuna sweeps are asked
batch by batch (`trader.lab.search`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from trader.config import RunConfig, with_override
from trader.errors import ConfigError
from trader.lab.experiment import MAX_CONFIGURATIONS, Experiment, Range

DRAW_ATTEMPTS = 50  # random sweeps: draws per wanted configuration before giving up on new ones


@dataclass(frozen=True)
class Configuration:
    """One point of a sweep: the swept values and the run config they give."""

    params: dict[str, Any]
    config: RunConfig

    @property
    def key(self) -> str:
        return config_key(self.config)


def config_key(config: RunConfig) -> str:
    """A short hash of the whole resolved config: equal configs, equal keys."""
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def configure(experiment: Experiment, params: dict[str, Any]) -> Configuration:
    """The base config with ``params`` (key path -> value) set."""
    config = experiment.base_config()
    for key, value in params.items():
        group = experiment.sweep.together.get(key)
        for path, setting in (value if group is not None else {key: value}).items():
            config = with_override(config, path, setting)
    return Configuration(dict(params), config)


def seeded(config: RunConfig, repeat: int) -> RunConfig:
    """The config of repeat ``repeat``: the model's seed plus ``repeat``."""
    model = config.models[0]
    return with_override(config, f"models.{model.name}.seed", model.seed + repeat)


def trial_key(experiment: str, configuration: str, repeat: int) -> str:
    return f"{experiment}/{configuration}/r{repeat}"


def _unique(configurations: list[Configuration]) -> list[Configuration]:
    seen: set[str] = set()
    out = []
    for c in configurations:
        if c.key not in seen:
            seen.add(c.key)
            out.append(c)
    return out


def grid(experiment: Experiment) -> list[Configuration]:
    """Every combination of the swept values, in the file's order (last key varies fastest)."""
    keys = list(experiment.sweep.choices)
    axes = [
        v.grid() if isinstance(v, Range) else list(v) for v in experiment.sweep.choices.values()
    ]
    size = int(np.prod([len(a) for a in axes])) if axes else 1
    if size > MAX_CONFIGURATIONS:
        raise ConfigError(
            f"experiment {experiment.name}: the grid has {size} configurations "
            f"(at most {MAX_CONFIGURATIONS}); use method: random or optuna with n"
        )
    points = [dict(zip(keys, values, strict=True)) for values in itertools.product(*axes)]
    return _unique([configure(experiment, p) for p in points])


def draw(experiment: Experiment) -> list[Configuration]:
    """``n`` configurations drawn from ``seed`` (fewer when the space has fewer)."""
    sweep = experiment.sweep
    wanted = sweep.n or 0
    rng = np.random.default_rng(sweep.seed)
    out: list[Configuration] = []
    seen: set[str] = set()
    for _ in range(wanted * DRAW_ATTEMPTS):
        if len(out) == wanted:
            break
        point = {
            key: v.draw(rng) if isinstance(v, Range) else v[int(rng.integers(len(v)))]
            for key, v in sweep.choices.items()
        }
        configuration = configure(experiment, point)
        if configuration.key not in seen:
            seen.add(configuration.key)
            out.append(configuration)
    return out


def check_models(experiment: Experiment, configurations: list[Configuration]) -> None:
    """Refuse a sweep with a configuration whose model cannot train (e.g. hinge on 0/1
    labels) before anything runs, naming the configuration."""
    from trader import models

    for c in configurations:
        label = c.config.window.label
        try:
            models.check_compatible(c.config.models[0], label, 3 if label == "multiclass" else 2)
        except ConfigError as err:
            raise ConfigError(
                f"experiment {experiment.name}: configuration {c.params}: {err}"
            ) from None


def fixed_configurations(experiment: Experiment) -> list[Configuration]:
    """The configurations of a grid or random sweep (optuna sweeps are asked as they go)."""
    if experiment.sweep.method == "grid":
        return grid(experiment)
    if experiment.sweep.method == "random":
        return draw(experiment)
    raise ValueError("optuna sweeps are asked batch by batch (trader.lab.search)")
