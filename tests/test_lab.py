"""The experiment lab: experiment files, sweeps, idempotent trials, resume after a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from trader.data import (
    Store,
    TrialRow,
    claim_trial,
    finish_trial,
    lab_trials,
    register_trials,
)
from trader.errors import ConfigError
from trader.lab import (
    Experiment,
    comparison,
    fixed_configurations,
    load_experiment,
    parse_experiment,
    run_experiment,
    trials_table,
    write_experiment_report,
)
from trader.lab import runner as runner_module
from trader.lab.search import Finished, ask_batch
from trader.lab.sweep import check_models

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"
BASE = {
    "data": {"tickers": ["AAPL"], "start": "2016-09-01", "source": "sample"},
    "window": {"length": 5, "features": ["log_return"]},
    "models": [{"name": "net", "kind": "dense", "units": [4], "epochs": 1, "batch_size": 256}],
    "protocol": {"folds": 2, "min_train_days": 150},
    "strategies": [],
}


def experiment(**changes: Any) -> Experiment:
    data = {"name": "t", "base": BASE, "sweep": {"params": {"models.net.activation": ["relu"]}}}
    return parse_experiment({**data, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sweep": {"params": {"models.net.activaton": ["relu"]}}}, "did you mean 'activation'"),
        ({"sweep": {"params": {"window.lenght": [5]}}}, "did you mean 'length'"),
        ({"sweep": {"params": {"models.nett.units": [[4]]}}}, "no item named 'nett'"),
        ({"sweep": {"params": {"window.length": [5, 0]}}}, r"sweep.params.window.length\[1\]"),
        ({"sweep": {"params": {"window.length": {"low": 5, "high": 9}}}}, "needs a step"),
        ({"sweep": {"method": "random", "params": {"window.length": [5]}}}, "needs n"),
        ({"sweep": {"method": "grid", "n": 3}}, "n applies to random and optuna"),
        ({"sweep": {"methd": "grid"}}, "did you mean 'method'"),
        ({"repeats": 0}, "repeats"),
        ({"name": "bad name!"}, "letters, digits"),
        ({"objective": "profit"}, "objective"),
        ({"base": {**BASE, "models": [{"name": "a"}, {"name": "b"}]}}, "compares configurations"),
        ({"sweep": {"together": {"p": [{"window.labl": "sign"}]}}}, "did you mean 'label'"),
        ({"sweep": {"params": {"window.length": {"low": 9, "high": 5, "step": 1}}}}, "below high"),
    ],
)
def test_bad_experiments_are_one_clear_line(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        experiment(**changes)
    assert "\n" not in str(err.value)


def test_shipped_experiments_load_and_their_models_can_train() -> None:
    names = set()
    for path in sorted(EXPERIMENTS.glob("*.yaml")):
        loaded = load_experiment(path)
        names.add(loaded.name)
        if loaded.sweep.method != "optuna":
            configurations = fixed_configurations(loaded)
            assert len(configurations) >= 8
            check_models(loaded, configurations)
    assert names == {"activations", "losses-optimizers", "window-architecture"}


def test_incompatible_configurations_are_refused_before_running() -> None:
    bad = experiment(sweep={"params": {"models.net.loss": ["binary_crossentropy", "hinge"]}})
    with pytest.raises(ConfigError, match="hinge"):
        check_models(bad, fixed_configurations(bad))


def test_grid_order_and_dropped_repeats() -> None:
    grid = experiment(
        sweep={
            "params": {
                "models.net.activation": ["relu", "tanh", "relu"],
                "window.length": {"low": 5, "high": 7, "step": 1},
            }
        }
    )
    points = [c.params for c in fixed_configurations(grid)]
    assert len(points) == 6  # the second "relu" makes nothing new
    assert points[:3] == [
        {"models.net.activation": "relu", "window.length": 5},
        {"models.net.activation": "relu", "window.length": 6},
        {"models.net.activation": "relu", "window.length": 7},
    ]


def test_random_sweeps_are_seeded_and_distinct() -> None:
    spec = {
        "method": "random",
        "n": 5,
        "seed": 4,
        "params": {
            "window.length": {"low": 3, "high": 30},
            "models.net.learning_rate": {"low": 1e-4, "high": 1e-2, "log": True},
        },
    }
    a = fixed_configurations(experiment(sweep=spec))
    b = fixed_configurations(experiment(sweep=spec))
    assert [c.params for c in a] == [c.params for c in b]
    assert len({c.key for c in a}) == 5
    assert all(isinstance(c.params["window.length"], int) for c in a)
    small = {**spec, "n": 10, "params": {"models.net.activation": ["relu", "tanh"]}}
    assert len(fixed_configurations(experiment(sweep=small))) == 2  # the space holds two


def test_optuna_batches_depend_only_on_history_and_seed() -> None:
    spec = {
        "method": "optuna",
        "n": 6,
        "params": {
            "models.net.activation": ["relu", "tanh", "elu"],
            "window.length": {"low": 3, "high": 12},
        },
    }
    lab = experiment(sweep=spec)
    history = [Finished({"models.net.activation": "relu", "window.length": 5}, 0.3)]
    first = ask_batch(lab, history, 1, 3, set())
    again = ask_batch(lab, history, 1, 3, set())
    assert [c.params for c in first] == [c.params for c in again]
    assert len({c.key for c in first}) == 3
    seen = {c.key for c in first}
    more = ask_batch(lab, history, 2, 3, set(seen))
    assert not {c.key for c in more} & seen


def _rows(n: int) -> list[TrialRow]:
    return [TrialRow(f"t/k{i}/r0", "t", f"k{i}", i, 0, {"x": i}, {"seed": i}) for i in range(n)]


def test_trial_writes_are_idempotent(store: Store) -> None:
    assert register_trials(store, _rows(3)) == 3
    assert register_trials(store, _rows(4)) == 1  # the three known ones are left alone
    assert claim_trial(store, "t/k0/r0", "w1")
    assert finish_trial(store, "t/k0/r0", run_id="r1", record_id="b1", metrics={"sharpe": 1.0})
    assert not finish_trial(store, "t/k0/r0", run_id="r2", record_id="b2", metrics={"sharpe": 9})
    assert not claim_trial(store, "t/k0/r0", "w2")  # done: a rerun of the task does nothing
    trials = lab_trials(store, "t")
    assert len(trials) == 4
    done = trials[trials["status"] == "done"].iloc[0]
    assert done["run_id"] == "r1" and done["metrics"] == {"sharpe": 1.0}


class Interrupted(BaseException):
    """Stands in for Ctrl-C or a killed driver: not an error a trial could record."""


def _fake_pipeline(monkeypatch: pytest.MonkeyPatch, calls: list[str], stop_after: int) -> None:
    """Trials that take no time: a report whose Sharpe is the window length; the driver
    'dies' when trial number ``stop_after`` starts."""

    class Trained:
        def __init__(self, run_id: str) -> None:
            self.run_id = run_id

    def train(config: Any, store: Any) -> Trained:
        if len(calls) == stop_after:
            raise Interrupted
        calls.append(f"{config.window.length}-{config.models[0].seed}")
        return Trained(f"run-{len(calls)}")

    def backtest(run_id: str, store: Any) -> dict[str, Any]:
        length = int(calls[-1].split("-")[0])
        total = {"sharpe": float(length), "hit_rate": 0.5, "total_return": 0.1}
        return {
            "record_id": f"bt-{run_id}",
            "strategies": {
                "net": {
                    "total": total,
                    "tradable": {"excess_sharpe": length / 10, "effective_days": 200, "dsr": 0.5},
                }
            },
            "training": {"net": {"epochs_run": [1, 1]}},
            "periods": {"test_start": "2017-01-03", "test_end": "2017-12-29"},
        }

    monkeypatch.setattr(runner_module.pipeline, "train", train)
    monkeypatch.setattr(runner_module.pipeline, "backtest", backtest)


def test_an_interrupted_sweep_resumes_without_recomputing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = experiment(
        sweep={"params": {"window.length": [4, 5, 6]}}, repeats=2
    )  # 3 configurations x 2 seeds
    calls: list[str] = []
    _fake_pipeline(monkeypatch, calls, stop_after=3)
    with pytest.raises(Interrupted):
        run_experiment(lab, store)
    assert len(calls) == 3
    trials = lab_trials(store, "t")
    assert (trials["status"] == "done").sum() == 3 and (trials["status"] == "running").sum() == 1

    _fake_pipeline(monkeypatch, calls, stop_after=99)
    summary = run_experiment(lab, store)
    assert len(calls) == 6 and len(set(calls)) == 6  # every trial computed exactly once
    assert summary.done == 6 and summary.ran == 3 and summary.configurations == 3
    again = run_experiment(lab, store)
    assert again.ran == 0 and len(calls) == 6

    ranked = comparison(lab, trials_table(lab_trials(store, "t")))
    assert ranked["param:window.length"].tolist() == [6, 5, 4]  # Sharpe = length: 6 is best
    assert ranked["seeds"].tolist() == [2, 2, 2]


def test_a_changed_file_under_the_same_name_is_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pipeline(monkeypatch, [], stop_after=99)
    run_experiment(experiment(), store)
    with pytest.raises(ConfigError, match="was run before with a different file"):
        run_experiment(experiment(repeats=2), store)


def test_a_real_tiny_sweep_end_to_end(store: Store) -> None:
    from trader import ingest_sample

    ingest_sample(["AAPL"], store)
    lab = experiment(sweep={"params": {"models.net.activation": ["relu", "tanh"]}})
    summary = run_experiment(lab, store)
    assert summary.done == 2 and summary.failed == 0
    table = trials_table(lab_trials(store, "t"))
    assert set(table["param:models.net.activation"]) == {"relu", "tanh"}
    assert table["train_seconds"].gt(0).all() and table["hit_rate"].between(0, 1).all()
    assert table["excess_sharpe"].notna().all() and table["dataset"].notna().all()
    assert table["excess_return"].notna().all() and table["excess_ci_low"].notna().all()

    files = write_experiment_report(store, "t")
    html = Path(files["report"]).read_text()
    assert "Experiment t" in html and html.count("data:image/png;base64,") == 2  # trade-off, equity
    assert "within seed noise" in html or "seed noise of sharpe is unknown" in html
    assert Path(files["equity"]).stat().st_size > 10_000


def test_the_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from trader.cli import app

    _fake_pipeline(monkeypatch, [], stop_after=99)
    db = f"sqlite:///{tmp_path / 'lab.db'}"
    file = tmp_path / "e.yaml"
    file.write_text(
        "name: cli\nbase:\n"
        + "".join(f"  {k}: {v!r}\n" for k, v in BASE.items()).replace("'", '"')
        + "sweep:\n  params:\n    window.length: [4, 6]\n"
    )
    runner = CliRunner()
    done = runner.invoke(app, ["experiment", "run", str(file), "--db", db])
    assert done.exit_code == 0, done.output
    assert "2 configurations, 2 of 2 trials done" in done.output
    listed = runner.invoke(app, ["experiment", "list", "--json", "--db", db])
    assert '"done": 2' in listed.output
    shown = runner.invoke(app, ["experiment", "show", "cli", "--db", db])
    assert "length" in shown.output and "one seed per configuration" in shown.output
    wrong = runner.invoke(app, ["experiment", "show", "clj", "--db", db])
    assert wrong.exit_code == 2 and "did you mean 'cli'" in wrong.output
    assert runner.invoke(app, ["experiment", "delete", "cli", "--db", db]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nbase: {models: [{name: net}]}\nsweep: {params: {window.lenght: [3]}}\n"
    )
    refused = runner.invoke(app, ["experiment", "run", str(bad), "--db", db])
    assert refused.exit_code == 2 and "did you mean 'length'" in refused.output


# what a trial's report says about the trials recorded before it (their order is the workers')
HISTORY_DEPENDENT = ("key", "run_id", "dsr", "trials")


def test_results_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    """The same tiny sweep in this process and on two Dask worker processes: equal numbers."""
    pytest.importorskip("distributed")
    from trader import ingest_sample

    lab = experiment(sweep={"params": {"models.net.activation": ["relu", "tanh"]}})
    results = []
    for workers in (1, 2):
        store = Store(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        ingest_sample(["AAPL"], store)
        summary = run_experiment(lab, store, workers=workers)
        assert summary.done == 2 and summary.failed == 0, summary.errors
        table = trials_table(lab_trials(store, "t")).set_index("config_key").sort_index()
        results.append(table.drop(columns=[c for c in table if c in HISTORY_DEPENDENT]))
        store.dispose()
    timings = [c for c in results[0] if "seconds" in c]
    differ = [c for c in results[0] if not results[0][c].equals(results[1][c])]
    assert set(differ) <= set(timings), differ
    assert len(results[0].columns) > 20


def test_artifacts_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TRADER_ARTIFACTS moves model files and reports (a folder shared by the workers)."""
    from trader import paths

    monkeypatch.setenv("TRADER_ARTIFACTS", str(tmp_path / "shared"))
    assert paths.models_dir() == tmp_path / "shared" / "models"
    assert paths.reports_dir() == tmp_path / "shared" / "reports"
    monkeypatch.setenv("TRADER_ARTIFACTS", "s3://bucket/trader")
    with pytest.raises(ConfigError, match="TRADER_ARTIFACTS='s3://bucket/trader': give a folder"):
        paths.models_dir()
