"""Incremental updates: what they add, restatements, Yahoo pacing, retries and per-ticker
failures (a fake at the yfinance boundary; Yahoo itself is never reached)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from trader.data import Store, ingest, read_sample
from trader.errors import ConfigError, DataError
from trader.operations import update_prices
from trader.operations.pacing import Pacer, retryable, with_retries
from trader.operations.restatements import unresolved
from trader.operations.settings import UpdateSettings

PRICES = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]


class RateLimited(Exception):
    """Stands in for yfinance's YFRateLimitError (matched by name)."""


RateLimited.__name__ = "YFRateLimitError"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FlakyYahoo:
    """``yfinance.download`` for a few tickers; ``fail[ticker]`` errors are raised first."""

    def __init__(self, histories: dict[str, pd.DataFrame], fail: dict[str, list[Exception]]):
        self.histories, self.fail = histories, fail
        self.calls: list[tuple[str, str | None, float]] = []
        self.clock: FakeClock | None = None

    def __call__(self, ticker: str, **kwargs: Any) -> pd.DataFrame:
        self.calls.append((ticker, kwargs.get("start"), self.clock.now if self.clock else 0.0))
        if self.fail.get(ticker):
            raise self.fail[ticker].pop(0)
        history = self.histories.get(ticker)
        if history is None:
            return pd.DataFrame()
        if kwargs.get("start"):
            history = history[history.index >= pd.Timestamp(kwargs["start"])]
        columns = pd.MultiIndex.from_product([PRICES, [ticker]], names=["Price", "Ticker"])
        return pd.DataFrame(history[PRICES].to_numpy(), index=history.index, columns=columns)


def yahoo_history(days: int, price: float = 100.0) -> pd.DataFrame:
    index = pd.DatetimeIndex(pd.bdate_range("2020-01-02", periods=days), name="Date")
    close = price + np.arange(days, dtype=float)
    return pd.DataFrame(
        {
            "Adj Close": close,
            "Close": close,
            "High": close + 1,
            "Low": close - 1,
            "Open": close - 0.5,
            "Volume": 1e6,
        },
        index=index,
    )


def test_pacer_spaces_requests() -> None:
    clock = FakeClock()
    pacer = Pacer(30, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        pacer.wait()
    assert clock.sleeps == [2.0, 2.0]


def test_retryable_errors() -> None:
    def caused(err: Exception) -> DataError:
        wrapped = DataError("yahoo: download failed for ticker 'X': boom")
        wrapped.__cause__ = err
        return wrapped

    assert retryable(caused(RateLimited("Too Many Requests")))
    assert retryable(caused(ConnectionError("reset")))
    assert retryable(DataError("yahoo: no data for ticker 'X' (...; yfinance said: HTTP 429)"))
    assert not retryable(
        DataError(
            "yahoo: no data for ticker 'X' (...; yfinance said: "
            "possibly delisted; no price data found)"
        )
    )
    assert not retryable(caused(ValueError("bad ticker")))


def test_retries_back_off_then_give_up() -> None:
    clock = FakeClock()
    calls = []

    def always_limited() -> int:
        calls.append(clock.now)
        err = DataError("limited")
        err.__cause__ = RateLimited("Too Many Requests")
        raise err

    result, attempts = with_retries(
        always_limited,
        pacer=Pacer(600, clock=clock, sleep=clock.sleep),
        retries=3,
        backoff=1.0,
        sleep=clock.sleep,
    )
    assert result is None and attempts.count == 4 and "limited" in attempts.error
    assert [s for s in clock.sleeps if s >= 1.0] == [1.0, 2.0, 4.0]


def test_yahoo_update_paces_retries_and_keeps_what_succeeded(store: Store) -> None:
    clock = FakeClock()
    fake = FlakyYahoo(
        {"AAA": yahoo_history(8), "BBB": yahoo_history(8, 50.0), "CCC": yahoo_history(8, 20.0)},
        {
            "AAA": [RateLimited("Too Many Requests"), RateLimited("Too Many Requests")],
            "CCC": [RateLimited("Too Many Requests")] * 5,
        },
    )
    fake.clock = clock
    settings = UpdateSettings(requests_per_minute=60, retries=3, backoff_seconds=5.0)
    report = update_prices(
        store,
        ["AAA", "BBB", "CCC"],
        "yahoo",
        settings,
        download=fake,
        sleep=clock.sleep,
        clock=clock,
    )
    status = {t.ticker: (t.status, t.attempts, t.rows) for t in report.tickers}
    assert status == {"AAA": ("added", 3, 8), "BBB": ("added", 1, 8), "CCC": ("failed", 4, 0)}
    assert "Too Many Requests" in report.tickers[2].error
    starts = [when for _, _, when in fake.calls]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(starts))  # paced: 60/min
    assert sorted(store.status()["ticker"]) == ["AAA", "BBB"]  # what succeeded is stored
    lines = report.lines()
    assert lines[0] == "update from yahoo: 16 new bar(s) for 2 of 3 ticker(s)"
    assert "CCC: failed after 4 attempt(s)" in lines[3]


