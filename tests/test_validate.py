"""One bad-input test per validation rule: the message, and an untouched database afterwards."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from trader.data import Store
from trader.data.ingestion import ingest
from trader.data.validate import drop_invalid, parse_dates, validate_bars
from trader.errors import DataError

MakeBars = Callable[..., pd.DataFrame]
Breaker = Callable[[pd.DataFrame], pd.DataFrame]


def _set(row: int, **values: object) -> Breaker:
    def apply(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype({k: object for k, v in values.items() if isinstance(v, str)})
        for column, value in values.items():
            frame.loc[row, column] = value
        return frame

    return apply


def _text_dates(row: int, value: str) -> Breaker:
    def apply(frame: pd.DataFrame) -> pd.DataFrame:
        dates = frame["date"].dt.strftime("%Y-%m-%d").tolist()
        dates[row] = value
        return frame.assign(date=dates)

    return apply


def _swap(frame: pd.DataFrame) -> pd.DataFrame:
    order = [0, 1, 3, 2, 4, 5]
    return frame.iloc[order].reset_index(drop=True)


def _duplicate(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(date=frame["date"].where(frame.index != 3, frame["date"][2]))


# Days: 2015-03-02 (Mon) ... 2015-03-09 (Mon); row 2 is 2015-03-04. Close ~10, high ~10.1.
CASES: dict[str, tuple[Breaker, str]] = {
    "missing column": (lambda f: f.drop(columns="close"), "missing column 'close'"),
    "unparsable date": (_text_dates(2, "2015-02-30"), "row 3: unparsable date '2015-02-30'"),
    "missing date": (_set(2, date=pd.NaT), "row 3: missing date"),
    "missing price": (_set(2, open=np.nan), "row 2015-03-04: open is missing"),
    "text price": (_set(2, high="n/a?"), "row 2015-03-04: high 'n/a?' is not a number"),
    "infinite price": (_set(2, high=np.inf), "row 2015-03-04: high inf is not finite"),
    "zero price": (_set(2, low=0.0), "row 2015-03-04: low 0.0 is not positive"),
    "negative price": (
        _set(2, open=-1.0, close=-1.0, low=-2.0, high=-0.5),
        "row 2015-03-04: open -1.0 is not positive",
    ),
    "high below low": (
        _set(2, open=10.5, close=10.5, high=10.0, low=11.0),
        "row 2015-03-04: high 10.0 < low 11.0",
    ),
    "open above high": (
        _set(2, open=12.0, high=11.0, low=9.0, close=10.0),
        "row 2015-03-04: open 12.0 outside [low 9.0, high 11.0]",
    ),
    "close below low": (
        _set(2, open=10.0, high=11.0, low=9.0, close=8.5),
        "row 2015-03-04: close 8.5 outside [low 9.0, high 11.0]",
    ),
    "duplicate date": (
        _duplicate,
        "row 2015-03-04: duplicate date (an earlier row has the same date)",
    ),
    "unsorted dates": (_swap, "row 2015-03-04: dates not sorted (comes after 2015-03-05)"),
    "negative volume": (_set(2, volume=-5.0), "row 2015-03-04: volume -5.0 is negative"),
    "missing volume": (_set(2, volume=np.nan), "row 2015-03-04: volume is missing"),
    "missing ticker": (_set(2, ticker=None), "row 2015-03-04: missing ticker"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_fails_with_one_line_and_writes_nothing(
    case: str, store: Store, make_bars: MakeBars
) -> None:
    ingest(store, make_bars("KEEP", days=4), source="csv", origin="KEEP.csv")
    before = (store.status(), store.ingest_runs())
    breaker, problem = CASES[case]
    bad = breaker(make_bars("AAA", days=6))
    with pytest.raises(DataError) as caught:
        ingest(store, bad, source="csv", origin="AAA.csv")
    assert str(caught.value) == f"AAA.csv: {problem}"
    assert "\n" not in str(caught.value)
    pd.testing.assert_frame_equal(store.status(), before[0])
    pd.testing.assert_frame_equal(store.ingest_runs(), before[1])


def test_first_problem_in_date_order(make_bars: MakeBars) -> None:
    bad = make_bars("AAA", days=6)
    bad.loc[4, ["high", "low"]] = [1.0, 2.0]  # 2015-03-06
    bad.loc[1, "volume"] = -1.0  # 2015-03-03: earlier, though a 'later' rule
    with pytest.raises(DataError, match=r"^AAA.csv: row 2015-03-03: volume -1.0 is negative$"):
        validate_bars(bad, "AAA.csv")


def test_several_tickers_name_the_ticker(make_bars: MakeBars) -> None:
    good, bad = make_bars("AAA", days=3), make_bars("BBB", days=3)
    bad.loc[2, "close"] = 100.0
    frame = pd.concat([good, bad], ignore_index=True)
    with pytest.raises(DataError, match=r"^all.csv: BBB: row 2015-03-04: close 100.0 outside \["):
        validate_bars(frame, "all.csv")
    # the same dates in different tickers are not duplicates
    validate_bars(pd.concat([good, make_bars("BBB", days=3)]), "all.csv")


def test_float_tolerance(make_bars: MakeBars) -> None:
    bars = make_bars("AAA", days=3)
    bars.loc[1, "open"] = bars.loc[1, "low"] * (1 - 1e-12)  # rounding noise in the source
    bars.loc[2, "close"] = bars.loc[2, "high"] * (1 + 1e-12)
    validate_bars(bars, "AAA.csv")
    bars.loc[2, "close"] = bars.loc[2, "high"] * (1 + 1e-6)
    with pytest.raises(DataError, match=r"close .* outside"):
        validate_bars(bars, "AAA.csv")


def test_gaps_are_fine(make_bars: MakeBars) -> None:
    validate_bars(make_bars("AAA", days=10).drop(index=[3, 4]), "AAA.csv")


def test_drop_invalid_keeps_good_rows(make_bars: MakeBars) -> None:
    bars = make_bars("AAA", days=6)
    bars.loc[1, ["high", "low"]] = [1.0, 2.0]  # 2015-03-03
    bars.loc[4, "volume"] = np.nan  # 2015-03-06
    bars = pd.concat([bars, bars.iloc[[2]]], ignore_index=True)  # 2015-03-04 again
    bars = bars.iloc[::-1]  # unsorted: sorted, not dropped
    clean, dropped = drop_invalid(bars, "AAA.csv")
    assert dropped == [
        "AAA.csv: row 2015-03-03: high 1.0 < low 2.0",
        "AAA.csv: row 2015-03-04: duplicate date (an earlier row has the same date)",
        "AAA.csv: row 2015-03-06: volume is missing",
    ]
    assert clean["date"].dt.day.tolist() == [2, 4, 5, 9]
    assert clean["date"].dtype == "datetime64[ns]"
    validate_bars(clean, "AAA.csv")


def test_drop_invalid_keeps_the_valid_duplicate(make_bars: MakeBars) -> None:
    bars = make_bars("AAA", days=3)
    broken = bars.iloc[[1]].assign(volume=-1.0)
    clean, dropped = drop_invalid(pd.concat([broken, bars], ignore_index=True), "AAA.csv")
    assert dropped == ["AAA.csv: row 2015-03-03: volume -1.0 is negative"]
    assert clean["volume"].tolist() == bars["volume"].tolist()


def test_drop_invalid_unparsable_dates_and_missing_columns(make_bars: MakeBars) -> None:
    bars = _text_dates(0, "someday")(make_bars("AAA", days=3))
    clean, dropped = drop_invalid(bars, "AAA.csv")
    assert dropped == ["AAA.csv: row 1: unparsable date 'someday'"]
    assert len(clean) == 2
    with pytest.raises(DataError, match=r"^x: missing column 'volume'$"):
        drop_invalid(bars.drop(columns="volume"), "x")


def test_drop_invalid_through_ingest(store: Store, make_bars: MakeBars) -> None:
    bars = make_bars("AAA", days=5)
    bars.loc[2, "close"] = -3.0
    report = ingest(store, bars, source="csv", origin="AAA.csv", drop_invalid=True)
    assert (report.rows, report.tickers) == (4, ["AAA"])
    assert report.dropped == ["AAA.csv: row 2015-03-04: close -3.0 is not positive"]
    assert len(store.read_bars(["AAA"])) == 4
    assert store.ingest_runs()["detail"].tolist() == ["AAA.csv (1 bad rows dropped)"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2015-03-02", "2015-03-03"], ["2015-03-02", "2015-03-03"]),
        (["2015-03-02 00:00:00-05:00", "2015-07-02 00:00:00-04:00"], ["2015-03-02", "2015-07-02"]),
        (["03/02/2015", "03/03/2015"], ["2015-03-02", "2015-03-03"]),
        ([20150302, 20150303], ["2015-03-02", "2015-03-03"]),
        (["2015-03-02", "garbage"], ["2015-03-02", None]),
        (["1500-01-01", None], [None, None]),
    ],
)
def test_parse_dates(values: list[object], expected: list[str | None]) -> None:
    parsed = parse_dates(pd.Series(values))
    assert parsed.dtype == "datetime64[ns]"
    shown = [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in parsed]
    assert shown == expected


def test_parse_dates_tz_aware_index() -> None:
    stamps = pd.Series(pd.date_range("2015-03-02", periods=2, freq="D", tz="America/New_York"))
    assert parse_dates(stamps).dt.strftime("%Y-%m-%d").tolist() == ["2015-03-02", "2015-03-03"]
