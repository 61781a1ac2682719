"""Experiment files: a base run config, a sweep over key paths, seed repeats, an objective.

An experiment compares configurations of one model on the same data, walk-forward, with the
same costs::

    name: activations
    base:                      # a run config, the same keys as `trader train --config`
      data: {tickers: [AAPL, MSFT, JPM], source: sample}
      models: [{name: net, kind: dense, units: [32]}]
    sweep:
      method: grid             # grid | random | optuna
      params:
        models.net.activation: [relu, tanh, sigmoid]
        models.net.kind: [dense, lstm]
    repeats: 3                 # every configuration trained with 3 seeds

A parameter is a list of values (every method), or a range ``{low, high}`` with optional
``step`` and ``log`` (random and optuna; grid needs ``step``). ``random`` and ``optuna`` draw
``n`` configurations from ``seed``; ``optuna`` asks its TPE sampler in batches of ``batch``
for the best mean ``objective``. Every key path and every value is checked against the base
config when the file is read: a mistake is one `ConfigError` naming it, with "did you mean".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import Field, field_validator, model_validator

from trader.config import RunConfig, StrictModel, parse_config, parse_section, with_override
from trader.errors import ConfigError

Objective = Literal["sharpe", "dsr", "hit_rate", "auc", "total_return"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_CONFIGURATIONS = 10_000


class Range(StrictModel):
    """A numeric range: ``low`` to ``high`` inclusive, on a ``step`` grid or a log scale."""

    low: float
    high: float
    step: float | None = Field(None, gt=0)
    log: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high}), both finite")
        if self.log and (self.low <= 0 or self.step is not None):
            raise ValueError("log ranges need low > 0 and no step")
        return self

    @property
    def integer(self) -> bool:
        """Whole-number bounds and step: values are ints (e.g. window lengths, units)."""
        parts = [self.low, self.high, 1.0 if self.step is None else self.step]
        return all(float(v).is_integer() for v in parts)

    def grid(self) -> list[float | int]:
        """Every value on the step grid (grid sweeps)."""
        if self.step is None:
            raise ValueError("a grid over a range needs a step")
        count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
        values = [self.low + i * self.step for i in range(count)]
        return [round(v) for v in values] if self.integer else [round(v, 12) for v in values]

    def draw(self, rng: np.random.Generator) -> float | int:
        """One value, uniform on the range (log-uniform with ``log``; on the step grid)."""
        if self.step is not None:
            return self.grid()[int(rng.integers(len(self.grid())))]
        if self.log:
            return float(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))
        if self.integer:
            return int(rng.integers(int(self.low), int(self.high) + 1))
        return float(rng.uniform(self.low, self.high))


Param = list[Any] | Range


class Sweep(StrictModel):
    """Which configurations to try (see the module notes)."""

    method: Literal["grid", "random", "optuna"] = "grid"
    params: dict[str, Param] = Field(default_factory=dict)
    together: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    n: int | None = Field(None, ge=1, le=MAX_CONFIGURATIONS)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    batch: int = Field(4, ge=1, le=256)

    @field_validator("params", mode="before")
    @classmethod
    def _shapes(cls, params: Any) -> Any:
        """Each parameter is a list of values or a range: say which is wrong, and how."""
        if not isinstance(params, dict):
            return params
        out: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, dict):
                try:
                    out[key] = parse_section(Range, value, f"'{key}'")
                except ConfigError as err:
                    raise ValueError(str(err)) from None
            elif isinstance(value, list | Range):
                out[key] = value
            else:
                raise ValueError(
                    f"'{key}': give a list of values or a range {{low, high, step, log}}, "
                    f"got {value!r}"
                )
        return out

    @field_validator("params")
    @classmethod
    def _values(cls, params: dict[str, Param]) -> dict[str, Param]:
        for key, values in params.items():
            if isinstance(values, list) and not values:
                raise ValueError(f"'{key}': no values to try")
        return params

    @field_validator("together")
    @classmethod
    def _groups(cls, groups: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        for name, choices in groups.items():
            if not choices or any(not choice for choice in choices):
                raise ValueError(f"'{name}': every choice sets at least one key path")
        return groups

    @property
    def choices(self) -> dict[str, Param]:
        """Every swept dimension: the key paths, then the ``together`` groups (lists of
        mappings of key paths to values)."""
        return {**self.params, **self.together}

    @model_validator(mode="after")
    def _method(self) -> Sweep:
        clash = set(self.params) & set(self.together)
        if clash:
            raise ValueError(f"'{sorted(clash)[0]}' is both a parameter and a together group")
        if self.method == "grid":
            if self.n is not None:
                raise ValueError("n applies to random and optuna sweeps; a grid tries everything")
            for key, values in self.params.items():
                if isinstance(values, Range) and values.step is None:
                    raise ValueError(f"'{key}': a grid over a range needs a step")
        elif self.n is None:
            raise ValueError(f"a {self.method} sweep needs n (how many configurations)")
        return self


class Experiment(StrictModel):
    """One experiment file, validated (the base config and every swept value)."""

    name: str
    description: str = ""
    base: dict[str, Any] = Field(default_factory=dict)
    sweep: Sweep = Field(default_factory=Sweep)
    repeats: int = Field(1, ge=1, le=50)
    objective: Objective = "sharpe"

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _NAME.match(name):
            raise ValueError(
                f"'{name}': 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit"
            )
        return name

    def base_config(self) -> RunConfig:
        """The base run config (raises `ConfigError` naming the bad key under ``base``)."""
        return parse_config(self.base, origin=f"experiment {self.name}: base")

    @property
    def model_name(self) -> str:
        return self.base_config().models[0].name


def check(experiment: Experiment) -> Experiment:
    """Refuse what cannot run: a base with other than one model, a bad key path or value."""
    base = experiment.base_config()
    if len(base.models) != 1:
        names = ", ".join(m.name for m in base.models)
        raise ConfigError(
            f"experiment {experiment.name}: base.models has {len(base.models)} models ({names}); "
            "an experiment compares configurations of one model: keep one and sweep "
            "models.<name>.kind"
        )
    for key, values in experiment.sweep.params.items():
        examples = values if isinstance(values, list) else [values.low, values.high]
        for i, value in enumerate(examples):
            at = f"[{i}]" if isinstance(values, list) else ""
            _try(base, {key: value}, f"experiment {experiment.name}: sweep.params.{key}{at}")
    for name, choices in experiment.sweep.together.items():
        for i, choice in enumerate(choices):
            _try(base, choice, f"experiment {experiment.name}: sweep.together.{name}[{i}]")
    return experiment


def _try(base: RunConfig, overrides: dict[str, Any], where: str) -> None:
    config = base
    for key, value in overrides.items():
        try:
            config = with_override(config, key, value)
        except ConfigError as err:
            detail = str(err).split(": ", 1)[-1]
            raise ConfigError(f"{where}: {detail} (value {value!r})") from None


def parse_experiment(data: Mapping[str, Any], origin: str = "experiment") -> Experiment:
    """A checked `Experiment` from a mapping with the keys of an experiment file."""
    return check(parse_section(Experiment, data, origin))


def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file (YAML)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: experiment file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not a valid YAML file ({type(err).__name__})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return parse_experiment(raw, origin=str(path))
