"""The guarantees of docs/reliability.md, one by one: bounded options, names checked at the
door, masked secrets, literal rendering, run folders published whole, reserved run ids."""

from __future__ import annotations

import datetime as dt
import types
import typing
from pathlib import Path

import annotated_types
import pandas as pd
import pytest
from conftest import synthetic_bars
from pydantic import BaseModel
from rich.console import Console
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from trader.cli import app
from trader.config import (
    BacktestConfig,
    DataConfig,
    ModelConfig,
    ProtocolConfig,
    RunConfig,
    SignalConfig,
    WindowConfig,
    load_config,
    training_bytes,
)
from trader.config.limits import FEATURE_WIDTH, weight_count
from trader.data import (
    RunRecord,
    Store,
    check_shared_dates,
    masked,
    new_run_id,
    reserve_run,
    save_run,
)
from trader.errors import ConfigError, DataError, StoreError
from trader.paths import atomic_write_text
from trader.report import LiteralTable, literal, render
from trader.report.charts import equity_chart, training_chart

SECTIONS: dict[str, type[BaseModel]] = {
    "data": DataConfig, "window": WindowConfig, "models.NAME": ModelConfig,
    "signal": SignalConfig, "backtest": BacktestConfig, "protocol": ProtocolConfig,
}  # fmt: skip
DOCS = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"


def _numeric_options(
    sections: dict[str, type[BaseModel]] = SECTIONS,
) -> list[tuple[str, list[object]]]:
    """(section.option, constraints) of every number (or list of numbers) in the sections."""
    found = []
    for prefix, section in sections.items():
        for name, info in section.model_fields.items():
            annotation = info.annotation
            constraints = list(info.metadata)
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if isinstance(annotation, types.UnionType) and len(args) == 1:
                annotation = args[0]
            if typing.get_origin(annotation) is list:
                (inner,) = typing.get_args(annotation)
                if typing.get_origin(inner) is not typing.Annotated:
                    continue
                annotation, *extra = typing.get_args(inner)
                constraints = [c for field in extra for c in getattr(field, "metadata", [])]
            if annotation in (int, float):
                found.append((f"{prefix}.{name}", constraints))
    return found


def test_every_numeric_option_has_finite_bounds_and_is_documented() -> None:
    options = _numeric_options()
    assert len(options) >= 20
    documented = DOCS.read_text()
    for key, constraints in options:
        lower = [c for c in constraints if isinstance(c, annotated_types.Ge | annotated_types.Gt)]
        upper = [c for c in constraints if isinstance(c, annotated_types.Le | annotated_types.Lt)]
        assert lower and upper, f"{key} needs a lower and an upper bound"
        assert f"`{key}`" in documented, f"{key} is missing from docs/reliability.md"


def test_every_numeric_strategy_parameter_has_finite_bounds() -> None:
    from trader.signals import available

    params = {name: cls.Params for name, cls in available().items()}
    options = _numeric_options(params)
    assert len(options) >= 10
    for key, constraints in options:
        kinds = {type(c).__name__ for c in constraints}
        assert kinds & {"Ge", "Gt"} and kinds & {"Le", "Lt"}, f"{key} needs both bounds"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_no_float_option_takes_nan_or_infinity(value: float) -> None:
    for key in (
        "backtest.cash",
        "signal.long_threshold",
        "window.flat_threshold",
        "models.lstm.dropout",
        "models.dense.learning_rate",
        "backtest.position_cap",
    ):
        with pytest.raises(ConfigError, match="finite number"):
            load_config(overrides={key: value})  # fmt: skip


def test_feature_widths_match_the_windows() -> None:
    from trader.research import feature_columns

    for feature, width in FEATURE_WIDTH.items():
        assert len(feature_columns([feature])) == width


@pytest.mark.parametrize(
    "model",
    [
        ModelConfig(name="d", kind="dense", units=[8, 4]),
        ModelConfig(name="l", kind="lstm", units=[6, 3]),
    ],
)
def test_weight_count_is_what_keras_builds(model: ModelConfig) -> None:
    from trader.models import build_model

    window = WindowConfig(length=7, features=["log_return", "ohlc"])
    keras_model = build_model(model, (7, 5), "multiclass", 3)
    assert weight_count(model, window) == keras_model.count_params()


