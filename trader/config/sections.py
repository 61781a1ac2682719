"""The sections of a run configuration: frozen pydantic models, unknown options refused.

Every number has finite bounds (NaN and infinities are refused everywhere); model sizes are
bounded by what one training run may hold in memory (`trader.config.limits`). Tickers, model
names and sources are checked by `trader.config.names`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trader.config import limits, names
from trader.errors import ConfigError

LabelKind = Literal["binary", "multiclass", "regression", "sign"]
FeatureName = Literal["return", "log_return", "ohlc", "volume_change"]
# The leakage audit's deliberate look-ahead feature: injected by the audit only, never an option.
CANARY_FEATURE = "canary_next_return"
ModelKind = Literal["dense", "lstm"]
Sizing = Literal["fractional", "integer"]


Seed = Annotated[int, Field(ge=0, le=limits.MAX_SEED)]


def check_repeats(repeats: int | None, seeds: list[int] | None) -> None:
    """``repeats`` and ``seeds`` are alternatives; seeds are listed once each."""
    if repeats is not None and seeds is not None:
        raise ValueError("give repeats or seeds, not both")
    if seeds is not None and (not seeds or len(set(seeds)) != len(seeds)):
        raise ValueError(f"seeds: at least one, each listed once (got {seeds})")


def _refuse(problem: str | None) -> None:
    """Raise ``problem`` as a validation error (pydantic then names the option)."""
    if problem is not None:
        raise ValueError(problem)


class StrictModel(BaseModel):
    """Base of every config section: frozen, unknown options refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class DataConfig(StrictModel):
    """Which prices to use."""

    tickers: list[str] = Field(
        default_factory=lambda: ["AAPL", "MSFT", "JPM"], max_length=limits.MAX_TICKERS
    )
    source: str | None = None
    start: str | None = None
    end: str | None = None

    @field_validator("tickers")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one ticker is needed")
        tickers = [t.strip().upper() for t in value]
        for ticker in tickers:
            _refuse(names.ticker_problem(ticker))
        return tickers

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        if value is not None:
            _refuse(names.name_problem(value, "source", names.MAX_SOURCE))
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date(cls, value: Any) -> str | None:
        try:  # YAML reads an unquoted 2016-01-01 as a date: accepted like the quoted text
            return names.iso_date(value, "date")
        except ConfigError as err:
            raise ValueError(str(err).removeprefix("date: ")) from None

    @model_validator(mode="after")
    def _range(self) -> DataConfig:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end} (the range is reversed)")
        return self


_DEFAULT_FEATURES: list[FeatureName] = ["log_return", "volume_change"]


