"""Run configuration as plain data (pydantic models), loadable from YAML, variable by key path.

- `sections`: the sections of a run (data, window, models, signal, backtest, protocol,
  strategies) with their defaults and bounds
- `loading`: a `RunConfig` from a file, a mapping or the defaults; overrides by key path
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

__all__ = [
    "CANARY_FEATURE",
    "BacktestConfig",
    "ConfigSource",
    "DataConfig",
    "FeatureName",
    "LabelKind",
    "ModelConfig",
    "ModelKind",
    "ProtocolConfig",
    "RunConfig",
    "SignalConfig",
    "Sizing",
    "StrategyConfig",
    "StrictModel",
    "WindowConfig",
    "default_models",
    "default_strategies",
    "load_config",
    "parse_config",
    "parse_section",
    "read_config_file",
    "with_override",
]
