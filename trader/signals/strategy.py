"""Strategies: prices (and, for model strategies, scores) to target positions, found by name.

A strategy is a subclass of `Strategy` in a ``*.py`` file of the strategies folder
(``$TRADER_STRATEGIES_DIR``, else the project's ``strategies/``). It declares a ``name``, a
pydantic ``Params`` model (unknown parameters are refused) and either ``ticker_targets`` (one
ticker at a time, the usual case) or ``targets`` (all tickers at once). A target decided on day
t may only use data up to day t; the backtest fills it at day t+1's open. See
``docs/strategies.md``. Finding strategies by name is `trader.signals.loader`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from trader.config import StrictModel
from trader.data import ticker_frames
from trader.errors import ConfigError, TraderError, did_you_mean

__all__ = ["Strategy", "StrategyError", "StrategyParams", "hold_positions", "sma"]


class StrategyError(TraderError):
    """A strategy produced invalid targets (names the strategy, ticker and day)."""


class StrategyParams(StrictModel):
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
            days = pd.DatetimeIndex(frame.index)
            mine = _ticker_scores(scores, ticker, days) if self.needs_scores else None
            columns[ticker] = self._checked(ticker, days, self.ticker_targets(frame, mine))
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
