"""Spread across training seeds: how much a model's numbers move when only its seed changes.

With seed repeats (`trader.config.seeds`) every model is trained once per seed on the same
folds. The report shows, per model, the mean, standard deviation (``ddof=1``), minimum and
maximum over its seeds of the hit rate, AUC, Sharpe ratio and total return; a comparison whose
difference is smaller than that standard deviation is "within seed noise": retraining with
another seed could reverse it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trader.config import RunConfig, seed_variants

SEED_METRICS = ("hit_rate", "auc", "sharpe", "total_return")


def spread(values: list[float | None]) -> dict[str, Any]:
    """Mean, sd (``ddof=1``; NaN for one value), min, max of the defined ``values``, and them."""
    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if len(x) == 0:
        return {"mean": math.nan, "sd": math.nan, "min": math.nan, "max": math.nan, "values": []}
    return {
        "mean": float(x.mean()),
        "sd": float(x.std(ddof=1)) if len(x) > 1 else math.nan,
        "min": float(x.min()),
        "max": float(x.max()),
        "values": [float(v) for v in x],
    }


def seed_spreads(config: RunConfig, totals: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per model with more than one seed: its seeds and the `spread` of each of `SEED_METRICS`.

    ``totals`` maps prediction names (``lstm``, ``lstm@seed43``, ...) to their portfolio
    numbers.
    """
    groups: dict[str, list[tuple[int, str]]] = {}
    for v in seed_variants(config):
        groups.setdefault(v.parent, []).append((v.model.seed, v.name))
    out: dict[str, Any] = {}
    for parent, members in groups.items():
        present = [(seed, name) for seed, name in members if name in totals]
        if len(present) < 2:
            continue
        out[parent] = {"seeds": [seed for seed, _ in present]} | {
            metric: spread([totals[name].get(metric) for _, name in present])
            for metric in SEED_METRICS
        }
    return out


def seed_sd(spreads: dict[str, Any], name: str, metric: str) -> float:
    """The seed standard deviation of ``metric`` for model ``name`` (NaN without repeats)."""
    entry = spreads.get(name, {}).get(metric)
    return float(entry["sd"]) if entry and entry["sd"] is not None else math.nan
