"""Ingest: the bundled sample, CSV layouts, and Yahoo through a fake ``yfinance.download``."""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from trader.data import Store
from trader.data.ingestion import (
    COLUMNS,
    fetch_yahoo,
    ingest,
    ingest_yahoo,
    read_csv,
    read_sample,
    sample_tickers,
)
from trader.data.validate import validate_bars
from trader.errors import ConfigError, DataError

MakeBars = Callable[..., pd.DataFrame]

# --- the bundled sample -----------------------------------------------------------------------


def test_sample_is_valid_real_data() -> None:
    frame = read_sample()
    assert list(frame.columns) == COLUMNS
    assert len(sample_tickers()) == 21 and "SPY" in sample_tickers()
    assert sorted(frame["ticker"].unique()) == sample_tickers()
    assert frame["date"].dtype == "datetime64[ns]" and frame["volume"].dtype == "float64"
    for ticker, rows in frame.groupby("ticker"):
        validate_bars(rows, f"{ticker}.csv")  # every rule holds on the real prices


def test_ingest_sample(store: Store) -> None:
    frame = read_sample(["orcl", "AAPL"])
    report = ingest(store, frame, source="sample", origin="sample")
    assert (report.source, report.tickers, report.dropped) == ("sample", ["AAPL", "ORCL"], [])
    counts = store.status().set_index("ticker")["rows"]
    assert counts["ORCL"] == counts["AAPL"] - 2  # two trading days missing in ORCL.csv
    assert report.rows == counts.sum() == len(frame)
    again = ingest(store, frame, source="sample", origin="sample")
    assert again.rows == report.rows
    assert store.status()["rows"].sum() == report.rows


def test_unknown_sample_ticker() -> None:
    with pytest.raises(
        DataError, match=r"^no sample prices for ticker 'APPL' \(did you mean 'AAPL'"
    ):
        read_sample(["APPL"])
    with pytest.raises(DataError, match=r"\(available: AAPL, AMZN"):
        read_sample(["ZZZZZZ"])


# --- CSV layouts --------------------------------------------------------------------------------

HEADER_ROWS = [
    ("2015-03-02", 10.0, 10.5, 9.5, 10.2, 9.9, 1000),
    ("2015-03-03", 10.2, 10.8, 10.1, 10.7, 10.4, 1200),
    ("2015-03-04", 10.7, 10.9, 10.3, 10.4, 10.1, 900),
]


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _lines(fmt: Callable[..., str]) -> list[str]:
    return [fmt(*row) for row in HEADER_ROWS]


def test_csv_lowercase(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "aapl.csv",
        "date,open,high,low,close,volume",
        _lines(lambda d, o, h, lo, c, a, v: f"{d},{o},{h},{lo},{c},{v}"),
    )
    frame = read_csv(path)
    assert list(frame.columns) == COLUMNS
    assert frame["ticker"].unique().tolist() == ["AAPL"]
    assert frame["close"].tolist() == [10.2, 10.7, 10.4]
    assert frame["adj_close"].isna().all()
    assert frame["date"].dtype == "datetime64[ns]"


def test_csv_yahoo_style_keeps_adj_close(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "MSFT.csv",
        "Date,Open,High,Low,Close,Adj Close,Volume",
        _lines(lambda d, o, h, lo, c, a, v: f"{d},{o},{h},{lo},{c},{a},{v}"),
    )
    frame = read_csv(path)
    assert frame["adj_close"].tolist() == [9.9, 10.4, 10.1]
    assert frame["ticker"].iloc[0] == "MSFT"


def test_csv_stooq_style_ignores_extra_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ibm.us.txt.csv",
        "Date,Open,High,Low,Close,Volume,OpenInt",
        _lines(lambda d, o, h, lo, c, a, v: f"{d},{o},{h},{lo},{c},{v},0"),
    )
    frame = read_csv(path, ticker="ibm")
    assert frame["ticker"].unique().tolist() == ["IBM"]
    assert "OpenInt" not in frame.columns


