"""Production models: the promoted models, which one is live for each ticker, and rollback.

Every promotion adds a model row and an activation; the production model of a ticker is the
model of the latest activation that covers it. Older models stay on disk and in the table:
activating one again (by id, or the one before the current with ``previous``) is a rollback,
recorded as an activation too, so the whole history of what was live when stays visible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, insert, select

from trader.data import ModelActivation, ProductionModel, Store
from trader.errors import ConfigError, did_you_mean

_MODELS = cast(Table, ProductionModel.__table__)
_ACTIVATIONS = cast(Table, ModelActivation.__table__)


@dataclass(frozen=True)
class ModelInfo:
    """One promoted model as stored (see `trader.data.ProductionModel`)."""

    id: str
    run_id: str
    name: str
    created_at: dt.datetime
    tickers: list[str]
    source: str | None
    path: str
    file_sha256: str
    config: dict[str, Any]
    data_hash: str
    first_date: dt.date
    last_date: dt.date
    versions: dict[str, Any]
    git_commit: str | None
    reference: dict[str, Any]

    def row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def save_model_info(store: Store, info: ModelInfo) -> None:
    """Store a newly promoted model and make it the production model of its tickers."""
    with store.begin() as conn:
        conn.execute(insert(_MODELS), info.row())
        conn.execute(insert(_ACTIVATIONS), _activation(info.id, "promote"))


def _activation(model_id: str, action: str) -> dict[str, Any]:
    return {"model_id": model_id, "activated_at": dt.datetime.now(dt.UTC), "action": action}


def all_models(store: Store) -> list[ModelInfo]:
    """Every promoted model, oldest first."""
    with store.begin() as conn:
        rows = conn.execute(select(_MODELS).order_by(_MODELS.c.created_at, _MODELS.c.id)).mappings()
        return [ModelInfo(**dict(r)) for r in rows]


def get_model(store: Store, model_id: str) -> ModelInfo:
    """The promoted model ``model_id``; an unknown id is a `ConfigError` with "did you mean"."""
    models = {m.id: m for m in all_models(store)}
    if model_id not in models:
        known = list(models)
        hint = did_you_mean(model_id, known) or (
            " (no model promoted yet: run `trader models promote RUN_ID`)" if not known else ""
        )
        raise ConfigError(f"unknown production model '{model_id}'{hint}")
    return models[model_id]


def activations(store: Store) -> pd.DataFrame:
    """The activation log (id, model_id, activated_at, action), oldest first."""
    columns = ["id", "model_id", "activated_at", "action"]
    with store.begin() as conn:
        rows = conn.execute(
            select(*(_ACTIVATIONS.c[c] for c in columns)).order_by(_ACTIVATIONS.c.id)
        )
        return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _owners(log: pd.DataFrame, models: dict[str, ModelInfo]) -> dict[str, str]:
    owner: dict[str, str] = {}
    for model_id in log["model_id"]:
        for ticker in models[str(model_id)].tickers:
            owner[ticker] = str(model_id)
    return owner


def production(store: Store) -> dict[str, str]:
    """Ticker -> id of its production model (tickers without one are absent)."""
    return _owners(activations(store), {m.id: m for m in all_models(store)})


def activate(store: Store, model_id: str, action: str = "reactivate") -> ModelInfo:
    """Make ``model_id`` the production model of its tickers again."""
    info = get_model(store, model_id)
    with store.begin() as conn:
        conn.execute(insert(_ACTIVATIONS), _activation(info.id, action))
    return info


def rollback(store: Store) -> list[ModelInfo]:
    """Undo the latest activation: the models that were live for its tickers before it become
    live again. Returns them; a `ConfigError` when there is nothing to go back to."""
    log = activations(store)
    if log.empty:
        raise ConfigError("no production model yet: run `trader models promote RUN_ID` first")
    models = {m.id: m for m in all_models(store)}
    latest = models[str(log["model_id"].iloc[-1])]
    before = _owners(log.iloc[:-1], models)
    previous = [before[t] for t in latest.tickers if t in before and before[t] != latest.id]
    if not previous:
        raise ConfigError(
            f"no earlier production model for the tickers of {latest.id} "
            f"({', '.join(latest.tickers)}): nothing to roll back to"
        )
    order = {m: i for i, m in enumerate(log["model_id"])}  # last activation index of each
    chosen = sorted(set(previous), key=lambda m: order[m])
    return [activate(store, model_id, "rollback") for model_id in chosen]