def test_yahoo_update_is_incremental_with_an_overlap(store: Store) -> None:
    fake = FlakyYahoo({"AAA": yahoo_history(12)}, {})
    settings = UpdateSettings(requests_per_minute=6000, overlap_days=3)
    first = yahoo_history(12).iloc[:8]
    fake.histories["AAA"] = first
    update_prices(store, ["AAA"], "yahoo", settings, download=fake, sleep=lambda s: None)
    fake.histories["AAA"] = yahoo_history(12)
    report = update_prices(store, ["AAA"], "yahoo", settings, download=fake, sleep=lambda s: None)
    (only,) = report.tickers
    assert (only.status, only.rows, only.first) == ("added", 4, dt.date(2020, 1, 14))
    assert fake.calls[-1][1] == "2020-01-10"  # last stored 2020-01-13 minus 3 days


def test_sample_update_adds_only_new_bars(store: Store) -> None:
    frame = read_sample(["AAPL", "MSFT"])
    ingest(store, frame[frame["date"] <= "2018-01-31"], source="sample", origin="sample")
    report = update_prices(store, ["AAPL", "MSFT", "ZZZZ"], "sample", UpdateSettings())
    status = {t.ticker: (t.status, t.rows, t.first, t.last) for t in report.tickers}
    assert status["AAPL"] == ("added", 5, dt.date(2018, 2, 1), dt.date(2018, 2, 7))
    assert status["ZZZZ"][0] == "failed"
    again = update_prices(store, ["AAPL"], "sample", UpdateSettings())
    assert again.tickers[0].status == "up to date" and again.rows == 0


def test_restated_history_is_detected_recorded_and_not_written(store: Store) -> None:
    frame = read_sample(["AAPL"])
    ingest(store, frame[frame["date"] <= "2018-01-31"], source="sample", origin="sample")
    with store.begin() as conn:  # plant: the stored close of one day differs from the source now
        conn.execute(
            text(
                "UPDATE daily_bars SET close = close * 0.5, low = low * 0.5 "
                "WHERE ticker = 'AAPL' AND date = '2018-01-10'"
            )
        )
    report = update_prices(store, ["AAPL"], "sample", UpdateSettings())
    (only,) = report.tickers
    assert only.status == "restated" and "2018-01-10" in only.error
    assert store.last_date("AAPL", "sample") == dt.date(2018, 1, 31)  # nothing new written
    found = unresolved(store)
    assert set(found["column"]) == {"close", "low"} and set(found["ticker"]) == {"AAPL"}
    update_prices(store, ["AAPL"], "sample", UpdateSettings())  # seen again: not recorded twice
    assert len(unresolved(store)) == 2
    ingest(store, frame, source="sample", origin="sample")  # re-ingest: history accepted
    assert unresolved(store).empty


def test_csv_update_needs_a_folder(store: Store) -> None:
    with pytest.raises(ConfigError, match="csv_dir"):
        update_prices(store, ["AAPL"], "csv", UpdateSettings())
