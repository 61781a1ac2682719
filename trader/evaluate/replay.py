"""How a replayed run compares with its record (`trader.pipeline.replay` runs it again).

Predictions, trades and metrics are compared exactly; when they differ, the result names what
changed between the two runs: the data slice (hash), package versions, the git commit, or the
config as the current code reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trader.config import parse_config
from trader.data import RunRecord


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


def frame_differences(what: str, old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """One line when two recorded tables (predictions or trades) differ, else nothing."""
    if old.shape != new.shape:
        return [f"{what}: {len(old)} rows recorded, {len(new)} in the replay"]
    differs = ~((old == new) | (old.isna() & new.isna())).all(axis=1)
    if not differs.any():
        return []
    i = int(differs.to_numpy().argmax())
    first = ", ".join(f"{k}={v}" for k, v in old.iloc[i].items())
    return [f"{what}: {int(differs.sum())} of {len(old)} rows differ, first: {first}"]


def metric_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Headline (portfolio) metrics that differ, compared after a JSON round trip."""
    a, b = json.loads(json.dumps(old)), json.loads(json.dumps(new))
    changed = []
    for name in sorted(set(a) | set(b)):
        ta, tb = a.get(name, {}).get("total", {}), b.get(name, {}).get("total", {})
        changed += [f"{name}.{k}" for k in sorted(set(ta) | set(tb)) if ta.get(k) != tb.get(k)]
    return [f"metrics: {len(changed)} differ, e.g. {', '.join(changed[:3])}"] if changed else []


def causes(old: RunRecord, new: RunRecord) -> list[str]:
    """What changed between two run records that could explain a difference."""
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
