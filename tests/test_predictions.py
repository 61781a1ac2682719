"""Predictions made elsewhere: a checked (date, ticker, score) table, one clear line per problem."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trader.data import read_predictions, tidy_predictions
from trader.errors import DataError


def write(tmp_path: Path, text: str, name: str = "preds.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_and_tidies(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Symbol,Date,Prediction,extra\nmsft,2017-01-04,-0.5,x\naapl,2017-01-04,0.25,y\n"
        " aapl ,2017-01-03,1,z\n",
    )
    frame = read_predictions(path)
    assert list(frame.columns) == ["date", "ticker", "score"]
    assert frame["ticker"].tolist() == ["AAPL", "AAPL", "MSFT"]
    assert [str(d.date()) for d in frame["date"]] == ["2017-01-03", "2017-01-04", "2017-01-04"]
    assert frame["score"].tolist() == [1.0, 0.25, -0.5]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,ticker,scor\n2017-01-03,AAPL,1\n", r"missing column 'score' \(did you mean 'scor'"),
        ("date,ticker,score\n2017-13-03,AAPL,1\n", r"row 2: not a date \('2017-13-03'\)"),
        ("date,ticker,score\n2017-01-03,,1\n", r"row 2: no ticker"),
        ("date,ticker,score\n2017-01-03,AAPL,1\n2017-01-04,AAPL,nan\n", "row 3: not a finite"),
        ("date,ticker,score\n2017-01-03,AAPL,inf\n", "row 2: not a finite score"),
        (
            "date,ticker,score\n2017-01-03,AAPL,1\n2017-01-03,aapl,2\n",
            r"row 3: this ticker and date appear twice \('AAPL'\)",
        ),
        ("date,ticker,score\n", "preds.csv: no rows"),
        ("", "preds.csv: empty file"),
    ],
)
def test_bad_files_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as err:
        read_predictions(write(tmp_path, text))
    assert "\n" not in str(err.value) and str(err.value).startswith("preds.csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="predictions file not found"):
        read_predictions(tmp_path / "nope.csv")


def test_frames_are_checked_too() -> None:
    frame = pd.DataFrame({"date": ["2017-01-03"], "ticker": ["KO"], "score": [0.1]})
    assert tidy_predictions(frame)["ticker"].tolist() == ["KO"]
    with pytest.raises(DataError, match="predictions: no rows"):
        tidy_predictions(frame.iloc[0:0])
