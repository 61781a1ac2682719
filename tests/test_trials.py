"""The trial registry: recorded per dataset, one row per configuration, counted by the DSR."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.exc import StatementError

from trader.config import ModelConfig, RunConfig, StrategyConfig
from trader.data import (
    Dataset,
    RunRecord,
    Store,
    TrialRecord,
    dataset_of,
    dataset_trials,
    get_run,
    list_trials,
    reset_trials,
    save_run,
    save_trials,
)
from trader.errors import ConfigError
from trader.evaluate.trials import config_hash, contender_identity, count_trials

DATA = Dataset("a" * 64, dt.date(2016, 1, 4), dt.date(2018, 2, 7))
OTHER = Dataset("b" * 64, dt.date(2016, 1, 4), dt.date(2018, 2, 7))
START, END = pd.Timestamp("2017-01-03"), pd.Timestamp("2018-02-07")


def trial(name: str, sharpe: float | None, run: str = "r1", data: Dataset = DATA) -> TrialRecord:
    return TrialRecord(
        dataset=data, config_hash=config_hash({"name": name}), name=name, kind="model",
        run_id=run, test_start=START.date(), test_end=END.date(), days=280, sharpe=sharpe,
        excess_sharpe=sharpe, config={"name": name},
    )  # fmt: skip


def test_save_replace_list_and_reset(store: Store) -> None:
    save_trials(store, [trial("a", 0.5), trial("b", None), trial("c", -0.2, data=OTHER)])
    assert [t.name for t in dataset_trials(store, DATA)] == ["a", "b"]
    back = dataset_trials(store, DATA)[0]
    assert back.dataset == DATA and back.sharpe == 0.5 and back.config == {"name": "a"}
    assert dataset_trials(store, DATA)[1].sharpe is None
    # the same configuration evaluated again replaces its row (a rerun counts once)
    save_trials(store, [trial("a", 0.7, run="r2")])
    again = {t.name: t for t in dataset_trials(store, DATA)}
    assert len(again) == 2 and again["a"].sharpe == 0.7 and again["a"].run_id == "r2"
    listed = list_trials(store)
    assert len(listed) == 3 and set(listed["name"]) == {"a", "b", "c"}
    assert list(list_trials(store, "bbb")["name"]) == ["c"]
    assert reset_trials(store, "bbb") == 1 and len(list_trials(store)) == 2
    assert reset_trials(store) == 2 and list_trials(store).empty


def test_trials_are_written_with_the_run_record(store: Store) -> None:
    record = RunRecord(id="bt-1", kind="backtest", config={}, data_hash=DATA.data_hash)
    save_run(store, record, trials=[trial("a", 0.1, run="bt-1")])
    assert [t.run_id for t in dataset_trials(store, DATA)] == ["bt-1"]
    # a failing trial leaves neither the record nor any of its trials
    good, bad = trial("b", 0.2, run="bt-2"), trial("c", 0.3, run="bt-2")
    bad = TrialRecord(**{**bad.__dict__, "config": {"not json": object()}})
    with pytest.raises((StatementError, TypeError), match="not JSON serializable"):
        save_run(store, RunRecord(id="bt-2", kind="backtest", config={}, data_hash="x"),
                 trials=[good, bad])  # fmt: skip
    assert [t.name for t in dataset_trials(store, DATA)] == ["a"]
    with pytest.raises(ConfigError, match="unknown run 'bt-2'"):
        get_run(store, "bt-2")


def test_count_merges_recorded_and_current_trials() -> None:
    past = [trial("a", 0.5, "r1"), trial("b", -0.5, "r1"), trial("x", 3.0, "r0", data=OTHER)]
    current = [trial("a", 0.6, "r2"), trial("c", None, "r2"), trial("d", 0.1, "r2")]
    counted = count_trials(DATA, past, current)
    assert counted.trials == 4 and counted.this_run == 3  # a (replaced), b, c, d
    assert counted.runs == ["r1", "r2"]
    assert sorted(counted.excess_sharpes) == pytest.approx([-0.5, 0.1, 0.6])
    assert counted.sharpe_variance == pytest.approx(np.var([-0.5, 0.1, 0.6], ddof=1))
    assert math.isnan(count_trials(DATA, [], [trial("a", 0.5)]).sharpe_variance)
    as_dict = counted.as_dict()
    assert as_dict["count"] == 4 and as_dict["dataset"]["start"] == "2016-01-04"


def test_identity_is_what_was_tried_not_the_name() -> None:
    config = RunConfig(
        models=[ModelConfig(name="lstm", seeds=[1, 2])],
        strategies=[StrategyConfig(name="rci"), StrategyConfig(name="model_threshold")],
    )

    def key(name: str, kind: str, cfg: RunConfig = config) -> str:
        return config_hash(contender_identity(name, kind, cfg, START, END))

    renamed = RunConfig(
        models=[ModelConfig(name="other", seeds=[1, 2])], strategies=config.strategies
    )
    assert key("lstm", "model") == key("other", "model", renamed)  # a label is not a trial
    assert key("lstm", "model") != key("lstm@seed2", "seed")  # another seed is
    assert contender_identity("lstm@seed2", "seed", config, START, END)["model"]["seed"] == 2
    assert "rule" in contender_identity("lstm+model_threshold", "model", config, START, END)
    assert contender_identity("rci", "rule", config, START, END)["rule"]["name"] == "rci"
    assert contender_identity("linear", "baseline", config, START, END)["baseline"] == "linear"
    cheaper = config.model_copy(update={"backtest": config.backtest.model_copy(
        update={"commission": 0.0})})  # fmt: skip
    assert key("rci", "rule") != key("rci", "rule", cheaper)  # costs are part of a trial
    assert key("rci", "rule") != config_hash(
        contender_identity("rci", "rule", config, START, pd.Timestamp("2018-01-31"))
    )


def test_dataset_of_bars(make_bars: object) -> None:
    bars = make_bars("AAA", days=10)  # type: ignore[operator]
    data = dataset_of(bars)
    assert data.start == dt.date(2015, 3, 2) and data.end == dt.date(2015, 3, 13)
    assert dataset_of(bars.iloc[::-1]) == data  # order does not matter
    changed = bars.assign(close=bars["close"] * 1.001)
    assert dataset_of(changed).data_hash != data.data_hash
