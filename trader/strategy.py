"""Strategies: prices (and, for model strategies, scores) to target positions, found by name.

A strategy is a subclass of `Strategy` in a ``*.py`` file of the strategies folder
(``$TRADER_STRATEGIES_DIR``, else the project's ``strategies/``). It declares a ``name``, a
pydantic ``Params`` model (unknown parameters are refused) and either ``ticker_targets`` (one
ticker at a time, the usual case) or ``targets`` (all tickers at once). A target decided on day
t may only use data up to day t; the backtest fills it at day t+1's open. See
``docs/strategies.md``.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from trader.config import _Strict
from trader.errors import ConfigError, TraderError, did_you_mean, unknown
from trader.execution import ticker_frames
from trader.paths import PROJECT_DIR

__all__ = [
    "ParamInfo",
    "Strategy",
    "StrategyError",
    "StrategyInfo",
    "StrategyParams",
    "available",
    "describe",
    "hold_positions",
    "load",
    "sma",
    "strategies_dir",
]


class StrategyError(TraderError):
    """A strategy produced invalid targets (names the strategy, ticker and day)."""


class StrategyParams(_Strict):
    """Base of every ``Params`` model: frozen, unknown parameters are an error."""


class Strategy:
    """Base class of strategies; subclasses set ``name`` and ``Params``, override a method.

    ``ticker_targets(frame, scores)`` gets one ticker's bars (date-indexed ``open high low close
    volume``) and, for ``needs_scores`` strategies, that ticker's model scores aligned to its
    dates (NaN where there is none). It returns a date-indexed Series of targets in [-1, 1]
    for exactly those dates: the position wanted after that day's close.
    """

    name: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = StrategyParams
    needs_scores: ClassVar[bool] = False

    def __init__(self, params: BaseModel | dict[str, Any] | None = None) -> None:
        self.params: Any = _validate_params(type(self), params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        raise NotImplementedError(f"strategy '{self.name}' must define ticker_targets")

    def targets(self, bars: pd.DataFrame, scores: pd.DataFrame | None = None) -> pd.DataFrame:
        """Date x ticker targets for every ticker of tidy ``bars`` (0 where a ticker has no bar).

        ``scores`` is a date x ticker frame of model direction scores; it is required when
        ``needs_scores`` is set. Raises `StrategyError` when a ticker's targets are not finite
        numbers in [-1, 1] on exactly the ticker's dates.
        """
        if self.needs_scores and scores is None:
            raise ConfigError(f"strategy '{self.name}' needs model scores (a model to follow)")
        if "ticker" not in bars.columns:
            raise ConfigError("bars: missing column ticker")
        tickers = sorted(bars["ticker"].astype(str).unique())
        frames = ticker_frames(bars.assign(ticker=bars["ticker"].astype(str)), tickers)
        columns: dict[str, pd.Series] = {}
        for ticker, frame in frames.items():
            mine = _ticker_scores(scores, ticker, frame.index) if self.needs_scores else None
            columns[ticker] = self._checked(ticker, frame.index, self.ticker_targets(frame, mine))
        out = pd.DataFrame(columns).sort_index().fillna(0.0)
        out.index.name = "date"
        return out

    def _checked(self, ticker: str, index: pd.DatetimeIndex, result: Any) -> pd.Series:
        where = f"strategy '{self.name}': {ticker}"
        if isinstance(result, np.ndarray):
            result = pd.Series(result, index=index) if len(result) == len(index) else result
        if not isinstance(result, pd.Series):
            raise StrategyError(f"{where}: targets must be a Series, got {type(result).__name__}")
        if not result.index.equals(index):
            raise StrategyError(f"{where}: targets must have exactly the ticker's dates")
        try:
            values = result.to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise StrategyError(f"{where}: targets must be numbers") from None
        bad = ~np.isfinite(values) | (np.abs(values) > 1.0)
        if bad.any():
            k = int(np.argmax(bad))
            raise StrategyError(
                f"{where}: target {values[k]} on {index[k].date()} is not a number in [-1, 1]"
            )
        return pd.Series(values, index=index, name=ticker)


def _ticker_scores(scores: pd.DataFrame | None, ticker: str, index: pd.DatetimeIndex) -> pd.Series:
    if scores is None or ticker not in scores.columns:
        return pd.Series(np.nan, index=index, name=ticker)
    column = scores[ticker].astype(float)
    column.index = pd.DatetimeIndex(pd.to_datetime(column.index)).normalize()
    return column.reindex(index)


def _validate_params(cls: type[Strategy], params: BaseModel | dict[str, Any] | None) -> BaseModel:
    if isinstance(params, cls.Params):
        return params
    if params is None:
        params = {}
    if isinstance(params, BaseModel):
        params = params.model_dump()
    if not isinstance(params, dict):
        raise ConfigError(f"strategy '{cls.name}': params must be a mapping of name: value")
    try:
        return cls.Params.model_validate(params)
    except ValidationError as err:
        raise ConfigError(f"strategy '{cls.name}': {_param_problem(err, cls.Params)}") from None


def _param_problem(err: ValidationError, model: type[BaseModel]) -> str:
    first = err.errors()[0]
    loc = [str(p) for p in first["loc"]]
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        return f"unknown parameter '{loc[0]}'{did_you_mean(loc[0], model.model_fields)}"
    if not loc:
        return msg
    return f"parameter '{'.'.join(loc)}': {msg} (got {first.get('input')!r})"


def hold_positions(
    entries: np.ndarray,
    exits: np.ndarray,
    *,
    max_hold: int | None = None,
    min_hold: int = 0,
) -> np.ndarray:
    """Positions from entry and exit events, day by day (the state machine of stateful rules).

    ``entries[t]``: the position to take at day t's close when flat (True or +1 long, -1 short,
    any value in [-1, 1]; 0/False: none). ``exits[t]`` (bool): close whatever is held. With a
    position taken on day t0, on a later day t (age ``t - t0``):

    * ``max_hold``: at age ``max_hold`` the position is closed whatever the signals say;
    * before age ``min_hold`` exit signals and opposite entries are ignored;
    * otherwise an exit signal closes it, an entry of the opposite sign flips it (age restarts),
      an entry of the same sign changes nothing.

    Exit signals on the entry day are not looked at; after an exit the next entry can come the
    following day at the earliest. NaN entries count as none.
    """
    enter = np.nan_to_num(np.asarray(entries, dtype=float), nan=0.0)
    leave = np.asarray(exits, dtype=bool)
    if enter.shape != leave.shape or enter.ndim != 1:
        raise ValueError("hold_positions: entries and exits must be 1-d and of the same length")
    if max_hold is not None and max_hold < 1:
        raise ValueError("hold_positions: max_hold must be at least 1")
    out = np.zeros(len(enter))
    position, since = 0.0, 0
    for t in range(len(enter)):
        if position != 0.0:
            age = t - since
            if max_hold is not None and age >= max_hold:
                position = 0.0
            elif age >= min_hold:
                if leave[t]:
                    position = 0.0
                elif enter[t] != 0.0 and np.sign(enter[t]) != np.sign(position):
                    position, since = enter[t], t
        elif enter[t] != 0.0:
            position, since = enter[t], t
        out[t] = position
    return out


def sma(close: pd.Series, length: int) -> pd.Series:
    """Simple moving average of the last ``length`` values ending at t (NaN before)."""
    return close.rolling(length, min_periods=length).mean()


# ----------------------------------------------------------------------------- the loader


def strategies_dir() -> Path:
    """The strategies folder: ``$TRADER_STRATEGIES_DIR``, else the project's ``strategies/``."""
    env = os.environ.get("TRADER_STRATEGIES_DIR")
    return Path(env) if env else PROJECT_DIR / "strategies"


