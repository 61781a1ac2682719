"""`trader replay RUN_ID`: run a recorded run again and say whether it came out identical.

A train record is replayed by training again from its stored config; a backtest record by
training its parent's config again and backtesting with the recorded strategies. The replay
is itself recorded (new run ids). Predictions, trades and metrics are compared exactly; when
they differ, the report names what changed between the two runs: the data slice (hash),
package versions, the git commit, or the config as the current code reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trader import pipeline
from trader.config import parse_config
from trader.events import Progress, quiet
from trader.store import Store
from trader.store.records import RunRecord, get_run, run_predictions, run_trades


@dataclass
class ReplayResult:
    original: str
    replay: str
    compared: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {
            "original": self.original,
            "replay": self.replay,
            "identical": self.identical,
            "compared": self.compared,
            "differences": self.differences,
            "causes": self.causes,
        }


def _frames(what: str, old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    if old.shape != new.shape:
        return [f"{what}: {len(old)} rows recorded, {len(new)} in the replay"]
    differs = ~((old == new) | (old.isna() & new.isna())).all(axis=1)
    if not differs.any():
        return []
    i = int(differs.to_numpy().argmax())
    first = ", ".join(f"{k}={v}" for k, v in old.iloc[i].items())
    return [f"{what}: {int(differs.sum())} of {len(old)} rows differ, first: {first}"]


def _metrics(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Headline (portfolio) metrics that differ, compared after a JSON round trip."""
    a, b = json.loads(json.dumps(old)), json.loads(json.dumps(new))
    changed = []
    for name in sorted(set(a) | set(b)):
        ta, tb = a.get(name, {}).get("total", {}), b.get(name, {}).get("total", {})
        changed += [f"{name}.{k}" for k in sorted(set(ta) | set(tb)) if ta.get(k) != tb.get(k)]
    return [f"metrics: {len(changed)} differ, e.g. {', '.join(changed[:3])}"] if changed else []


def _causes(old: RunRecord, new: RunRecord) -> list[str]:
    out = []
    if old.data_hash != new.data_hash:
        out.append("the data slice changed (different data hash)")
    versions = sorted(
        f"{k} {old.versions.get(k)} -> {new.versions.get(k)}"
        for k in set(old.versions) | set(new.versions)
        if old.versions.get(k) != new.versions.get(k)
    )
    if versions:
        out.append("package versions changed: " + ", ".join(versions))
    if old.git_commit != new.git_commit:
        out.append(f"code changed: commit {old.git_commit} -> {new.git_commit}")
    if parse_config(old.config).model_dump(mode="json") != old.config:
        out.append("the stored config reads differently with the current code (new defaults)")
    return out


def replay(run_id: str, store: Store, *, progress: Progress = quiet) -> ReplayResult:
    """Run ``run_id`` again and compare predictions, trades and metrics with the record."""
    record = get_run(store, run_id)
    trained = get_run(store, record.parent_id) if record.parent_id else record
    config = parse_config(trained.config, origin=f"run {trained.id}")
    again = pipeline.train(config, store, progress=progress)
    new_train = get_run(store, again.run_id)
    result = ReplayResult(original=run_id, replay=again.run_id)
    result.compared.append("predictions")
    result.differences += _frames(
        "predictions", run_predictions(store, trained.id), run_predictions(store, again.run_id)
    )
    result.causes += _causes(trained, new_train)
    if record.kind == "backtest":
        strategies = parse_config(record.config).strategies
        report = pipeline.backtest(again.run_id, store, strategies=strategies, progress=progress)
        result.replay = report["record_id"]
        result.compared += ["trades", "metrics"]
        result.differences += _frames(
            "trades", run_trades(store, record.id), run_trades(store, report["record_id"])
        )
        result.differences += _metrics(record.metrics, report["strategies"])
        new_bt = get_run(store, report["record_id"])
        result.causes += [c for c in _causes(record, new_bt) if c not in result.causes]
    return result