def test_model_memory_is_bounded_before_anything_is_built() -> None:
    window = WindowConfig()
    assert training_bytes(RunConfig().models[0], window) < 10 * 1024**2  # the defaults: small
    with pytest.raises(ConfigError, match=r"models\.big: too large to train: about \d+\.\d GiB"):
        load_config({"models": [{"name": "big", "kind": "lstm", "units": [4096, 4096]}]})
    with pytest.raises(ConfigError, match=r"models\.wide: too large"):
        load_config({"models": [{"name": "wide", "kind": "dense", "units": [4096] * 16}]})


def test_unquoted_yaml_dates_are_dates(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("data:\n  start: 2016-01-01\n  end: 2017-06-30 12:00:00\n")
    data = load_config(path).data
    assert (data.start, data.end) == ("2016-01-01", "2017-06-30")
    assert load_config(overrides={"data.start": dt.date(2015, 1, 2)}).data.start == "2015-01-02"
    with pytest.raises(ConfigError, match=r"start 2017-01-01 is after end 2016-01-01"):
        load_config({"data": {"start": "2017-01-01", "end": "2016-01-01"}})


def test_reversed_dates_are_said_plainly_everywhere(store: Store) -> None:
    store.write_bars(synthetic_bars("AAA", days=5), source="csv")
    with pytest.raises(ConfigError, match="start 2017-01-01 is after end 2016-01-01"):
        store.read_bars(["AAA"], start="2017-01-01", end="2016-01-01")


def test_tickers_are_checked_the_same_on_every_database(store: Store) -> None:
    longest = "A" * 32  # the width of the ticker columns
    store.write_bars(synthetic_bars(longest, days=3), source="csv")
    assert store.read_bars([longest])["ticker"].iloc[0] == longest
    for bad, problem in [("B" * 33, "too long"), ("A/B", "characters"), ("X\x00Y", "characters")]:
        with pytest.raises(DataError, match=problem):
            store.write_bars(synthetic_bars(bad, days=3), source="csv")
    assert store.status()["ticker"].tolist() == [longest]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgresql+psycopg://user:p%40ss:w@host:5432/db?x=1", "postgresql+psycopg://user:***@"),
        ("error at postgresql://a:b@c/d, retrying", "error at postgresql://a:***@c/d, retrying"),
        ("sqlite:///data/trader.db", "sqlite:///data/trader.db"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
    ],
)
def test_passwords_are_masked(url: str, shown: str) -> None:
    assert masked(url).startswith(shown) or shown in masked(url)
    assert ":pw@" not in masked(url) and "p%40ss" not in masked(url)


def test_no_command_shows_the_password(db_url: str) -> None:
    parsed = make_url(db_url)
    if parsed.get_backend_name() != "postgresql":
        pytest.skip("SQLite URLs carry no password")
    secret = "Tr0ub4dor"  # the test server trusts every password
    url = parsed.set(password=secret).render_as_string(hide_password=False)
    runner = CliRunner()
    for args in (["db", "upgrade"], ["data", "status"], ["show", "nope"], ["runs"]):
        result = runner.invoke(app, [*args, "--db", url])
        assert secret not in result.stdout + result.stderr, args
    assert "postgres:***@" in runner.invoke(app, ["db", "upgrade", "--db", url]).stderr
    assert secret not in repr(Store(url))


