"""The experiment lab: sweeps over configurations, resumable, here or on a Dask cluster.

Comes after the pipeline in the data flow: a trial is one `trader.pipeline` train + backtest.

- `experiment`: experiment files (a base run config, a sweep, seed repeats, an objective)
- `sweep`: the configurations of grid and random sweeps; trial keys; `search`: Optuna's TPE
  sampler asked batch by batch
- `runner`: one trial, start to finish, stored idempotently; `execute`: in this process or on
  Dask workers (`dask_plugin`)
- `driver`: `run_experiment`, which registers, runs and resumes every trial
- `compare`: one row per configuration, mean and spread across seeds, ranked by deflated Sharpe
- `results`: the comparison as data, table and files with charts
"""

from __future__ import annotations

from trader.lab.compare import comparison, noise_statements, trials_table
from trader.lab.driver import SweepSummary, run_experiment
from trader.lab.experiment import Experiment, Range, Sweep, load_experiment, parse_experiment
from trader.lab.results import (
    activation_chart,
    experiment_result,
    experiments,
    forget_experiment,
    stored_experiment,
    write_experiment_report,
)
from trader.lab.runner import TrialSpec, run_trial, trial_metrics
from trader.lab.sweep import Configuration, config_key, fixed_configurations, trial_key

__all__ = [
    "Configuration",
    "Experiment",
    "Range",
    "Sweep",
    "SweepSummary",
    "TrialSpec",
    "activation_chart",
    "comparison",
    "config_key",
    "experiment_result",
    "experiments",
    "fixed_configurations",
    "forget_experiment",
    "load_experiment",
    "noise_statements",
    "parse_experiment",
    "run_experiment",
    "run_trial",
    "stored_experiment",
    "trial_key",
    "trial_metrics",
    "trials_table",
    "write_experiment_report",
]
