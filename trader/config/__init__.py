"""Run configuration as plain data (pydantic models), loadable from YAML, variable by key path.

- `sections`: the sections of a run (data, window, models, signal, backtest, protocol,
  strategies) with their defaults and bounds
- `loading`: a `RunConfig` from a file, a mapping or the defaults; overrides by key path
- `seeds`: seed repeats, every (model, seed) training of a run
- `names`: tickers, names (run ids, models, sources) and dates, checked the same everywhere
- `limits`: the upper bounds of the options and the memory a model may take to train
"""

from __future__ import annotations

from trader.config.limits import MAX_TRAINING_BYTES, training_bytes
from trader.config.loading import (
    ConfigSource,
    load_config,
    parse_config,
    parse_section,
    read_config_file,
    read_yaml,
    with_override,
)
from trader.config.names import (
    MAX_NAME,
    MAX_TICKER,
    TICKER_CHARACTERS,
    TICKER_PATTERN,
    check_name,
    check_range,
    check_run_id,
    check_ticker,
    iso_date,
    name_problem,
    shown,
    ticker_problem,
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
    "MAX_NAME",
    "MAX_TICKER",
    "MAX_TRAINING_BYTES",
    "SEED_KIND",
    "TICKER_CHARACTERS",
    "TICKER_PATTERN",
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
    "check_name",
    "check_range",
    "check_run_id",
    "check_ticker",
    "default_models",
    "default_strategies",
    "iso_date",
    "load_config",
    "model_seeds",
    "name_problem",
    "parse_config",
    "parse_section",
    "read_config_file",
    "read_yaml",
    "recorded_seeds",
    "seed_name",
    "seed_variants",
    "shown",
    "ticker_problem",
    "training_bytes",
    "with_override",
]