def test_markup_in_stored_names_is_printed_literally(db_url: str) -> None:
    """A database written by an older trader may hold any ticker: shown as it is."""
    Store(db_url).upgrade()
    engine = create_engine(db_url, poolclass=NullPool)
    with engine.begin() as conn:
        now = dt.datetime.now(dt.UTC)
        conn.execute(
            text("INSERT INTO instruments (ticker, created_at) VALUES (:t, :n)"),
            {"t": "[/X]<B>", "n": now},
        )
        conn.execute(
            text(
                "INSERT INTO daily_bars (ticker, date, open, high, low, close, volume, source, "
                "ingested_at) VALUES (:t, :d, 1, 1, 1, 1, 1, '[bold]s', :n)"
            ),
            {"t": "[/X]<B>", "d": dt.date(2020, 1, 2), "n": now},
        )
    engine.dispose()
    result = CliRunner().invoke(app, ["data", "status", "--db", db_url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "[/X]<B>" in result.stdout and "[bold]s" in result.stdout


def test_report_tables_and_charts_show_names_literally(tmp_path: Path) -> None:
    name, ticker = "[/X]<B>", "$\\MATHX$"
    entry = {"kind": "model", "total": {"hit_rate": 0.5}, "tickers": {ticker: {}}}
    report = {
        "periods": {"test_start": "2020-01-01", "test_end": "2020-06-30"},
        "costs": {"commission": 0.001, "slippage": 0.0},
        "protocol": "walk_forward",
        "tickers": [ticker, "[red]"],
        "strategies": {name: entry},
    }
    console = Console(record=True, width=400)
    console.print(render(report))
    shown = console.export_text()
    assert name in shown and ticker in shown and "[red]" in shown
    table = LiteralTable("[b]title[/b]")
    table.add_column("x")
    table.add_row("[/oops] and enough text for the title")
    console.print(table)
    shown = console.export_text()
    assert "[/oops]" in shown and "[b]title[/b]" in shown
    series = pd.Series([1.0, 1.1, 1.05], index=pd.date_range("2020-01-01", periods=3))
    equity_chart({name: series, ticker: series}, tmp_path / "e.png", f"Run {ticker}")
    training_chart({ticker: [{"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}]}, tmp_path / "t.png")
    assert (tmp_path / "e.png").stat().st_size > 0 and (tmp_path / "t.png").stat().st_size > 0
    assert literal("$x$") == "\\$x\\$"


def test_run_ids_are_reserved_and_never_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = {new_run_id() for _ in range(2000)}
    assert len(ids) == 2000 and all(len(i) == 28 for i in ids)
    import trader.data.run_folders as run_folders

    drawn = iter(["20200101-000000-000000000001"] * 3 + ["20200101-000000-000000000002"])
    monkeypatch.setattr(run_folders, "new_run_id", lambda: next(drawn))
    root = tmp_path / "models"
    first = reserve_run(root, None, lambda _: False)
    second = reserve_run(root, None, lambda _: False)  # same second, same draw: drawn again
    assert first.run_id != second.run_id
    assert second.run_id == "20200101-000000-000000000002"
    with pytest.raises(ConfigError, match="already exists"):
        reserve_run(root, first.run_id, lambda _: False)
    with pytest.raises(ConfigError, match="already exists"):
        reserve_run(root, "recorded-elsewhere", lambda run_id: run_id == "recorded-elsewhere")
    with pytest.raises(ConfigError, match="is not a name"):
        reserve_run(root, "../escape", lambda _: False)


def test_a_run_is_visible_only_when_complete(tmp_path: Path) -> None:
    root = tmp_path / "models"
    with pytest.raises(RuntimeError), reserve_run(root, "failed", lambda _: False) as folder:
        (folder.staging / "run.json").write_text("{}")
        raise RuntimeError("training failed")
    assert not (root / "failed").exists() and not folder.staging.exists()
    with pytest.raises(RuntimeError), reserve_run(root, "unrecorded", lambda _: False) as folder:
        (folder.staging / "run.json").write_text("{}")
        folder.publish()
        assert (root / "unrecorded" / "run.json").exists()
        raise RuntimeError("the database refused the record")
    assert not (root / "unrecorded").exists()
    with reserve_run(root, "fine", lambda _: False) as folder:
        (folder.staging / "run.json").write_text("{}")
        folder.publish()
    assert (root / "fine" / "run.json").exists() and not folder.staging.exists()


def test_a_new_record_never_overwrites_another(store: Store) -> None:
    record = RunRecord(id="20200101-000000-abc", kind="train", config={}, data_hash="x")
    save_run(store, record, new=True)
    with pytest.raises(StoreError, match="already recorded"):
        save_run(store, record, new=True)


def test_read_only_database_is_found_before_work(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    Store(f"sqlite:///{path}").upgrade()
    store = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert store.status().empty  # reading works
    with pytest.raises(StoreError, match="readonly"):
        store.check_writable()


def test_tickers_must_share_dates() -> None:
    old = synthetic_bars("OLD", days=30, start="2001-01-02")
    new = synthetic_bars("NEW", days=30, start="2014-01-02")
    with pytest.raises(DataError, match=r"share no dates: OLD 2001-01-02 to .*, NEW 2014-01-02"):
        check_shared_dates(pd.concat([old, new]), 10)
    late = synthetic_bars("LATE", days=30, start="2001-02-06")
    with pytest.raises(DataError, match=r"share only 5 dates \(10 needed\)"):
        check_shared_dates(pd.concat([old, late]), 10)
    check_shared_dates(pd.concat([old, late]), 5)
    check_shared_dates(old, 100)  # one ticker: nothing to share


def test_atomic_write_leaves_the_old_file_or_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.json"
    atomic_write_text(path, "old")

    def full(_fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("trader.paths.os.fsync", full)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(path, "new")
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left
