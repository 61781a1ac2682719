"""An experiment's comparison: one row per configuration, mean and spread across seeds, ranked.

The ranking is by deflated Sharpe ratio: each configuration's mean Sharpe ratio of its daily
excess returns over buy-and-hold, deflated by every trial recorded on the same dataset (the
trial registry, `trader.data.trials`: this experiment's configurations, earlier runs and
experiments, baselines and rules) and the spread of their excess Sharpe ratios
(`trader.evaluate.deflated_sharpe_from_stats`, on the effective number of days). Beside it,
plain sentences say which differences to the best configuration are larger than the seed noise (the
spread of the objective across seeds) and which are not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.evaluate import deflated_sharpe_from_stats
from trader.lab.experiment import Experiment

COMPARED = (
    "hit_rate", "accuracy", "precision", "recall", "f1", "auc", "total_return", "sharpe",
    "excess_sharpe", "excess_return", "max_drawdown", "trades", "epochs", "effective_days",
    "fit_seconds", "predict_seconds", "params", "train_seconds", "backtest_seconds",
)  # fmt: skip
PERIODS_PER_YEAR = 252


@dataclass(frozen=True)
class Registry:
    """The trials recorded on an experiment's dataset: how many, and their excess Sharpe
    ratios (annualized, the defined ones)."""

    trials: int
    excess_sharpes: tuple[float, ...]


def trials_table(trials: pd.DataFrame) -> pd.DataFrame:
    """Done trials as one flat row each: key, ordinal, repeat, swept values, metrics."""
    done = trials[trials["status"] == "done"]
    rows = []
    for row in done.to_dict(orient="records"):
        kept = {k: row[k] for k in ("key", "config_key", "ordinal", "repeat", "run_id")}
        kept.update({f"param:{k}": _label(v) for k, v in dict(row["params"]).items()})
        kept.update(dict(row["metrics"] or {}))
        rows.append(kept)
    return pd.DataFrame(rows)


def _label(value: Any) -> Any:
    """A swept value as a table cell (a together group: ``label=sign, loss=hinge``)."""
    if isinstance(value, dict):
        return ", ".join(f"{str(k).split('.')[-1]}={v}" for k, v in value.items())
    return value if isinstance(value, str | int | float | bool) else str(value)


def _num(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


def comparison(
    experiment: Experiment, table: pd.DataFrame, registry: Registry | None = None
) -> pd.DataFrame:
    """One row per configuration: swept values, seeds, mean and std of every compared metric,
    the deflated Sharpe ratio over every trial in ``registry`` (default: these
    configurations), and the rank (1 = best)."""
    if table.empty:
        return pd.DataFrame()
    params = [c for c in table.columns if c.startswith("param:")]
    rows = []
    for key, group in table.groupby("config_key", sort=False):
        row: dict[str, Any] = {"config_key": key, "ordinal": int(group["ordinal"].min())}
        row.update({p: group[p].iloc[0] for p in params})
        row["seeds"] = len(group)
        for metric in COMPARED:
            if metric in group:
                values = _num(group[metric])
                row[metric] = float(values.mean())
                row[f"{metric}_std"] = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        for bound in ("sharpe_ci_low", "sharpe_ci_high"):
            if bound in group:
                row[bound] = float(_num(group[bound]).mean())
        row["test_days"] = _days(group)
        rows.append(row)
    out = pd.DataFrame(rows)
    excess = out.get("excess_sharpe", out["sharpe"]).to_numpy(float)
    if registry is None or registry.trials < len(out):  # nothing recorded: count these only
        registry = Registry(len(out), tuple(float(v) for v in excess if math.isfinite(v)))
    spread = np.asarray(registry.excess_sharpes, dtype=float) / math.sqrt(PERIODS_PER_YEAR)
    days = out.get("effective_days", out["test_days"]).to_numpy(float)
    out["dsr"] = [
        deflated_sharpe_from_stats(
            value / math.sqrt(PERIODS_PER_YEAR), int(n), registry.trials, spread
        )
        for value, n in zip(excess, np.nan_to_num(days), strict=True)
    ]
    out["trials_counted"] = registry.trials
    order = out["dsr"].fillna(-np.inf).rank(ascending=False, method="first")
    out["rank"] = order.astype(int)
    return out.sort_values("rank").reset_index(drop=True)


def _days(group: pd.DataFrame) -> int:
    if "test_start" not in group or "test_end" not in group:
        return 0
    start, end = pd.Timestamp(group["test_start"].iloc[0]), pd.Timestamp(group["test_end"].iloc[0])
    return int(np.busday_count(start.date(), end.date())) + 1


def noise_statements(experiment: Experiment, ranked: pd.DataFrame) -> list[str]:
    """Sentences comparing the best configuration with each other one on the objective."""
    metric = experiment.objective if experiment.objective in ranked else "sharpe"
    if len(ranked) < 2:
        return ["one configuration: nothing to compare"]
    spreads = ranked.get(f"{metric}_std", pd.Series(dtype=float)).to_numpy(float)
    spread = (
        float(np.mean(spreads[np.isfinite(spreads)])) if np.isfinite(spreads).any() else math.nan
    )
    best = ranked.iloc[0]
    lines = []
    if not math.isfinite(spread):
        lines.append(
            f"one seed per configuration: the seed noise of {metric} is unknown, so no "
            "difference below can be told from it (use repeats: 3 or more)"
        )
    for _, other in ranked.iloc[1:].iterrows():
        gap = float(best[metric]) - float(other[metric])
        name = f"{{{describe(best)}}}", f"{{{describe(other)}}}"
        if math.isfinite(spread) and abs(gap) > 2 * spread:
            lines.append(
                f"{name[0]} vs {name[1]}: {metric} differs by {gap:+.3f}, more than twice the "
                f"seed spread ({spread:.3f})"
            )
        elif math.isfinite(spread):
            lines.append(
                f"{name[0]} vs {name[1]}: {metric} differs by {gap:+.3f}, within seed noise "
                f"(seed spread {spread:.3f})"
            )
    survives = ranked[ranked["dsr"] > 0.95]
    counted = int(ranked["trials_counted"].iloc[0])
    lines.append(
        f"{len(survives)} of {len(ranked)} configurations keep a deflated Sharpe ratio above 0.95 "
        f"(excess over buy-and-hold) after counting all {counted} trials recorded on this data"
    )
    return lines


def short_names(keys: list[str]) -> dict[str, str]:
    """Key paths by their last part (``models.net.activation`` -> ``activation``), unless two
    share it."""
    last = [k.split(".")[-1] for k in keys]
    return {k: (tail if last.count(tail) == 1 else k) for k, tail in zip(keys, last, strict=True)}


def describe(row: pd.Series) -> str:
    """A configuration in words: ``activation=relu, kind=lstm``."""
    params = [str(k).split(":", 1)[1] for k in row.index if str(k).startswith("param:")]
    names = short_names(params)
    text = ", ".join(f"{names[p]}={row[f'param:{p}']}" for p in params)
    return text or str(row["config_key"])
