"""The price store on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, make_url, text

import trader.data.store as store_module
from trader import paths
from trader.data import Base, Store, alembic_config
from trader.data.migrate import head
from trader.errors import ConfigError, DataError, StoreError

MakeBars = Callable[..., pd.DataFrame]


def _counts(store: Store) -> tuple[int, int]:
    return int(store.status()["rows"].sum()), len(store.ingest_runs())


def test_migration_applied_automatically(store: Store) -> None:
    assert store.status().empty  # first use migrates
    engine = create_engine(store.url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            tables = set(inspect(conn).get_table_names())
            if conn.dialect.name == "postgresql":
                schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                assert schema.startswith("t_")  # the test's own schema, not public
                assert "alembic_version" in inspect(conn).get_table_names(schema=schema)
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert version == head()
    assert {"instruments", "daily_bars", "ingest_runs", "alembic_version"} <= tables
    assert diff == []  # migrations create exactly what schema.py declares


def test_upgrade_is_repeatable(store: Store) -> None:
    store.upgrade()
    store.upgrade()
    assert Store(store.url).status().empty


def test_alembic_by_url_sees_no_pending_changes(store: Store) -> None:
    """What a developer runs before ``command.revision(..., autogenerate=True)``."""
    store.upgrade()
    command.check(alembic_config(store.url))  # raises if schema.py and migrations differ


def test_round_trip(store: Store, make_bars: MakeBars) -> None:
    bars = make_bars("AAA", days=5).assign(adj_close=lambda f: f["close"] * 0.5)
    assert store.write_bars(bars, source="csv", detail="a.csv") == 5
    back = store.read_bars(["AAA"])
    assert list(back.columns) == [
        "ticker", "date", "open", "high", "low", "close", "adj_close", "volume", "source",
    ]  # fmt: skip
    assert back["date"].dtype == "datetime64[ns]"
    assert (back["source"] == "csv").all()
    expected = bars[["ticker", "date", "open", "high", "low", "close", "adj_close", "volume"]]
    pd.testing.assert_frame_equal(
        back.drop(columns="source"), expected.astype({"date": "datetime64[ns]"}), check_dtype=False
    )


def test_adj_close_optional(store: Store, make_bars: MakeBars) -> None:
    store.write_bars(make_bars("AAA", days=3), source="sample")
    assert store.read_bars(["AAA"])["adj_close"].isna().all()


def test_upsert_is_idempotent_and_updates(store: Store, make_bars: MakeBars) -> None:
    bars = make_bars("AAA", days=10)
    store.write_bars(bars, source="csv")
    store.write_bars(bars, source="csv")
    assert len(store.read_bars(["AAA"])) == 10
    changed = bars.assign(close=bars["close"] * 1.001, volume=bars["volume"] + 7)
    assert store.write_bars(changed.iloc[3:], source="csv") == 7
    back = store.read_bars(["AAA"])
    assert len(back) == 10
    assert back["close"].iloc[:3].tolist() == pytest.approx(bars["close"].iloc[:3].tolist())
    assert back["close"].iloc[3:].tolist() == pytest.approx(changed["close"].iloc[3:].tolist())
    assert back["volume"].iloc[3:].tolist() == changed["volume"].iloc[3:].tolist()
    runs = store.ingest_runs()
    assert runs["rows_written"].tolist() == [10, 10, 7]
    assert (runs["status"] == "ok").all()


def test_read_many_tickers_in_one_frame(store: Store, make_bars: MakeBars) -> None:
    frame = pd.concat([make_bars(t, days=4, price=p) for t, p in [("MSFT", 20), ("AAPL", 10)]])
    store.write_bars(frame, source="sample")
    store.write_bars(make_bars("KO", days=4), source="sample")
    both = store.read_bars(["msft", "AAPL"])
    assert both["ticker"].tolist() == ["AAPL"] * 4 + ["MSFT"] * 4
    assert both.groupby("ticker")["date"].apply(lambda d: d.is_monotonic_increasing).all()
    assert sorted(store.read_bars()["ticker"].unique()) == ["AAPL", "KO", "MSFT"]
    window = store.read_bars(["AAPL"], start="2015-03-03", end=dt.date(2015, 3, 4))
    assert window["date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-03-03", "2015-03-04"]


def test_status_and_last_date(store: Store, make_bars: MakeBars) -> None:
    store.write_bars(make_bars("AAA", days=3), source="csv")
    store.write_bars(make_bars("BBB", days=4, start="2016-01-04"), source="yahoo")
    status = store.status()
    assert list(status.columns) == ["ticker", "source", "first", "last", "rows"]
    assert status.to_dict("records") == [
        {"ticker": "AAA", "source": "csv", "first": dt.date(2015, 3, 2),
         "last": dt.date(2015, 3, 4), "rows": 3},
        {"ticker": "BBB", "source": "yahoo", "first": dt.date(2016, 1, 4),
         "last": dt.date(2016, 1, 7), "rows": 4},
    ]  # fmt: skip
    assert store.last_date("bbb", "yahoo") == dt.date(2016, 1, 7)
    assert store.last_date("BBB", "csv") is None
    assert store.last_date("ZZZ", "yahoo") is None


def test_ingest_runs_log(store: Store, make_bars: MakeBars) -> None:
    frame = pd.concat([make_bars("BBB", days=2), make_bars("AAA", days=3)])
    store.write_bars(frame, source="csv", detail="prices/")
    runs = store.ingest_runs()
    assert runs.loc[0, ["source", "detail", "tickers", "rows_written", "status"]].tolist() == [
        "csv", "prices/", "AAA,BBB", 5, "ok",
    ]  # fmt: skip
    assert runs.loc[0, "finished_at"] >= runs.loc[0, "started_at"]
    assert str(runs["started_at"].dt.tz) == "UTC"


def test_unknown_ticker_suggests(store: Store, make_bars: MakeBars) -> None:
    store.write_bars(make_bars("XOM", days=2), source="sample")
    with pytest.raises(
        DataError, match=r"no prices stored for ticker 'XON' \(did you mean 'XOM'\?\)"
    ):
        store.read_bars(["XOM", "XON"])
    with pytest.raises(DataError, match="run `trader ingest"):
        store.read_bars(["QQQQQ"])


def test_empty_store_and_empty_selection(store: Store, make_bars: MakeBars) -> None:
    with pytest.raises(DataError, match=r"^no prices stored — run"):
        store.read_bars()
    store.write_bars(make_bars("AAA", days=2), source="csv")
    with pytest.raises(DataError, match=r"from source 'yahoo' \(stored: csv\)"):
        store.read_bars(["AAA"], source="yahoo")
    with pytest.raises(DataError, match=r"in 2020-01-01 to \.\.\. \(stored: 2015-03-02 to"):
        store.read_bars(["AAA"], start="2020-01-01")


def test_several_sources_need_choosing(store: Store, make_bars: MakeBars) -> None:
    store.write_bars(make_bars("AAA", days=3), source="sample")
    store.write_bars(make_bars("AAA", days=2, price=11.0), source="yahoo")
    store.write_bars(make_bars("BBB", days=2), source="yahoo")
    with pytest.raises(DataError, match=r"'AAA' has prices from more than one source \(sample, "):
        store.read_bars(["AAA"])
    with pytest.raises(DataError, match="pass --source"):
        store.read_bars()
    assert len(store.read_bars(["AAA"], source="yahoo")) == 2
    assert len(store.read_bars(["BBB"])) == 2
    assert len(store.read_bars(source="sample")) == 3


def test_failed_write_rolls_back_everything(
    store: Store, make_bars: MakeBars, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write_bars(make_bars("AAA", days=3), source="csv")
    before = (store.status(), store.ingest_runs())

    def broken_insert(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "insert", broken_insert)  # the ingest_runs row, written last
    changed = make_bars("AAA", days=6, price=12.0)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.write_bars(pd.concat([changed, make_bars("NEW", days=2)]), source="csv")
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.status(), before[0])
    pd.testing.assert_frame_equal(store.ingest_runs(), before[1])
    assert store.read_bars(["AAA"])["close"].iloc[0] == pytest.approx(10.0)


def test_write_validates(store: Store, make_bars: MakeBars) -> None:
    bad = make_bars("AAA", days=3)
    bad.loc[1, "low"] = 100.0
    with pytest.raises(DataError, match=r"^csv: AAA: row 2015-03-03: high .* < low 100.0$"):
        store.write_bars(bad, source="csv")
    with pytest.raises(DataError, match=r"^csv: missing column 'ticker'$"):
        store.write_bars(bad.drop(columns="ticker"), source="csv")
    assert _counts(store) == (0, 0)


def test_empty_write_is_logged(store: Store, make_bars: MakeBars) -> None:
    assert store.write_bars(make_bars("AAA").iloc[:0], source="yahoo", detail="up to date") == 0
    assert store.ingest_runs()["rows_written"].tolist() == [0]


def test_bad_dates_are_config_errors(store: Store) -> None:
    with pytest.raises(ConfigError, match=r"^start: not a date: 'yesterday'"):
        store.read_bars(start="yesterday")


def test_newer_database_is_refused(db_url: str) -> None:
    Store(db_url).upgrade()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"cannot migrate .*newer trader"):
        Store(db_url).status()


def test_bad_urls() -> None:
    with pytest.raises(StoreError, match=r"^invalid database URL 'not a url'$"):
        Store("not a url")
    with pytest.raises(StoreError, match=r"^unsupported database 'mysql'"):
        Store("mysql://u:secret@localhost/x").status()
    secret_hidden = r"^database postgresql\+psycopg://u:\*\*\*@127.0.0.1:9/x\?connect_timeout=2: \S"
    with pytest.raises(StoreError, match=secret_hidden):
        Store("postgresql+psycopg://u:secret@127.0.0.1:9/x?connect_timeout=2").status()


def test_default_database_is_in_the_data_dir(tmp_path: Path) -> None:
    store = Store()
    assert store.url == f"sqlite:///{paths.data_dir() / 'trader.db'}"
    assert paths.data_dir() != paths.PROJECT_DIR / "data"  # tests never touch the real data/


def test_sqlite_folder_is_created(tmp_path: Path, make_bars: MakeBars) -> None:
    with Store(f"sqlite:///{tmp_path / 'a' / 'b' / 'prices.db'}") as store:
        store.write_bars(make_bars(), source="csv")
    assert (tmp_path / "a" / "b" / "prices.db").exists()


def test_upgrade_to_the_bars_key_keeps_every_bar_and_downgrades(
    store: Store, make_bars: MakeBars
) -> None:
    """Migration 0006 (daily_bars keyed by ticker, date, source) on a database holding bars."""
    cfg = alembic_config(store.url)
    database = make_url(store.url).database
    if store.url.startswith("sqlite") and database:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(cfg, "0005")
    engine = create_engine(store.url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO instruments (ticker, created_at) VALUES ('AAA', :t)"),
                         {"t": dt.datetime(2026, 1, 2, tzinfo=dt.UTC)})  # fmt: skip
            for day in range(1, 4):
                conn.execute(
                    text(
                        "INSERT INTO daily_bars (ticker, date, open, high, low, close, volume, "
                        "source, ingested_at) VALUES ('AAA', :d, 1, 2, 0.5, 1.5, 10, 'csv', :t)"
                    ),
                    {"d": dt.date(2026, 1, day), "t": dt.datetime(2026, 1, 5, tzinfo=dt.UTC)},
                )
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            keys = inspect(conn).get_pk_constraint("daily_bars")["constrained_columns"]
            indexes = inspect(conn).get_indexes("daily_bars")
        assert keys == ["ticker", "date", "source"]
        assert [i["name"] for i in indexes if i["name"] == "ix_daily_bars_ticker_date"] == []
        assert store.read_bars(["AAA"])["close"].tolist() == [1.5, 1.5, 1.5]
        assert store.write_bars(make_bars("AAA", days=2, start="2026-01-05"), source="csv") == 2
        command.downgrade(cfg, "0005")
        with engine.connect() as conn:
            ids = conn.execute(text("SELECT id FROM daily_bars ORDER BY date")).scalars().all()
            keys = inspect(conn).get_pk_constraint("daily_bars")["constrained_columns"]
        assert keys == ["id"]
        assert len(set(ids)) == 5
    finally:
        engine.dispose()
