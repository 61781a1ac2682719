"""The bad-input corpus: hostile and careless input across every way into trader.

Each case runs the command line (Typer's runner, the same `trader` app and error handling) on
a populated database, SQLite and PostgreSQL, and must give exactly one ``error:`` line that
names the problem, exit code 2, no traceback, and leave every table of the database exactly as
it was (hashed before and after). A few cases also run the real entry point in a subprocess.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import postgres_url, synthetic_bars, with_search_path
from reliability import fingerprint, subprocess_env, trader_command, unwritable_dir
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from trader.cli import app
from trader.data import Store, read_sample

SECRET = "S3cr3tPassw0rd"
RUN = "20200101-000000-0123456789ab"
Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """``args`` may use ``{db}`` (the database URL) and ``{tmp}`` (the case's own folder)."""

    name: str
    args: list[str]
    expect: str  # a part of the error line that names the problem
    setup: Setup | None = None
    env: dict[str, str] = field(default_factory=dict)
    with_db: bool = True  # append --db {db}


def _write(name: str, content: str | bytes) -> Setup:
    def setup(tmp: Path) -> None:
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)

    return setup


def _both(*setups: Setup) -> Setup:
    def setup(tmp: Path) -> None:
        for one in setups:
            one(tmp)

    return setup


GOOD_ROWS = (
    "date,open,high,low,close,volume\n"
    "2015-03-02,10,11,9,10.5,100\n"
    "2015-03-03,10.5,11,10,10.8,120\n"
    "2015-03-04,10.8,11.2,10.1,11,90\n"
)


def _csv(*changes: tuple[str, str]) -> str:
    text_ = GOOD_ROWS
    for old, new in changes:
        assert old in text_
        text_ = text_.replace(old, new, 1)
    return text_


def _fake_run(data: str, run_id: str, run_json: str | None = None) -> Setup:
    """A trained-run folder (no models): enough to get a backtest past loading the run."""

    def setup(tmp: Path) -> None:
        folder = tmp / data / "models" / run_id
        folder.mkdir(parents=True)
        meta = {"run_id": run_id, "config": {"data": {"tickers": ["AAPL"]}}}
        (folder / "run.json").write_text(run_json if run_json is not None else json.dumps(meta))
        (folder / "predictions.csv").write_text(
            "model,ticker,date,score\nlstm,AAPL,2017-01-03,0.1\n"
        )

    return setup


def _remove(name: str) -> Setup:
    return lambda tmp: (tmp / name).unlink()


def _unwritable_data_dir(tmp: Path) -> None:
    (tmp / "unwritable").write_text(str(unwritable_dir(tmp)))


DEEP = "[" * 3000 + "]" * 3000
SQLITE_TEXT = "this is a text file, not a database\n" * 10

