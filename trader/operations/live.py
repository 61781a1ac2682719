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
from trader.signals import MODEL_STRATEGY, load

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


def bars_hash(rows: pd.DataFrame) -> str:
    """SHA-256 of the bars a window was built from (dates and OHLCV, in date order)."""
    digest = hashlib.sha256()
    digest.update(pd.to_datetime(rows["date"]).to_numpy().astype("M8[D]").tobytes())
    digest.update(np.ascontiguousarray(rows[list(HASHED)].to_numpy(float)).tobytes())
    return digest.hexdigest()


def latest_windows(
    live: LiveModel, bars: pd.DataFrame, tickers: list[str]
) -> tuple[np.ndarray, list[str]]:
    """Scaled windows (one per ticker, ending at its last bar) and the hashes of their bars.

    ``bars`` holds each ticker's bars up to the signal date; a ticker needs ``length + 1``.
    """
    need = live.length + 1
    groups = {str(t): g for t, g in bars.groupby("ticker", sort=False)}
    xs, hashes = [], []
    for ticker in tickers:
        rows = groups.get(ticker)
        if rows is None or len(rows) < need:
            have = 0 if rows is None else len(rows)
            raise DataError(
                f"{ticker}: {have} bar(s), a window of model {live.info.id} needs {need}"
            )
        tail = rows.iloc[-need:]
        feats = compute_features(tail.reset_index(drop=True), live.config.window.features)
        xs.append(live.scaler.transform(feats.to_numpy()))
        hashes.append(bars_hash(tail))
    return np.asarray(xs, dtype=np.float32), hashes


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
    settings) over the date x ticker ``scores`` (earlier stored signals and today's)."""
    strategy = load(MODEL_STRATEGY, live.config.signal.model_dump())
    frame = bars[bars["ticker"].isin(scores.columns)]
    targets = strategy.targets(frame, scores)
    return pd.Series(targets.loc[date]).reindex(scores.columns).fillna(0.0)
