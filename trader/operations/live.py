"""Live prediction: a production model loaded safely, its tickers' latest windows predicted in
one batched call, scores turned into targets by the run's own strategy.

The window of a ticker for date t holds the features of its last ``length`` bars up to t,
computed exactly as in training (`trader.research.compute_features`) and scaled with the
scaler saved at promotion. The model file must still be the one promoted (its SHA-256 is
checked) and is loaded with Keras safe mode.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trader.config import ModelConfig, RunConfig, parse_config
from trader.errors import DataError
from trader.operations.registry import ModelInfo
from trader.research import Scaler, compute_features
from trader.signals import MODEL_STRATEGY, load, targets_from_scores

HASHED = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True)
class LiveModel:
    """A production model ready to predict: the Keras model and what its windows need."""

    info: ModelInfo
    model: Any
    config: RunConfig
    model_config: ModelConfig
    scaler: Scaler
    label: str
    n_classes: int

    @property
    def length(self) -> int:
        return self.config.window.length


def load_live(info: ModelInfo) -> LiveModel:
    """Load ``info``'s model (Keras safe mode) after checking its file is the one promoted."""
    from trader import models

    path = Path(info.path)
    if not path.exists():
        raise DataError(f"production model {info.id}: file {path} not found")
    if hashlib.sha256(path.read_bytes()).hexdigest() != info.file_sha256:
        raise DataError(f"production model {info.id}: {path} changed since it was promoted")
    model, meta = models.load_model(path, safe_mode=True)
    config = parse_config(info.config, origin=f"production model {info.id}")
    return LiveModel(
        info=info,
        model=model,
        config=config,
        model_config=ModelConfig.model_validate(meta["model"]),
        scaler=Scaler.from_dict(meta["scaler"]),
        label=str(meta["label"]),
        n_classes=int(meta["n_classes"]),
    )


def latest_windows(
    live: LiveModel, bars: pd.DataFrame, tickers: list[str]
) -> tuple[np.ndarray, list[str]]:
    """Scaled windows (one per ticker, ending at its last bar) and the hashes of their bars.

    ``bars`` holds each ticker's bars up to the signal date; a ticker needs ``length + 1``. The
    tails of all tickers are stacked and their features computed in one call: a feature of day
    t uses days t and t-1 only, so only each tail's first row (which would look at the previous
    ticker) is wrong, and it is the row every window drops anyway.
    """
    need = live.length + 1
    frame = bars.sort_values(["ticker", "date"])
    tails = frame.groupby("ticker", sort=False).tail(need)
    counts = tails["ticker"].value_counts()
    for ticker in tickers:
        if counts.get(ticker, 0) < need:
            have = int(counts.get(ticker, 0))
            raise DataError(
                f"{ticker}: {have} bar(s), a window of model {live.info.id} needs {need}"
            )
    tails = tails.set_index("ticker").loc[tickers].reset_index()
    rows = compute_features(tails, live.config.window.features).to_numpy()
    feats = np.concatenate([np.zeros((1, rows.shape[1])), rows]).reshape(len(tickers), need, -1)
    x = live.scaler.transform(feats[:, 1:, :]).astype(np.float32)
    days = pd.to_datetime(tails["date"]).to_numpy().astype("M8[D]").reshape(len(tickers), need)
    values = np.ascontiguousarray(tails[list(HASHED)].to_numpy(float)).reshape(
        len(tickers), need, -1
    )
    hashes = [
        hashlib.sha256(days[i].tobytes() + np.ascontiguousarray(values[i]).tobytes()).hexdigest()
        for i in range(len(tickers))
    ]
    return x, hashes


def predict_latest(live: LiveModel, bars: pd.DataFrame, tickers: list[str]) -> pd.DataFrame:
    """Score and call of each ticker's latest window: one batched predict call for all."""
    from trader import models

    x, hashes = latest_windows(live, bars, tickers)
    raw = models.predict(live.model, x)
    cfg, label = live.model_config, live.config.window.label
    return pd.DataFrame(
        {
            "ticker": tickers,
            "score": models.to_score(raw, cfg, label, live.n_classes),
            "call": models.to_calls(raw, cfg, label, live.n_classes),
            "data_hash": hashes,
        }
    )


def targets_for(
    live: LiveModel, bars: pd.DataFrame, scores: pd.DataFrame, date: pd.Timestamp
) -> pd.Series:
    """Targets on ``date`` from the run's model strategy (``model_threshold`` with its ``signal``
    settings) over the date x ticker ``scores`` (the live signals so far and today's).

    Without ``min_hold`` the strategy's target of a day is its threshold rule on that day's
    score alone (`trader.signals.targets_from_scores`), computed for all tickers at once; with
    ``min_hold`` the strategy itself runs over the live period (a hold depends on the past).
    """
    signal = live.config.signal
    if signal.min_hold == 0:
        row = scores.loc[[date]]
        return targets_from_scores(row, signal).iloc[0].reindex(scores.columns).fillna(0.0)
    strategy = load(MODEL_STRATEGY, signal.model_dump())
    live_days = pd.to_datetime(bars["date"]) >= scores.index.min()
    frame = bars[bars["ticker"].isin(scores.columns) & live_days]
    targets = strategy.targets(frame, scores)
    return pd.Series(targets.loc[date]).reindex(scores.columns).fillna(0.0)
