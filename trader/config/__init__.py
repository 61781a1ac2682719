"""Run configuration as plain data (pydantic models), loadable from YAML, variable by key path.

- `sections`: the sections of a run (data, window, models, signal, backtest, protocol,
  strategies) with their defaults and bounds
- `loading`: a `RunConfig` from a file, a mapping or the defaults; overrides by key path
- `seeds`: seed repeats, every (model, seed) training of a run
"""

from __future__ import annotations

from trader.config.loading import (
    ConfigSource,
    load_config,
    parse_config,
    parse_section,
    read_config_file,
    with_override,
)
from trader.config.sections import (
    CANARY_FEATURE,
    BacktestConfig,
    DataConfig,
    FeatureName,
    LabelKind,
    ModelConfig,
    ModelKind,
    ProtocolConfig,
    RunConfig,
    SignalConfig,
    Sizing,
    StrategyConfig,
    StrictModel,
    WindowConfig,
    default_models,
    default_strategies,
)
from trader.config.seeds import (
    SEED_KIND,
    SeedVariant,
    model_seeds,
    recorded_seeds,
    seed_name,
    seed_variants,
)

__all__ = [
    "CANARY_FEATURE",
    "SEED_KIND",
    "BacktestConfig",
    "ConfigSource",
    "DataConfig",
    "FeatureName",
    "LabelKind",
    "ModelConfig",
    "ModelKind",
    "ProtocolConfig",
    "RunConfig",
    "SeedVariant",
    "SignalConfig",
    "Sizing",
    "StrategyConfig",
    "StrictModel",
    "WindowConfig",
    "default_models",
    "default_strategies",
    "load_config",
    "model_seeds",
    "parse_config",
    "parse_section",
    "read_config_file",
    "recorded_seeds",
    "seed_name",
    "seed_variants",
    "with_override",
]
