"""Bulk writes of bars (`trader.data.bulk`) on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import synthetic_bars
from sqlalchemy import text

from trader.data import Store, bulk
from trader.data.bulk import BATCH_ROWS
from trader.errors import StoreError

TICKERS = ["BRK.B", "^GSPC", "A-B_C=", "zz9"]  # every ticker character; one in lower case


def _many(days: int) -> pd.DataFrame:
    """Several tickers interleaved, more rows than a batch, ``adj_close`` NaN on every 3rd row."""
    frames = [synthetic_bars(t, days=days, price=10.0 + i) for i, t in enumerate(TICKERS)]
    bars = pd.concat(frames, ignore_index=True)
    bars["close"] = bars["close"] * (1 + np.random.default_rng(1).uniform(-0.001, 0.001, len(bars)))
    bars["adj_close"] = np.where(np.arange(len(bars)) % 3 == 0, np.nan, bars["close"] * 0.5)
    return bars.sort_values("date", kind="stable").reset_index(drop=True)  # tickers interleaved


def _sql(store: Store, query: str) -> object:
    with store.read() as conn:
        return conn.execute(text(query)).scalar_one()


def test_thousands_of_rows_round_trip_exactly(store: Store) -> None:
    days = BATCH_ROWS // 2 + 7  # 4 tickers: two full batches and a partial one
    bars = _many(days)
    assert store.write_bars(bars, source="csv") == len(bars)
    got = store.read_bars()
    want = bars.assign(ticker=bars["ticker"].str.upper())
    want = want.sort_values(["ticker", "date"]).reset_index(drop=True)
    assert got["ticker"].tolist() == want["ticker"].tolist()
    assert (got["date"].to_numpy() == want["date"].to_numpy()).all()
    for name in ["open", "high", "low", "close", "adj_close", "volume"]:
        np.testing.assert_array_equal(got[name].to_numpy(), want[name].to_numpy(), err_msg=name)
    missing = int(bars["adj_close"].isna().sum())
    assert _sql(store, "SELECT count(*) FROM daily_bars WHERE adj_close IS NULL") == missing
    assert store.ingest_runs()["rows_written"].tolist() == [len(bars)]
    assert store.ingest_runs()["tickers"].tolist() == [",".join(sorted(want["ticker"].unique()))]


def test_reingest_updates_every_value(store: Store) -> None:
    bars = _many(BATCH_ROWS // 4 + 3)
    store.write_bars(bars, source="csv")
    first_stamp = _sql(store, "SELECT max(ingested_at) FROM daily_bars")
    changed = bars.assign(
        **{c: bars[c] * 2 for c in ["open", "high", "low", "close"]},
        adj_close=np.where(bars["adj_close"].isna(), 1.0, np.nan),
        volume=bars["volume"] + 1,
    )
    assert store.write_bars(changed, source="csv") == len(bars)
    got = store.read_bars()
    assert len(got) == len(bars)
    want = changed.assign(ticker=changed["ticker"].str.upper())
    want = want.sort_values(["ticker", "date"]).reset_index(drop=True)
    for name in ["open", "close", "adj_close", "volume"]:
        np.testing.assert_array_equal(got[name].to_numpy(), want[name].to_numpy(), err_msg=name)
    assert _sql(store, "SELECT count(DISTINCT ingested_at) FROM daily_bars") == 1
    assert _sql(store, "SELECT min(ingested_at) FROM daily_bars") != first_stamp


def test_reingesting_the_same_prices_rewrites_only_changed_rows(store: Store) -> None:
    bars = _many(BATCH_ROWS // 4 + 3)
    store.write_bars(bars, source="csv")
    first_stamp = _sql(store, "SELECT max(ingested_at) FROM daily_bars")
    restated = bars.copy()
    restated.loc[5, "volume"] = restated.loc[5, "volume"] + 1  # one value restated
    restated.loc[8, "adj_close"] = np.nan if pd.notna(bars.loc[8, "adj_close"]) else 1.0
    assert store.write_bars(restated, source="csv") == len(bars)
    assert _sql(store, "SELECT count(DISTINCT ingested_at) FROM daily_bars") == 2
    assert _sql(store, f"SELECT count(*) FROM daily_bars WHERE ingested_at <> '{first_stamp}'") == 2
    got = store.read_bars().set_index(["ticker", "date"])
    for i in (5, 8):
        key = (bars.loc[i, "ticker"].upper(), pd.Timestamp(bars.loc[i, "date"]))
        for name in ("volume", "adj_close"):
            np.testing.assert_equal(got.loc[key, name], restated.loc[i, name], err_msg=name)


def test_same_day_given_twice_in_two_cases_keeps_the_last(store: Store) -> None:
    lower = synthetic_bars("aaa", days=3)
    upper = synthetic_bars("AAA", days=3, price=20.0)
    assert store.write_bars(pd.concat([lower, upper], ignore_index=True), source="csv") == 3
    assert store.read_bars(["AAA"])["close"].iloc[0] == pytest.approx(20.0)


def test_an_empty_write_touches_no_bar(store: Store) -> None:
    store.write_bars(synthetic_bars("AAA", days=2), source="csv")
    assert store.write_bars(synthetic_bars("AAA").iloc[:0], source="csv") == 0
    assert _sql(store, "SELECT count(*) FROM daily_bars") == 2


def test_a_failing_batch_is_one_store_error_and_writes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.write_bars(synthetic_bars("AAA", days=2), source="csv")
    monkeypatch.setattr(bulk, "PG_COPY", "COPY nowhere FROM STDIN WITH (FORMAT binary)")
    monkeypatch.setattr(bulk, "SQLITE_UPSERT", "INSERT INTO nowhere VALUES (?)")
    with pytest.raises(StoreError, match="nowhere"):
        store.write_bars(synthetic_bars("BBB", days=3), source="csv")
    assert _sql(store, "SELECT count(*) FROM daily_bars") == 2
    assert _sql(store, "SELECT count(*) FROM instruments") == 1
    assert len(store.ingest_runs()) == 1
