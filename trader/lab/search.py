"""Model-based search: Optuna's TPE sampler asked for configurations, batch by batch.

Optuna is only the sampler: its study lives in memory and is rebuilt for every batch from the
configurations the lab has already finished (trader's tables are the record; Optuna's own
database storage would write its own ``alembic_version`` table, so it is never used). Batch k
is asked from the results of batches 0..k-1 with seed ``sweep.seed + k``, all of its
configurations before any is told: the sequence of configurations does not depend on the
number of workers, nor on where an interrupted sweep resumed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trader.lab.experiment import Experiment, Range
from trader.lab.sweep import Configuration, configure

ASK_ATTEMPTS = 20  # asks per wanted configuration before the space counts as exhausted


@dataclass(frozen=True)
class Finished:
    """A configuration already evaluated: its swept values and mean objective (None: failed)."""

    params: dict[str, Any]
    value: float | None


def _distributions(experiment: Experiment) -> dict[str, Any]:
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    out: dict[str, Any] = {}
    for key, values in experiment.sweep.choices.items():
        if isinstance(values, list):  # by index: Optuna's choices must be plain scalars
            out[key] = CategoricalDistribution(list(range(len(values))))
        elif values.integer and not values.log:
            step = int(values.step or 1)
            out[key] = IntDistribution(int(values.low), int(values.high), step=step)
        else:
            out[key] = FloatDistribution(values.low, values.high, log=values.log, step=values.step)
    return out


def _encode(experiment: Experiment, params: dict[str, Any]) -> dict[str, Any]:
    """Swept values as Optuna sees them (list choices by index)."""
    out = {}
    for key, values in experiment.sweep.choices.items():
        value = params[key]
        out[key] = values.index(value) if isinstance(values, list) else value
    return out


def _decode(experiment: Experiment, sampled: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, values in experiment.sweep.choices.items():
        value = sampled[key]
        if isinstance(values, list):
            out[key] = values[int(value)]
        elif isinstance(values, Range) and values.integer and not values.log:
            out[key] = int(value)
        else:
            out[key] = float(value)
    return out


def ask_batch(
    experiment: Experiment, finished: Sequence[Finished], batch: int, size: int, seen: set[str]
) -> list[Configuration]:
    """Up to ``size`` new configurations (keys not in ``seen``) for batch number ``batch``."""
    import optuna
    from optuna.trial import TrialState, create_trial

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=experiment.sweep.seed + batch)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    distributions = _distributions(experiment)
    for done in finished:
        ok = done.value is not None and math.isfinite(done.value)
        study.add_trial(
            create_trial(
                params=_encode(experiment, done.params),
                distributions=distributions,
                value=done.value if ok else None,
                state=TrialState.COMPLETE if ok else TrialState.FAIL,
            )
        )
    out: list[Configuration] = []
    for _ in range(size * ASK_ATTEMPTS):
        if len(out) == size:
            break
        trial = study.ask(fixed_distributions=distributions)
        configuration = configure(experiment, _decode(experiment, trial.params))
        if configuration.key in seen:  # already tried: tell Optuna so it looks elsewhere
            study.tell(trial, state=TrialState.PRUNED)
            continue
        seen.add(configuration.key)
        out.append(configuration)
    return out