def test_csv_ticker_column_with_several_tickers(store: Store, tmp_path: Path) -> None:
    rows = [
        f"{d},{o},{h},{lo},{c},{v},{t}"
        for t in ("aal", "AAPL")
        for d, o, h, lo, c, _, v in HEADER_ROWS
    ]
    path = _write(tmp_path / "all_stocks_5yr.csv", "date,open,high,low,close,volume,Name", rows)
    frame = read_csv(path, ticker="IGNORED")
    assert sorted(frame["ticker"].unique()) == ["AAL", "AAPL"]
    report = ingest(store, frame, source="csv", origin=str(path))
    assert (report.rows, report.tickers) == (6, ["AAL", "AAPL"])
    assert len(store.read_bars(["AAL", "AAPL"], source="csv")) == 6


def test_csv_folder_and_gzip(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "prices"
    folder.mkdir()
    _write(
        folder / "KO.csv",
        "date,open,high,low,close,volume",
        _lines(lambda d, o, h, lo, c, a, v: f"{d},{o},{h},{lo},{c},{v}"),
    )
    lines = _lines(lambda d, o, h, lo, c, a, v: f"{d},{o},{h},{lo},{c},{a},{v}")
    text = "\n".join(["Date,Open,High,Low,Close,Adj Close,Volume", *lines])
    (folder / "pg.csv.gz").write_bytes(gzip.compress(text.encode()))
    (folder / "notes.txt").write_text("not prices")
    frame = read_csv(folder)
    assert sorted(frame["ticker"].unique()) == ["KO", "PG"]
    assert ingest(store, frame, source="csv", origin=str(folder)).rows == 6
    assert store.status()["ticker"].tolist() == ["KO", "PG"]


def test_csv_problems(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", "date,open,high,low,volume", ["2015-03-02,1,1,1,1"])
    with pytest.raises(DataError, match=r"^bad.csv: missing column 'close'$"):
        read_csv(path)
    with pytest.raises(DataError, match=r"nope.csv: file or folder not found$"):
        read_csv(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataError, match=r"^empty.csv: empty file$"):
        read_csv(tmp_path / "empty.csv")
    _write(tmp_path / "header.csv", "date,open,high,low,close,volume", [])
    with pytest.raises(DataError, match=r"^header.csv: no rows$"):
        read_csv(tmp_path / "header.csv")
    (tmp_path / "sub").mkdir()
    with pytest.raises(DataError, match=r"no \*.csv or \*.csv.gz files"):
        read_csv(tmp_path / "sub")


def test_csv_bad_value_names_file_and_date(store: Store, tmp_path: Path) -> None:
    rows = _lines(lambda d, o, h, lo, c, a, v: f"{d},{o},{h},{lo},{c},{v}")
    rows[1] = "2015-03-03,10.2,10.0,11.0,10.7,1200"
    path = _write(tmp_path / "AAPL.csv", "date,open,high,low,close,volume", rows)
    with pytest.raises(DataError, match=r"^AAPL.csv: row 2015-03-03: high 10.0 < low 11.0$"):
        ingest(store, read_csv(path), source="csv", origin=path.name)
    assert store.ingest_runs().empty


def test_csv_unparsable_date_gives_row_number(tmp_path: Path) -> None:
    rows = _lines(lambda d, o, h, lo, c, a, v: f"{d},{o},{h},{lo},{c},{v}")
    rows[2] = rows[2].replace("2015-03-04", "04.03.2015x")
    path = _write(tmp_path / "AAPL.csv", "date,open,high,low,close,volume", rows)
    with pytest.raises(DataError, match=r"^AAPL.csv: row 3: unparsable date '04.03.2015x'$"):
        validate_bars(read_csv(path), path.name)


# --- Yahoo (fake yfinance.download shaped like yfinance 1.x) -------------------------------------

PRICES = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]


class FakeYahoo:
    """``yfinance.download`` stand-in with per-ticker histories; end is exclusive like Yahoo's."""

    def __init__(self, histories: dict[str, pd.DataFrame]) -> None:
        self.histories = histories
        self.calls: list[dict[str, Any]] = []

    def __call__(self, tickers: str, **kwargs: Any) -> pd.DataFrame:
        self.calls.append({"tickers": tickers, **kwargs})
        history = self.histories.get(tickers)
        if history is None:
            return pd.DataFrame()  # what a failed download gives when printing errors
        start, end = kwargs.get("start"), kwargs.get("end")
        keep = np.ones(len(history), dtype=bool)
        if start is not None:
            keep &= history.index >= pd.Timestamp(start)
        if end is not None:
            keep &= history.index < pd.Timestamp(end)
        part = history[keep]
        columns = pd.MultiIndex.from_product([PRICES, [tickers]], names=["Price", "Ticker"])
        return pd.DataFrame(part[PRICES].to_numpy(), index=part.index, columns=columns)


def _history(days: int = 6, start: str = "2020-01-02", price: float = 100.0) -> pd.DataFrame:
    index = pd.DatetimeIndex(pd.bdate_range(start, periods=days), name="Date")
    close = price + np.arange(days, dtype=float)
    return pd.DataFrame(
        {
            "Adj Close": close * 0.9,
            "Close": close,
            "High": close + 1,
            "Low": close - 1,
            "Open": close - 0.5,
            "Volume": (1_000_000 + np.arange(days)).astype("int64"),
        },
        index=index,
    )


def test_fetch_yahoo_shape_and_call() -> None:
    fake = FakeYahoo({"AAPL": _history(), "MSFT": _history(price=200.0)})
    frame = fetch_yahoo(["aapl", "MSFT"], "2020-01-03", "2020-01-07", download=fake)
    assert list(frame.columns) == COLUMNS
    assert frame.groupby("ticker").size().to_dict() == {"AAPL": 3, "MSFT": 3}  # end inclusive
    assert frame["adj_close"].iloc[0] == pytest.approx(0.9 * frame["close"].iloc[0])
    assert frame["volume"].dtype == "float64"
    call = fake.calls[0]
    assert (call["tickers"], call["start"], call["end"]) == ("AAPL", "2020-01-03", "2020-01-08")
    expected = {"auto_adjust": False, "progress": False, "group_by": "column", "threads": False}
    assert expected.items() <= call.items() and call["multi_level_index"] is True
    assert fake.calls[1]["tickers"] == "MSFT"


def test_fetch_yahoo_whole_history_without_start() -> None:
    fake = FakeYahoo({"AAPL": _history()})
    assert len(fetch_yahoo(["AAPL"], None, None, download=fake)) == 6
    assert fake.calls[0]["period"] == "max"


@pytest.mark.parametrize(
    "empty",
    [
        pd.DataFrame(),
        pd.DataFrame(
            columns=pd.MultiIndex.from_product([PRICES, ["XYZ"]], names=["Price", "Ticker"]),
            index=pd.DatetimeIndex([], name="Date"),
        ),
    ],
)
def test_fetch_yahoo_empty_is_an_error(empty: pd.DataFrame) -> None:
    def download(tickers: str, **kwargs: Any) -> pd.DataFrame:
        return empty

    message = r"^yahoo: no data for ticker 'XYZ' \(network unreachable or unknown ticker\)$"
    with pytest.raises(DataError, match=message):
        fetch_yahoo(["XYZ"], None, None, download=download)


def test_fetch_yahoo_download_exception() -> None:
    def download(tickers: str, **kwargs: Any) -> pd.DataFrame:
        raise ConnectionError("no route to host")

    with pytest.raises(DataError, match=r"^yahoo: download failed for ticker 'AAPL': no route"):
        fetch_yahoo(["AAPL"], None, None, download=download)
    with pytest.raises(ConfigError, match=r"^start: not a date: 'soon'"):
        fetch_yahoo(["AAPL"], "soon", None, download=download)


def test_ingest_yahoo_incremental(store: Store) -> None:
    fake = FakeYahoo({"AAPL": _history(days=4), "MSFT": _history(days=4, price=50.0)})
    first = ingest_yahoo(store, ["AAPL", "MSFT"], None, None, download=fake)
    assert (first.rows, first.tickers, first.source) == (8, ["AAPL", "MSFT"], "yahoo")
    last = store.last_date("AAPL", "yahoo")
    assert str(last) == "2020-01-07"

    fake.calls.clear()
    nothing = ingest_yahoo(store, ["AAPL", "MSFT"], None, None, download=fake)
    assert nothing.rows == 0  # up to date: not an error
    assert all(call["start"] == "2020-01-08" for call in fake.calls)

    fake.histories["AAPL"] = _history(days=6)  # two new days for AAPL only
    more = ingest_yahoo(store, ["AAPL", "MSFT"], None, None, download=fake)
    assert more.rows == 2
    assert store.status().set_index("ticker")["rows"].to_dict() == {"AAPL": 6, "MSFT": 4}
    assert store.ingest_runs()["rows_written"].tolist() == [8, 0, 2]

    fake.calls.clear()
    assert ingest_yahoo(store, ["AAPL"], None, "2020-01-09", download=fake).rows == 0
    assert fake.calls == []  # already have everything up to `end`: no download at all

    again = ingest_yahoo(store, ["AAPL"], "2020-01-02", None, download=fake)
    assert again.rows == 6  # an explicit start fetches again (upsert)
    assert store.status()["rows"].sum() == 10


def test_ingest_yahoo_fetches_everything_before_writing(store: Store) -> None:
    fake = FakeYahoo({"AAPL": _history()})
    with pytest.raises(DataError, match=r"^yahoo: no data for ticker 'NOPE'"):
        ingest_yahoo(store, ["AAPL", "NOPE"], None, None, download=fake)
    assert store.status().empty and store.ingest_runs().empty


def test_ingest_yahoo_validates_before_writing(store: Store) -> None:
    bad = _history()
    bad.loc[bad.index[2], "Low"] = 1000.0
    fake = FakeYahoo({"AAPL": _history(), "MSFT": bad})
    with pytest.raises(
        DataError,
        match=r"^yahoo incremental\.\.today: MSFT: row 2020-01-06: high 103.0 < low 1000.0$",
    ):
        ingest_yahoo(store, ["AAPL", "MSFT"], None, None, download=fake)
    assert store.status().empty and store.ingest_runs().empty
    report = ingest_yahoo(store, ["AAPL", "MSFT"], None, None, download=fake, drop_invalid=True)
    assert report.rows == 11 and len(report.dropped) == 1


def test_yfinance_log_lines_become_the_reason(caplog: pytest.LogCaptureFixture) -> None:
    def download(tickers: str, **kwargs: Any) -> pd.DataFrame:
        logging.getLogger("yfinance").error("['XYZ']: DNSError('Could not resolve host')")
        return pd.DataFrame()

    reason = r"unknown ticker; yfinance said: \['XYZ'\]: DNSError\('Could not resolve host'\)\)$"
    with pytest.raises(DataError, match=reason):
        fetch_yahoo(["XYZ"], None, None, download=download)
    assert not [r for r in caplog.records if r.name == "yfinance"]  # kept off the terminal


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_real_yfinance_download_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real ``yfinance.download`` shaping code, with only the network part faked."""
    yf_multi = pytest.importorskip("yfinance.multi")

    class OfflineTicker:
        def __init__(self, ticker: str) -> None:
            self.ticker, self._price_history = ticker, None

        def history(self, **kwargs: Any) -> pd.DataFrame:
            frame = _history(days=3)
            frame.index = frame.index.tz_localize("America/New_York")
            return frame

    monkeypatch.setattr(yf_multi, "Ticker", OfflineTicker)
    frame = fetch_yahoo(["AAPL"], "2020-01-01", None)
    assert frame["ticker"].tolist() == ["AAPL"] * 3
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-01-02",
        "2020-01-03",
        "2020-01-06",
    ]
    assert frame["adj_close"].tolist() == pytest.approx([90.0, 90.9, 91.8])
