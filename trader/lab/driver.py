"""`run_experiment`: every trial of a sweep, resumable, here or on Dask workers.

The driver records the experiment, registers its trials (configuration x seed, each under a
unique key) and runs those that are not ``done``. Run it again after an interruption (Ctrl-C,
kill -9 of the driver or of a worker) and it continues where it stopped: finished trials are
read, not recomputed. Grid and random sweeps register every trial up front; optuna sweeps
register and run one batch at a time. An experiment whose file changed since it was recorded
is refused (rename it, or delete the old one), so one name never mixes two sweeps.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trader.data import (
    Store,
    TrialRow,
    experiment_spec,
    lab_trials,
    register_trials,
    reopen_trials,
    save_experiment,
)
from trader.errors import ConfigError
from trader.events import Progress, quiet
from trader.lab.execute import Executor, executor
from trader.lab.experiment import Experiment
from trader.lab.runner import TrialSpec
from trader.lab.search import Finished, ask_batch
from trader.lab.sweep import (
    Configuration,
    check_models,
    fixed_configurations,
    seeded,
    trial_key,
)


@dataclass
class SweepSummary:
    """What a run of the driver found and did."""

    experiment: str
    configurations: int = 0
    trials: int = 0
    done: int = 0
    failed: int = 0
    ran: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _spec(experiment: Experiment) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(experiment.model_dump_json())
    return spec


def _record(store: Store, experiment: Experiment, source: str) -> None:
    stored = experiment_spec(store, experiment.name)
    if stored is not None and stored != _spec(experiment):
        raise ConfigError(
            f"experiment '{experiment.name}' was run before with a different file: give it a "
            f"new name, or forget the old one with `trader experiment delete {experiment.name}`"
        )
    save_experiment(store, experiment.name, source, _spec(experiment))


def _rows(
    experiment: Experiment, configurations: Sequence[Configuration], first: int
) -> list[TrialRow]:
    return [
        TrialRow(
            key=trial_key(experiment.name, c.key, repeat),
            experiment=experiment.name,
            config_key=c.key,
            ordinal=first + i,
            repeat=repeat,
            params=json.loads(json.dumps(c.params)),
            config=seeded(c.config, repeat).model_dump(mode="json"),
        )
        for i, c in enumerate(configurations)
        for repeat in range(experiment.repeats)
    ]


def _run_pending(
    store: Store, pool: Executor, experiment: Experiment, summary: SweepSummary, progress: Progress
) -> None:
    trials = lab_trials(store, experiment.name)
    pending = trials[trials["status"] == "pending"]
    total, done = len(trials), int((trials["status"] == "done").sum())
    specs = [
        TrialSpec(
            str(row["key"]), experiment.name, experiment.model_name, dict(row["config"])
        ).__dict__
        for row in pending.to_dict(orient="records")
    ]
    progress("sweep", {"name": experiment.name, "done": done, "total": total, "running": 0})
    for outcome in pool.run(specs, store.url):
        summary.ran += outcome["status"] != "skipped"
        if outcome["status"] == "failed":
            summary.errors.append(f"{outcome['key']}: {outcome.get('error', '')}")
        done += 1
        progress("trial", {"name": experiment.name, **outcome, "done": done, "total": total})


def _finished(store: Store, experiment: Experiment) -> list[Finished]:
    """Every configuration with all its repeats done or failed, and its mean objective."""
    trials = lab_trials(store, experiment.name)
    out = []
    for _, group in trials.groupby("ordinal", sort=True):
        if not group["status"].isin(["done", "failed"]).all():
            continue
        values = [
            (m or {}).get(experiment.objective) for m in group["metrics"] if isinstance(m, dict)
        ]
        finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
        mean = float(np.mean(finite)) if len(finite) == len(group) else None
        out.append(Finished(dict(group["params"].iloc[0]), mean))
    return out


def _search(
    store: Store, pool: Executor, experiment: Experiment, summary: SweepSummary, progress: Progress
) -> None:
    sweep = experiment.sweep
    wanted = sweep.n or 0
    batch = 0
    while True:
        trials = lab_trials(store, experiment.name)
        have = int(trials["ordinal"].nunique()) if len(trials) else 0
        _run_pending(store, pool, experiment, summary, progress)
        if have >= wanted:
            return
        batch = have // sweep.batch + (1 if have % sweep.batch else 0)
        seen = set(trials["config_key"])
        size = min(sweep.batch, wanted - have)
        asked = ask_batch(experiment, _finished(store, experiment), batch, size, seen)
        if not asked:  # every configuration of the space was tried
            return
        register_trials(store, _rows(experiment, asked, have))


def run_experiment(
    experiment: Experiment,
    store: Store,
    *,
    source: str = "",
    workers: int = 1,
    cluster: str | None = None,
    progress: Progress = quiet,
) -> SweepSummary:
    """Run (or resume) every trial of ``experiment``; results go to ``store``."""
    _record(store, experiment, source)
    reopen_trials(store, experiment.name)
    summary = SweepSummary(experiment.name)
    with executor(workers, cluster) as pool:
        if experiment.sweep.method == "optuna":
            _search(store, pool, experiment, summary, progress)
        else:
            configurations = fixed_configurations(experiment)
            check_models(experiment, configurations)
            register_trials(store, _rows(experiment, configurations, 0))
            _run_pending(store, pool, experiment, summary, progress)
    trials = lab_trials(store, experiment.name)
    summary.configurations = int(trials["config_key"].nunique())
    summary.trials = len(trials)
    summary.done = int((trials["status"] == "done").sum())
    summary.failed = int((trials["status"] == "failed").sum())
    return summary
