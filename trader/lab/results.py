"""What an experiment found: the comparison as data, as a table, as files with charts."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trader import paths
from trader.data import (
    Dataset,
    Store,
    dataset_trials,
    delete_experiment,
    experiment_spec,
    lab_experiments,
    lab_trials,
)
from trader.errors import ConfigError, did_you_mean
from trader.lab.compare import (
    Registry,
    comparison,
    describe,
    noise_statements,
    short_names,
    trials_table,
)
from trader.lab.equity import best_equity
from trader.lab.experiment import Experiment, parse_experiment
from trader.report import activation_chart as draw_activations
from trader.report import (
    equity_chart,
    heatmap_chart,
    json_safe,
    tradeoff_chart,
    write_experiment_html,
)

SHOWN = ("hit rate", "AUC", "return", "Sharpe", "Sharpe 95% CI", "DSR", "max DD", "epochs",
         "train s")  # fmt: skip


def experiments(store: Store) -> pd.DataFrame:
    """Every recorded experiment with its trials by status."""
    return lab_experiments(store)


def stored_experiment(store: Store, name: str) -> Experiment:
    """A recorded experiment by name, with "did you mean" for a wrong one."""
    spec = experiment_spec(store, name)
    if spec is None:
        known = experiments(store)["name"].tolist()
        raise ConfigError(f"no experiment named '{name}'{did_you_mean(name, known)}")
    return parse_experiment(spec, origin=f"experiment {name}")


def forget_experiment(store: Store, name: str) -> None:
    stored_experiment(store, name)
    delete_experiment(store, name)


def _cell(value: Any, spread: Any = None, kind: str = "num") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    formats = {"pct": "{:.1%}", "num": "{:.2f}", "one": "{:.1f}"}
    text = formats.get(kind, "{}").format(value)
    if spread is not None and isinstance(spread, float) and math.isfinite(spread):
        text += f" ±{spread:.1%}" if kind == "pct" else f" ±{spread:.2f}"
    return text


def experiment_result(store: Store, name: str) -> dict[str, Any]:
    """The comparison of an experiment: rows for display, the raw numbers, the statements."""
    experiment = stored_experiment(store, name)
    table = trials_table(lab_trials(store, name))
    ranked = comparison(experiment, table, _registry(store, table))
    params = [c for c in ranked.columns if c.startswith("param:")]
    names = short_names([p.split(":", 1)[1] for p in params])
    columns = ["rank", *names.values(), "seeds", *SHOWN]
    rows = []
    for _, r in ranked.iterrows():
        row = {"rank": str(r["rank"]), "seeds": str(r["seeds"])}
        row.update({names[p.split(":", 1)[1]]: str(r[p]) for p in params})
        row["hit rate"] = _cell(r.get("hit_rate"), r.get("hit_rate_std"), "pct")
        row["AUC"] = _cell(r.get("auc"), r.get("auc_std"))
        row["return"] = _cell(r.get("total_return"), r.get("total_return_std"), "pct")
        row["Sharpe"] = _cell(r.get("sharpe"), r.get("sharpe_std"))
        row["Sharpe 95% CI"] = (
            f"[{_cell(r.get('sharpe_ci_low'))}, {_cell(r.get('sharpe_ci_high'))}]"
        )
        row["DSR"] = _cell(r.get("dsr"))
        row["max DD"] = _cell(r.get("max_drawdown"), None, "pct")
        row["epochs"] = _cell(r.get("epochs"), None, "one")
        row["train s"] = _cell(r.get("train_seconds"), r.get("train_seconds_std"))
        rows.append(row)
    statements = noise_statements(experiment, ranked) if len(ranked) else ["no trial done yet"]
    return {
        "name": name,
        "objective": experiment.objective,
        "columns": columns,
        "table": rows,
        "statements": statements,
        "comparison": json_safe(ranked.to_dict(orient="records")),
    }


def _registry(store: Store, table: pd.DataFrame) -> Registry | None:
    """Every trial recorded on the experiment's dataset (None when its trials used several)."""
    if table.empty or "dataset" not in table:
        return None
    found = {json.dumps(d, sort_keys=True) for d in table["dataset"] if isinstance(d, dict)}
    if len(found) != 1:
        return None
    data = json.loads(found.pop())
    dataset = Dataset(
        data["data_hash"], dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"])
    )
    recorded = dataset_trials(store, dataset)
    sharpes = tuple(
        float(t.excess_sharpe)
        for t in recorded
        if t.excess_sharpe is not None and math.isfinite(t.excess_sharpe)
    )
    return Registry(len(recorded), sharpes)


