"""Run configuration: defaults, YAML, clear errors with suggestions, overrides by key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from trader.config import RunConfig, load_config, parse_config, with_override
from trader.errors import ConfigError


def test_defaults_have_lstm_and_dense() -> None:
    cfg = RunConfig()
    assert [m.kind for m in cfg.models] == ["lstm", "dense"]
    assert cfg.window.train_fraction + cfg.window.val_fraction < 1


def test_yaml_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("data:\n  tickers: [aapl, msft]\nwindow:\n  length: 5\n  label: sign\n")
    cfg = load_config(path)
    assert cfg.data.tickers == ["AAPL", "MSFT"]
    assert cfg.window.length == 5 and cfg.window.label == "sign"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"window": {"lenght": 5}}, "unknown option 'window.lenght' (did you mean 'length'?)"),
        ({"windw": {}}, "unknown option 'windw' (did you mean 'window'?)"),
        ({"models": [{"name": "a", "unitz": [3]}]}, "did you mean 'units'?"),
        ({"window": {"label": "binary2"}}, "window.label"),
        ({"window": {"train_fraction": 0.9, "val_fraction": 0.2}}, "must leave a test period"),
        ({"models": [{"name": "a"}, {"name": "a"}]}, "model names must be unique"),
        ({"models": [{"units": [8, 4], "activation": ["relu"]}]}, "1 names for 2 hidden layers"),
        ({"backtest": {"commission": -1}}, "backtest.commission"),
        (
            {"window": {"features": ["log_return", "canary_next_return"]}},
            "only the leakage audit injects it",
        ),
    ],
)
def test_bad_config_is_one_clear_line(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data, origin="run.yaml")
    text = str(err.value)
    assert message in text
    assert text.startswith("run.yaml: ")
    assert "\n" not in text


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("window: [1, 2\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_load_config_from_every_source(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("window:\n  length: 5\n")
    assert load_config().window.length == 20
    assert load_config(str(path)).window.length == 5
    assert load_config({"window": {"length": 6}}).window.length == 6
    base = RunConfig()
    assert load_config(base) is base
    tuned = load_config(path, overrides={"models.lstm.epochs": 3, "window.horizon": 2})
    assert tuned.window.length == 5 and tuned.window.horizon == 2
    assert tuned.models[0].epochs == 3
    with pytest.raises(ConfigError, match=r"did you mean 'length'\?"):
        load_config({"window": {"lenght": 5}})
    with pytest.raises(ConfigError, match=r"unknown option 'window.lenght' \(did you mean"):
        load_config(overrides={"window.lenght": 5})
    with pytest.raises(ConfigError, match="expected a YAML path, a mapping or a RunConfig"):
        load_config(42)  # type: ignore[arg-type]


def test_the_canary_cannot_be_set_by_override() -> None:
    with pytest.raises(ConfigError, match="only the leakage audit injects it"):
        with_override(RunConfig(), "window.features", ["canary_next_return"])


def test_override_by_key_path() -> None:
    cfg = with_override(RunConfig(), "window.length", 7)
    assert cfg.window.length == 7
    cfg = with_override(cfg, "models.0.activation", "selu")
    assert cfg.models[0].activation == "selu"
    with pytest.raises(ConfigError):
        with_override(cfg, "window.length", -3)


def test_override_by_item_name_and_strategy_parameters() -> None:
    cfg = with_override(RunConfig(), "models.lstm.units", [8, 4])
    assert cfg.models[0].units == [8, 4]
    cfg = with_override(cfg, "strategies.bnf_deviation.params.entry_pct", 7.5)
    bnf = next(s for s in cfg.strategies if s.name == "bnf_deviation")
    assert bnf.params == {"entry_pct": 7.5}
    assert RunConfig().strategies[2].params == {}  # the original is not changed
    cfg = with_override(cfg, "strategies.rci", {"name": "rci", "params": {"short": 5}})
    assert next(s for s in cfg.strategies if s.name == "rci").params == {"short": 5}
    cfg = with_override(cfg, "models.1", {"name": "mlp", "kind": "dense"})
    assert [m.name for m in cfg.models] == ["lstm", "mlp"]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("windw.length", "unknown option 'windw.length' (did you mean 'window'?)"),
        ("window.lenght", "unknown option 'window.lenght' (did you mean 'length'?)"),
        ("models.lstn.units", "no item named 'lstn' (did you mean 'lstm'?)"),
        ("models.5.units", "index 5 is out of range (2 items)"),
        ("strategies.granvile.params.ma", "no item named 'granvile' (did you mean 'granville'?)"),
    ],
)
def test_override_errors_name_the_key(key: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"override|unknown|item|index") as err:
        with_override(RunConfig(), key, 3)
    assert message in str(err.value)


def test_strategy_parameter_override_is_checked_when_the_strategy_loads() -> None:
    from trader.signals import check_strategies

    cfg = with_override(RunConfig(), "strategies.bnf_deviation.params.entry_pc", 5)
    with pytest.raises(ConfigError, match="did you mean 'entry_pct'"):
        check_strategies(cfg.strategies)