CASES = [
    # --- CSV files ---------------------------------------------------------------------------
    Case("csv_missing_column", ["ingest", "csv", "{tmp}/AAA.csv"], "missing column 'close'",
         _write("AAA.csv", "date,open,high,low,volume\n2015-03-02,1,1,1,1\n")),
    Case("csv_bad_date", ["ingest", "csv", "{tmp}/AAA.csv"], "unparsable date 'not-a-day'",
         _write("AAA.csv", _csv(("2015-03-03", "not-a-day")))),
    Case("csv_negative_price", ["ingest", "csv", "{tmp}/AAA.csv"], "low -9.0 is not positive",
         _write("AAA.csv", _csv(("10,11,9,", "10,11,-9,")))),
    Case("csv_high_below_low", ["ingest", "csv", "{tmp}/AAA.csv"], "high 11.0 < low 12.0",
         _write("AAA.csv", _csv(("10.5,11,10,10.8", "10.5,11,12,10.8")))),
    Case("csv_duplicate_date", ["ingest", "csv", "{tmp}/AAA.csv"], "duplicate date",
         _write("AAA.csv", _csv(("2015-03-04", "2015-03-03")))),
    Case("csv_unsorted_dates", ["ingest", "csv", "{tmp}/AAA.csv"], "dates not sorted",
         _write("AAA.csv", _csv(("2015-03-02", "2015-03-09")))),
    Case("csv_missing_price", ["ingest", "csv", "{tmp}/AAA.csv"], "close is missing",
         _write("AAA.csv", _csv((",10.8,120", ",,120")))),
    Case("csv_infinite_price", ["ingest", "csv", "{tmp}/AAA.csv"], "is not finite",
         _write("AAA.csv", _csv(("11.2", "inf")))),
    Case("csv_negative_volume", ["ingest", "csv", "{tmp}/AAA.csv"], "volume -90.0 is negative",
         _write("AAA.csv", _csv((",90\n", ",-90\n")))),
    Case("csv_text_in_number", ["ingest", "csv", "{tmp}/AAA.csv"], "open 'abc' is not a number",
         _write("AAA.csv", _csv(("2015-03-03,10.5", "2015-03-03,abc")))),
    Case("csv_empty_file", ["ingest", "csv", "{tmp}/AAA.csv"], "AAA.csv: empty file",
         _write("AAA.csv", "")),
    Case("csv_header_only", ["ingest", "csv", "{tmp}/AAA.csv"], "AAA.csv: no rows",
         _write("AAA.csv", "date,open,high,low,close,volume\n")),
    Case("csv_binary", ["ingest", "csv", "{tmp}/AAA.csv"], "AAA.csv: cannot read CSV",
         _write("AAA.csv", bytes(range(256)) * 8)),
    Case("csv_corrupt_gzip", ["ingest", "csv", "{tmp}/AAA.csv.gz"], "cannot read CSV",
         _write("AAA.csv.gz", gzip.compress(GOOD_ROWS.encode())[:30])),
    Case("csv_open_outside_range", ["ingest", "csv", "{tmp}/AAA.csv"], "outside [low",
         _write("AAA.csv", _csv(("2015-03-02,10,", "2015-03-02,99,")))),
    Case("csv_ticker_too_long", ["ingest", "csv", "{tmp}/prices.csv"], "too long (at most 32",
         _write("prices.csv", "ticker," + GOOD_ROWS.replace("\n2", "\n" + "T" * 40 + ",2"))),
    Case("csv_ticker_markup", ["ingest", "csv", "{tmp}/prices.csv"],
         "ticker '[/X]<B>' has characters other than",
         _write("prices.csv", "ticker," + GOOD_ROWS.replace("\n2", "\n[/X]<B>,2"))),
    Case("csv_ticker_option_path", ["ingest", "csv", "{tmp}/AAA.csv", "--ticker", "../x"],
         "ticker '../X' has characters other than", _write("AAA.csv", GOOD_ROWS)),
    Case("csv_ticker_from_file_name", ["ingest", "csv", "{tmp}/my prices.csv"],
         "ticker 'MY PRICES' has characters", _write("my prices.csv", GOOD_ROWS)),
    Case("csv_empty_folder", ["ingest", "csv", "{tmp}/empty"], "no *.csv or *.csv.gz files",
         lambda tmp: (tmp / "empty").mkdir()),
    Case("csv_missing_path", ["ingest", "csv", "{tmp}/nowhere.csv"], "file or folder not found"),
    Case("csv_folder_with_ticker", ["ingest", "csv", "{tmp}/f", "--ticker", "AAA"],
         "a ticker can only be given for a single file", _write("f/AAA.csv", GOOD_ROWS)),
    # --- config files and --set ----------------------------------------------------------------
    Case("config_binary", ["train", "-c", "{tmp}/run.yaml"], "a binary file, not a YAML",
         _write("run.yaml", b"\x00\x01\x02\xff\xfe")),
    Case("config_latin1", ["train", "-c", "{tmp}/run.yaml"], "not UTF-8 text",
         _write("run.yaml", "data:\n  source: caf\xe9\n".encode("latin-1"))),
    Case("config_directory", ["train", "-c", "{tmp}"], "not a file (give a YAML config file)"),
    Case("config_missing", ["train", "-c", "{tmp}/nope.yaml"], "config file not found"),
    Case("config_under_a_file", ["train", "-c", "{tmp}/run.yaml/x.yaml"],
         "config file not found", _write("run.yaml", "window: {}\n")),
    Case("config_bad_yaml", ["train", "-c", "{tmp}/run.yaml"], "not valid YAML",
         _write("run.yaml", "window: [1, 2\n")),
    Case("config_top_level_list", ["train", "-c", "{tmp}/run.yaml"], "expected a mapping",
         _write("run.yaml", "- 1\n- 2\n")),
    Case("config_key_twice", ["train", "-c", "{tmp}/run.yaml"], "option 'length' is given twice",
         _write("run.yaml", "window:\n  length: 5\n  length: 6\n")),
    Case("config_unknown_option", ["train", "-c", "{tmp}/run.yaml"], "did you mean 'length'",
         _write("run.yaml", "window:\n  lenght: 5\n")),
    Case("config_too_large", ["train", "-c", "{tmp}/run.yaml"], "too large for a config file",
         _write("run.yaml", "# padding\n" * 120_000)),
    Case("config_python_tag", ["train", "-c", "{tmp}/run.yaml"], "not valid YAML",
         _write("run.yaml", "window: !!python/object/apply:os.system ['true']\n")),
    Case("config_dates_reversed", ["train", "-c", "{tmp}/run.yaml"], "is after end",
         _write("run.yaml", "data:\n  start: 2017-01-01\n  end: 2016-01-01\n")),
    Case("set_cash_infinite", ["train", "--set", "backtest.cash=1.0e+999"],
         "backtest.cash: Input should be a finite number"),
    Case("set_threshold_nan", ["train", "--set", "signal.long_threshold=.nan"],
         "signal.long_threshold: Input should be a finite number"),
    Case("set_threshold_out_of_range", ["train", "--set", "signal.short_threshold=3"],
         "signal.short_threshold: Input should be less than or equal to 1"),
    Case("set_units_absurd", ["train", "--set", "models.lstm.units=[1000000000000]"],
         "less than or equal to 4096"),
    Case("set_model_too_large", ["train", "--set", "models.lstm.units=[4096,4096]"],
         "models.lstm: too large to train"),
    Case("set_too_many_layers", ["train", "--set", "models.lstm.units=" + str([2] * 17)],
         "models.0.units"),
    Case("set_batch_absurd", ["train", "--set", "models.lstm.batch_size=100000000"],
         "batch_size: Input should be less than or equal to 65536"),
    Case("set_epochs_zero", ["train", "--set", "models.lstm.epochs=0"], "epochs"),
    Case("set_learning_rate_negative", ["train", "--set", "models.dense.learning_rate=-1"],
         "learning_rate"),
    Case("set_seed_negative", ["train", "--set", "models.lstm.seed=-5"], "seed"),
    Case("set_window_absurd", ["train", "--set", "window.length=100000"], "window.length"),
    Case("set_folds_absurd", ["train", "--set", "protocol.folds=1000"], "protocol.folds"),
    Case("set_days_absurd", ["train", "--set", "protocol.embargo_days=10000000"],
         "protocol.embargo_days"),
    Case("set_flat_band_absurd", ["train", "--set", "window.flat_threshold=5"],
         "window.flat_threshold"),
    Case("set_start_after_end",
         ["train", "--set", "data.start=2017-01-01", "--set", "data.end=2016-01-01"],
         "start 2017-01-01 is after end 2016-01-01"),
    Case("set_start_not_a_date", ["train", "--set", "data.start=yesterday"],
         "not a date: 'yesterday'"),
    Case("set_model_name_path", ["train", "--set", "models.lstm.name=../../evil"],
         "model name '../../evil' is not a name"),
    Case("set_source_path", ["train", "--set", "data.source=../x"], "source '../x' is not a name"),
    Case("set_deep_nesting", ["train", "--set", f"window.length={DEEP}"],
         "nested too deeply"),
    Case("set_without_value", ["train", "--set", "window.length"], "expected KEY=VALUE"),
    Case("set_unknown_key", ["train", "--set", "window.lenght=5"], "did you mean 'length'"),
    Case("set_strategy_param_nan",
         ["train", "--set", "strategies.bnf_deviation.params.entry_pct=.nan"], "entry_pct"),
    # --- CLI options ---------------------------------------------------------------------------
    Case("cli_unknown_option", ["train", "--epochs", "3"], "No such option: --epochs",
         with_db=False),
    Case("cli_unknown_command", ["trian"], "No such command 'trian'", with_db=False),
    Case("cli_missing_argument", ["show"], "Missing argument", with_db=False),
    Case("cli_option_without_value", ["train", "--tickers"], "requires an argument",
         with_db=False),
    Case("cli_no_tickers", ["train", "--tickers", ",,,"], "--tickers: no ticker given"),
    Case("cli_ticker_with_space", ["train", "--tickers", "AAPL,A B"],
         "ticker 'A B' has characters other than"),
    Case("cli_unknown_ticker", ["train", "--tickers", "ZZZZ"],
         "no prices stored for ticker 'ZZZZ'"),
    Case("cli_unknown_source", ["train", "--set", "data.source=nosuch"],
         "from source 'nosuch'"),
    Case("cli_no_shared_dates", ["train", "--tickers", "OLD,NEW"], "tickers share no dates"),
    Case("cli_unknown_strategy", ["backtest", "-s", "granvile"], "did you mean 'granville'"),
    Case("cli_unknown_sample", ["ingest", "sample", "APPL"], "did you mean 'AAPL'"),
    Case("cli_yahoo_bad_date", ["ingest", "yahoo", "AAPL", "--start", "someday"],
         "start: not a date: 'someday'"),
    Case("cli_yahoo_reversed", ["ingest", "yahoo", "AAPL", "--start", "2017-01-01", "--end",
                                "2016-01-01"], "start 2017-01-01 is after end 2016-01-01"),
    Case("cli_yahoo_bad_ticker", ["ingest", "yahoo", "A/B"], "ticker 'A/B' has characters"),
    Case("cli_yahoo_long_ticker", ["ingest", "yahoo", "X" * 40], "too long (40 characters"),
    # --- database URLs -------------------------------------------------------------------------
    Case("url_not_a_url", ["data", "status", "--db", "not a url"], "invalid database URL",
         with_db=False),
    Case("url_port_not_a_number", ["db", "upgrade", "--db",
         f"postgresql+psycopg://u:{SECRET}@127.0.0.1:abc/db"], "a port is a number",
         with_db=False),
    Case("url_unparsable_with_password", ["db", "upgrade", "--db",
         f"postgresql://u:{SECRET}@[::1/db"], "invalid database URL", with_db=False),
    Case("url_unsupported_database", ["data", "status", "--db", f"mysql://u:{SECRET}@h/x"],
         "unsupported database 'mysql'", with_db=False),
    Case("url_unknown_driver", ["data", "status", "--db", "postgresql+nosuchdriver://h/db"],
         "cannot use database URL", with_db=False),
    Case("url_nothing_listening", ["db", "upgrade", "--db",
         f"postgresql+psycopg://u:{SECRET}@127.0.0.1:9/x?connect_timeout=2"],
         "postgresql+psycopg://u:***@127.0.0.1:9/x", with_db=False),
    Case("url_bad_driver_option", ["data", "status", "--db",
         f"postgresql+psycopg://u:{SECRET}@127.0.0.1:9/x?sslmode=bogus"],
         "sslmode", with_db=False),
    Case("url_sqlite_not_a_database", ["data", "status", "--db", "sqlite:///{tmp}/prices.db"],
         "not a SQLite database", _write("prices.db", SQLITE_TEXT), with_db=False),
    Case("url_sqlite_random_bytes", ["ingest", "sample", "KO", "--db", "sqlite:///{tmp}/p.db"],
         "not a SQLite database", _write("p.db", bytes(range(256)) * 64), with_db=False),
    Case("url_sqlite_is_a_folder", ["data", "status", "--db", "sqlite:///{tmp}"],
         "unable to open database file", with_db=False),
    Case("url_sqlite_under_a_file", ["data", "status", "--db", "sqlite:///{tmp}/f.txt/p.db"],
         "cannot create its folder", _write("f.txt", "x"), with_db=False),
    Case("url_sqlite_read_only_train", ["train", "--tickers", "KO", "--db",
         "sqlite:///file:{tmp}/ro.db?mode=ro&uri=true"], "readonly",
         lambda tmp: _read_only_copy(tmp), with_db=False),
    # --- run ids and names ---------------------------------------------------------------------
    Case("run_absolute_path", ["backtest", "--run", "/tmp/x/20200101-000000-abcd"],
         "run id '/tmp/x/20200101-000000-abcd' is not a name"),
    Case("run_parent_path", ["backtest", "--run", "../../x"], "run id '../../x' is not a name"),
    Case("run_report_path", ["report", "../x"], "run id '../x' is not a name", with_db=False),
    Case("run_show_space", ["show", "a b"], "run id 'a b' is not a name"),
    Case("run_replay_path", ["replay", "../etc"], "run id '../etc' is not a name"),
    Case("run_too_long", ["show", "r" * 65], "too long (65 characters, at most 64)"),
    Case("run_unknown", ["backtest", "--run", RUN], f"unknown run '{RUN}'"),
    Case("run_none_yet", ["backtest"], "no trained run yet"),
    Case("run_damaged", ["backtest", "--run", RUN], "are damaged",
         _fake_run("data", RUN, run_json="{not json")),
    Case("report_damaged", ["report", RUN], "cannot read the report",
         _write(f"data/reports/{RUN}/report.json", "{broken"), with_db=False),
    # --- file system ---------------------------------------------------------------------------
    Case("fs_data_dir_is_a_file", ["train", "--tickers", "KO"], "models folder",
         _write("datafile", "x"), env={"TRADER_DATA_DIR": "{tmp}/datafile"}),
    Case("fs_data_dir_unwritable", ["train", "--tickers", "KO"], "is not writable",
         _unwritable_data_dir, env={"TRADER_DATA_DIR": "@unwritable"}),
    Case("fs_reports_unwritable", ["backtest", "--run", RUN], "report folder",
         _both(_fake_run("data", RUN), _write("data/reports", "a file where a folder goes"))),
    Case("fs_default_database_folder", ["data", "status"], "cannot create its folder",
         _write("datafile", "x"), env={"TRADER_DATA_DIR": "{tmp}/datafile"}, with_db=False),
    Case("fs_models_folder_is_a_file", ["train", "--tickers", "KO"], "models folder",
         _write("data/models", "x")),
    Case("fs_strategies_folder_missing", ["train", "--tickers", "KO"],
         "strategies folder not found", env={"TRADER_STRATEGIES_DIR": "{tmp}/nowhere"}),
    Case("fs_config_is_a_pipe", ["train", "-c", "{tmp}/run.yaml"], "not a file",
         lambda tmp: os.mkfifo(tmp / "run.yaml")),
    Case("fs_csv_is_a_pipe", ["ingest", "csv", "{tmp}/AAA.csv"], "not a regular file",
         lambda tmp: os.mkfifo(tmp / "AAA.csv")),
    Case("fs_predictions_file_missing", ["backtest", "--run", RUN], "are damaged",
         _both(_fake_run("data", RUN), _remove(f"data/models/{RUN}/predictions.csv"))),
]  # fmt: skip