class WindowConfig(StrictModel):
    """Sliding windows, labels and the chronological split."""

    length: int = Field(20, ge=1, le=512)
    features: list[FeatureName] = Field(default_factory=lambda: _DEFAULT_FEATURES.copy())
    horizon: int = Field(1, ge=1, le=252)
    label: LabelKind = "binary"
    flat_threshold: float = Field(0.005, ge=0.0, le=0.5)
    train_fraction: float = Field(0.6, gt=0.0, lt=1.0)
    val_fraction: float = Field(0.2, gt=0.0, lt=1.0)
    scale: bool = True

    @field_validator("features", mode="before")
    @classmethod
    def _no_canary(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and CANARY_FEATURE in value:
            raise ValueError(
                f"{CANARY_FEATURE} peeks one day ahead: only the leakage audit injects it, "
                "it cannot be a feature"
            )
        return value

    @field_validator("features")
    @classmethod
    def _some_features(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one feature is needed")
        if len(set(value)) != len(value):
            raise ValueError("features are listed twice")
        return value

    @model_validator(mode="after")
    def _fractions(self) -> WindowConfig:
        if self.train_fraction + self.val_fraction >= 1.0:
            raise ValueError("train_fraction + val_fraction must leave a test period (< 1)")
        return self


class ModelConfig(StrictModel):
    """A Keras model: architecture, output, loss, optimizer, metrics and training.

    ``output_activation``, ``loss`` and ``metrics`` default from the problem preset of the label
    kind (seed 001's table); set them to override.
    """

    name: str = "lstm"
    kind: ModelKind = "lstm"
    units: list[Annotated[int, Field(ge=1, le=limits.MAX_UNITS)]] = Field(
        default_factory=lambda: [32], max_length=limits.MAX_LAYERS
    )
    activation: str | list[str] = "tanh"
    dropout: float = Field(0.0, ge=0.0, lt=1.0)
    preset: str | None = None
    output_activation: str | None = None
    loss: str | None = None
    optimizer: str = "adam"
    learning_rate: float = Field(1e-3, gt=0.0, le=10.0)
    metrics: list[str] | None = None
    epochs: int = Field(20, ge=1, le=10_000)
    batch_size: int = Field(64, ge=1, le=limits.MAX_BATCH)
    patience: int = Field(3, ge=0, le=10_000)
    seed: int = Field(42, ge=0, le=limits.MAX_SEED)
    # seed repeats (docs/research.md): train this model once per seed; None: the run's setting
    repeats: int | None = Field(None, ge=1, le=100)
    seeds: list[Seed] | None = Field(None, max_length=100)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        _refuse(names.name_problem(value, "model name"))  # saved as <name>.keras
        return value

    @model_validator(mode="after")
    def _repeats(self) -> ModelConfig:
        check_repeats(self.repeats, self.seeds)
        return self

    @model_validator(mode="after")
    def _activations(self) -> ModelConfig:
        if not self.units:
            raise ValueError("units: at least one hidden layer is needed")
        if isinstance(self.activation, list) and len(self.activation) != len(self.units):
            raise ValueError(
                f"activation: {len(self.activation)} names for {len(self.units)} hidden layers"
            )
        return self

    def hidden_activations(self) -> list[str]:
        if isinstance(self.activation, str):
            return [self.activation] * len(self.units)
        return list(self.activation)


class SignalConfig(StrictModel):
    """Predictions to positions: long above ``long_threshold``, short below ``-short_threshold``."""

    long_threshold: float = Field(0.0, ge=-1.0, le=1.0)
    short_threshold: float = Field(0.0, ge=-1.0, le=1.0)
    allow_short: bool = False
    min_hold: int = Field(0, ge=0, le=252)


class BacktestConfig(StrictModel):
    """Execution: a signal decided at day t's close fills at day t+1's open."""

    cash: float = Field(100_000.0, gt=0.0, le=limits.MAX_CASH)
    commission: float = Field(0.001, ge=0.0, lt=0.1)
    slippage: float = Field(0.0005, ge=0.0, lt=0.1)
    sizing: Sizing = "fractional"
    # None: equal weight, 1/N of the portfolio per ticker. A fraction: each position may take up
    # to that share of the portfolio value; when the shared cash runs short, buys are served in
    # ticker order (see docs/backtest.md).
    position_cap: float | None = Field(None, gt=0.0, le=1.0)

    def weight(self, n_tickers: int) -> float:
        """The share of the portfolio value a full (target 1) position is sized to."""
        return self.position_cap if self.position_cap is not None else 1.0 / n_tickers


class ProtocolConfig(StrictModel):
    """How models are evaluated out of sample (see ``trader.research.walkforward``).

    ``walk_forward`` (default): after ``min_train_days``, the rest of the history is cut into
    ``folds`` test folds; before each, the models are retrained on an expanding (or rolling,
    ``train_days`` long) span whose last ``val_fraction`` is used for early stopping. Label
    horizons are purged at every boundary and ``embargo_days`` more are dropped before tests.
    ``holdout``: one split by ``window.train_fraction`` / ``window.val_fraction``.
    """

    kind: Literal["walk_forward", "holdout"] = "walk_forward"
    folds: int = Field(4, ge=1, le=100)
    mode: Literal["expanding", "rolling"] = "expanding"
    train_days: int | None = Field(None, ge=20, le=limits.MAX_DAYS)
    min_train_days: int = Field(250, ge=20, le=limits.MAX_DAYS)
    val_fraction: float = Field(0.2, gt=0.0, lt=0.9)
    embargo_days: int = Field(0, ge=0, le=limits.MAX_DAYS)


class StrategyConfig(StrictModel):
    """A strategy from ``strategies/`` by name, with its parameters (validated on load)."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


def default_strategies() -> list[StrategyConfig]:
    chosen = ["ma_cross", "granville", "bnf_deviation", "rci", "n_day_decline"]
    return [StrategyConfig(name=n) for n in chosen]


def default_models() -> list[ModelConfig]:
    return [
        ModelConfig(name="lstm", kind="lstm", units=[32], activation="tanh"),
        # measured on planted-edge markets (docs/research.md, bench/dense_defaults.py): finds a
        # linear edge as precisely as the logistic baseline, where [64, 32] relu did not
        ModelConfig(
            name="dense", kind="dense", units=[32], activation="tanh", dropout=0.2, patience=5
        ),
    ]


class RunConfig(StrictModel):
    """Everything one run needs, as plain data."""

    data: DataConfig = Field(default_factory=DataConfig)
    window: WindowConfig = Field(default_factory=WindowConfig)
    models: list[ModelConfig] = Field(default_factory=default_models, max_length=limits.MAX_MODELS)
    signal: SignalConfig = Field(default_factory=SignalConfig)
    backtest: BacktestConfig = Field(default_factory=BacktestConfig)
    protocol: ProtocolConfig = Field(default_factory=ProtocolConfig)
    strategies: list[StrategyConfig] = Field(
        default_factory=default_strategies, max_length=limits.MAX_STRATEGIES
    )
    # seed repeats for every model that sets neither (docs/research.md)
    repeats: int | None = Field(None, ge=1, le=100)
    seeds: list[Seed] | None = Field(None, max_length=100)

    @model_validator(mode="after")
    def _repeats(self) -> RunConfig:
        check_repeats(self.repeats, self.seeds)
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> RunConfig:
        model_names = [m.name for m in self.models]
        if len(set(model_names)) != len(model_names):
            raise ValueError(f"model names must be unique, got {model_names}")
        if not model_names:
            raise ValueError("models: at least one model is needed")
        for model in self.models:
            limits.check_model_size(model, self.window)
        return self