BEST = 3  # configurations whose equity is drawn against buy-and-hold
CAPTIONS = {
    "tradeoff": "Accuracy against training time, one point per configuration (mean over seeds)",
    "heatmap": "The objective over the two swept keys (mean over seeds)",
    "equity": "Portfolio value of the best configurations (first seed) and buy-and-hold",
}


def write_experiment_report(store: Store, name: str) -> dict[str, str]:
    """``report.html``, ``comparison.json``, ``comparison.csv`` and the charts, under
    ``data/reports/experiments/<name>/``."""
    experiment = stored_experiment(store, name)
    result = experiment_result(store, name)
    ranked = pd.DataFrame(result["comparison"])
    folder = paths.reports_dir() / "experiments" / name
    folder.mkdir(parents=True, exist_ok=True)
    files = {"json": folder / "comparison.json", "table": folder / "comparison.csv"}
    files["json"].write_text(json.dumps(result, indent=2, allow_nan=False))
    ranked.to_csv(files["table"], index=False)
    charts: dict[str, Path] = {}
    if not ranked.empty:
        charts = _charts(experiment, ranked, folder)
        charts.update(_equity(store, name, ranked, folder))
    page = {
        "name": name,
        "description": experiment.description,
        "method": experiment.sweep.method,
        "keys": list(experiment.sweep.choices),
        "configurations": len(ranked),
        "repeats": experiment.repeats,
        "objective": experiment.objective,
        "statements": result["statements"],
        "columns": result["columns"],
        "rows": result["table"],
        "left": 1 + len([c for c in ranked.columns if str(c).startswith("param:")]),
    }
    files["report"] = write_experiment_html(
        page, [(path, CAPTIONS[key]) for key, path in charts.items()], folder
    )
    return {k: str(v) for k, v in {**files, **charts}.items()}


def _equity(store: Store, name: str, ranked: pd.DataFrame, folder: Path) -> dict[str, Path]:
    table = trials_table(lab_trials(store, name))
    first = table.sort_values("repeat").drop_duplicates("config_key").set_index("config_key")
    runs = {
        f"#{int(row['rank'])} {describe(row)}": str(first.at[row["config_key"], "run_id"])
        for _, row in ranked.head(BEST).iterrows()
    }
    equity = best_equity(store, runs)
    if not equity:
        return {}
    path = equity_chart(
        equity, folder / "equity.png", f"{name}: best configurations", frozenset(runs)
    )
    return {"equity": path}


def _charts(experiment: Experiment, ranked: pd.DataFrame, folder: Path) -> dict[str, Path]:
    params = [c for c in ranked.columns if c.startswith("param:")]
    group = next((p for p in params if p.endswith("activation")), params[0] if params else None)
    title = f"{experiment.name}: accuracy against training time"
    out = {
        "tradeoff": tradeoff_chart(
            ranked, "train_seconds", "accuracy", group, folder / "accuracy_vs_time.png", title
        )
    }
    grid_keys = list(experiment.sweep.choices)
    if experiment.sweep.method == "grid" and len(grid_keys) == 2:
        rows, cols = (f"param:{k}" for k in grid_keys)
        value = experiment.objective if experiment.objective in ranked else "sharpe"
        title = f"{experiment.name}: mean {value} over seeds"
        out["heatmap"] = heatmap_chart(ranked, rows, cols, value, folder / "heatmap.png", title)
    return out


def activation_chart(path: Path) -> Path:
    """Every hidden activation and its derivative on [-4, 4] (seed 001's reference chart)."""
    from trader import models

    x = np.linspace(-4.0, 4.0, 401)
    path.parent.mkdir(parents=True, exist_ok=True)
    return draw_activations(models.activation_curves(x), x, path)