def _read_only_copy(tmp: Path) -> None:
    with Store(f"sqlite:///{tmp / 'ro.db'}") as store:
        store.write_bars(read_sample(["KO"]), source="sample")


def _old_and_new() -> pd.DataFrame:
    old = synthetic_bars("OLD", days=900, start="2000-01-03")
    new = synthetic_bars("NEW", days=900, start="2013-01-02")
    new[["open", "high", "low", "close"]] *= np.linspace(1.0, 0.5, 900)[:, None]
    return pd.concat([old, new], ignore_index=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A populated database shared by every case of one backend (each case must leave it as
    it was, which the next case's fingerprint would also catch)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'trader.db'}"
        admin = None
    else:
        base = postgres_url()
        if base is None:
            pytest.skip("set TRADER_TEST_DATABASE_URL to run the PostgreSQL corpus")
        schema = f"t_{uuid.uuid4().hex}"
        admin = create_engine(base, poolclass=NullPool)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = with_search_path(base, schema)
    with Store(url) as store:
        store.write_bars(read_sample(["AAPL", "KO"]), source="sample")
        store.write_bars(_old_and_new(), source="csv")
    yield url
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _fill(value: str, tmp: Path, db: str) -> str:
    if value.startswith("@"):
        return (tmp / value[1:]).read_text()
    return value.replace("{tmp}", str(tmp)).replace("{db}", db)


def test_the_corpus_is_large_and_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 60
    kinds = {name.split("_")[0] for name in names}
    assert {"csv", "config", "set", "cli", "url", "run", "fs"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_is_one_clean_error(case: Case, corpus_db: str, tmp_path: Path) -> None:
    if case.setup is not None:
        case.setup(tmp_path)
    env = {"TRADER_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env |= {k: _fill(v, tmp_path, corpus_db) for k, v in case.env.items()}
    args = [_fill(a, tmp_path, corpus_db) for a in case.args]
    if case.with_db:
        args += ["--db", corpus_db]
    before = fingerprint(corpus_db)
    result = CliRunner().invoke(app, args, env=env)
    output = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert result.exit_code == 2, output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("error: "), output
    assert case.expect in lines[0], output
    assert SECRET not in output
    assert fingerprint(corpus_db) == before


SUBPROCESS_CASES = ["config_latin1", "url_port_not_a_number", "cli_unknown_option"]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_the_real_command_prints_the_same_one_line(name: str, tmp_path: Path) -> None:
    """The console script (not the test runner) shows the same single line and exit code."""
    case = next(c for c in CASES if c.name == name)
    if case.setup is not None:
        case.setup(tmp_path)
    db = f"sqlite:///{tmp_path / 'db' / 'trader.db'}"
    args = [_fill(a, tmp_path, db) for a in case.args] + (["--db", db] if case.with_db else [])
    done = subprocess.run(
        trader_command(*args),
        capture_output=True,
        text=True,
        env=subprocess_env(tmp_path / "data"),
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert case.expect in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert SECRET not in done.stderr + done.stdout