_CACHE: dict[tuple[Any, ...], dict[str, type[Strategy]]] = {}


def available() -> dict[str, type[Strategy]]:
    """Every strategy of the strategies folder by name (files starting with ``_`` skipped).

    Raises `ConfigError` naming the file for a file that cannot be imported or a strategy
    class that is not well formed, and naming both files for a name defined twice.
    """
    folder = strategies_dir()
    if not folder.is_dir():
        raise ConfigError(f"{folder}: strategies folder not found")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    stamps = ((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    key = (str(folder.resolve()), *stamps)
    if key not in _CACHE:
        found: dict[str, type[Strategy]] = {}
        origin: dict[str, Path] = {}
        for path in files:
            for cls in _strategy_classes(_import_file(path), path):
                if cls.name in found:
                    raise ConfigError(
                        f"strategy '{cls.name}' is defined twice: in {origin[cls.name]} "
                        f"and in {path}"
                    )
                found[cls.name], origin[cls.name] = cls, path
        _CACHE.clear()
        _CACHE[key] = found
    return dict(_CACHE[key])


def _import_file(path: Path) -> ModuleType:
    module_name = f"trader_strategies.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"{path}: cannot import strategy file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # pydantic resolves annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        sys.modules.pop(module_name, None)
        detail = (str(err).strip().splitlines() or [""])[0]
        if isinstance(err, SyntaxError):
            detail = f"{err.msg} (line {err.lineno})"
        raise ConfigError(
            f"{path}: cannot import strategy file ({type(err).__name__}: {detail})"
        ) from None
    return module


def _strategy_classes(module: ModuleType, path: Path) -> list[type[Strategy]]:
    out: list[type[Strategy]] = []
    for attr, obj in vars(module).items():
        if not (inspect.isclass(obj) and issubclass(obj, Strategy) and obj is not Strategy):
            continue
        if obj.__module__ != module.__name__ or attr.startswith("_"):
            continue  # imported from elsewhere, or a private helper base
        where = f"{path}: class {attr}"
        if not isinstance(obj.name, str) or not obj.name.isidentifier():
            raise ConfigError(f"{where} needs a name (a Python identifier), got {obj.name!r}")
        params = obj.Params
        if not (inspect.isclass(params) and issubclass(params, BaseModel)):
            raise ConfigError(f"{where}: Params must be a pydantic model (StrategyParams)")
        if params.model_config.get("extra") != "forbid":
            raise ConfigError(f"{where}: Params must forbid unknown parameters (StrategyParams)")
        overridden = obj.ticker_targets is not Strategy.ticker_targets
        if not overridden and obj.targets is Strategy.targets:
            raise ConfigError(f"{where} must define ticker_targets (or targets)")
        out.append(obj)
    return out


def load(name: str, params: dict[str, Any] | None = None) -> Strategy:
    """The strategy called ``name`` with validated ``params``; `ConfigError` with one line else."""
    classes = available()
    if name not in classes:
        raise unknown("strategy", name, classes)
    return classes[name](params)


@dataclass(frozen=True)
class ParamInfo:
    name: str
    type: str
    default: Any
    description: str


@dataclass(frozen=True)
class StrategyInfo:
    """What the CLI lists about a strategy."""

    name: str
    summary: str
    needs_scores: bool
    params: list[ParamInfo]


def describe() -> list[StrategyInfo]:
    """Every available strategy, sorted by name: first docstring line and parameter defaults."""
    out = []
    for name, cls in sorted(available().items()):
        doc = inspect.getdoc(cls) or ""
        params = []
        for key, field in cls.Params.model_fields.items():
            default = None if field.is_required() else field.get_default(call_default_factory=True)
            kind = _type_name(field.annotation)
            params.append(ParamInfo(key, kind, default, field.description or ""))
        out.append(StrategyInfo(name, (doc.splitlines() or [""])[0], cls.needs_scores, params))
    return out


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")
