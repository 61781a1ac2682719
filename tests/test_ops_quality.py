"""The data-quality gate on planted problems: stale, missing session, closed day, jump, zero
volume, too short, restated; and a clean history that passes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trader.errors import ConfigError
from trader.operations import Calendar, check_quality
from trader.operations.quality import QualityRefused, ticker_problems
from trader.operations.settings import QualitySettings

DAY = dt.date(2018, 2, 7)  # a Wednesday session


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return Calendar("XNYS", "2010-01-01")


def session_bars(calendar: Calendar, ticker: str, last: dt.date, n: int = 30) -> pd.DataFrame:
    days = calendar.sessions_back(last, n)
    close = 100.0 * 1.001 ** np.arange(n)
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": days,
            "open": close,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "volume": 1e6,
        }
    )


def gate(calendar: Calendar, bars: pd.DataFrame, **kw: object) -> list[tuple[str, str]]:
    report = check_quality(
        bars,
        sorted(set(bars["ticker"])),
        DAY,
        calendar=calendar,
        settings=QualitySettings(),
        lookback=21,
        **kw,  # type: ignore[arg-type]
    )
    return [(p.ticker, p.check) for p in report.problems]


def test_clean_sessions_pass(calendar: Calendar) -> None:
    bars = pd.concat([session_bars(calendar, "AAA", DAY), session_bars(calendar, "BBB", DAY)])
    report = check_quality(
        bars, ["AAA", "BBB"], DAY, calendar=calendar, settings=QualitySettings(), lookback=21
    )
    assert report.passed and "passed" in report.lines()[0]


def test_a_weekend_date_is_judged_on_its_last_session(calendar: Calendar) -> None:
    friday = dt.date(2018, 2, 9)
    bars = session_bars(calendar, "AAA", friday)
    report = check_quality(
        bars,
        ["AAA"],
        dt.date(2018, 2, 11),
        calendar=calendar,
        settings=QualitySettings(),
        lookback=21,
    )
    assert report.passed and report.session == friday


def test_stale_last_bar_is_refused(calendar: Calendar) -> None:
    bars = session_bars(calendar, "AAA", DAY - dt.timedelta(days=2))  # Monday: 2 sessions behind
    found = gate(calendar, bars)
    assert ("AAA", "stale") in found
    relaxed = check_quality(
        bars,
        ["AAA"],
        DAY,
        calendar=calendar,
        settings=QualitySettings(max_stale_sessions=2),
        lookback=21,
    )
    assert relaxed.passed


def test_missing_session_and_closed_day_bar(calendar: Calendar) -> None:
    bars = session_bars(calendar, "AAA", DAY)
    gap = bars.drop(index=25)  # a session inside the lookback
    problems = ticker_problems(
        "AAA", gap, session=DAY, calendar=calendar, settings=QualitySettings(), lookback=21
    )
    assert [p.check for p in problems] == ["missing_sessions"]
    assert str(pd.Timestamp(bars["date"].iloc[25]).date()) in problems[0].detail
    saturday = pd.DataFrame([{**bars.iloc[-1].to_dict(), "date": pd.Timestamp("2018-02-03")}])
    weekend = pd.concat([bars, saturday]).sort_values("date")
    assert ("AAA", "not_a_session") in gate(calendar, weekend)


def test_gap_outside_the_lookback_is_not_the_gate_s_business(calendar: Calendar) -> None:
    bars = session_bars(calendar, "AAA", DAY).drop(index=2)  # 27 sessions back
    assert gate(calendar, bars) == []


def test_jump_and_zero_volume(calendar: Calendar) -> None:
    bars = session_bars(calendar, "AAA", DAY)
    jumped = bars.copy()
    jumped.loc[28:, ["open", "high", "low", "close"]] *= 1.6
    assert gate(calendar, jumped) == [("AAA", "jump")]
    quiet = bars.copy()
    quiet.loc[27, "volume"] = 0.0
    assert gate(calendar, quiet) == [("AAA", "zero_volume")]


def test_too_short_and_no_data(calendar: Calendar) -> None:
    bars = session_bars(calendar, "AAA", DAY, n=5)
    report = check_quality(
        bars,
        ["AAA", "ZZZ"],
        DAY,
        calendar=calendar,
        settings=QualitySettings(),
        lookback=21,
        min_bars={"AAA": 21},
    )
    found = [(p.ticker, p.check) for p in report.problems]
    assert found == [("AAA", "too_short"), ("ZZZ", "no_data")]
    refused = QualityRefused(report)
    assert "AAA too_short" in str(refused) and refused.report is report


def test_unresolved_restatement_refuses(calendar: Calendar) -> None:
    bars = session_bars(calendar, "AAA", DAY)
    restated = pd.DataFrame(
        [
            {
                "ticker": "AAA",
                "source": "yahoo",
                "date": dt.date(2018, 1, 5),
                "column": "close",
                "stored": 100.0,
                "fetched": 50.0,
                "detected_at": dt.datetime(2018, 2, 7, tzinfo=dt.UTC),
            }
        ]
    )
    found = gate(calendar, bars, restated=restated)
    assert found == [("AAA", "restated")]


def test_calendar_needs_an_explicit_start_for_old_data() -> None:
    short = Calendar("XNYS", "2015-01-01")
    with pytest.raises(ConfigError, match="calendar_start"):
        short.sessions(dt.date(2001, 1, 2), dt.date(2001, 2, 1))
    assert Calendar("XNYS", "1995-01-01").is_session(dt.date(2001, 1, 2))
