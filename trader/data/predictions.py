"""Predictions made elsewhere (another tool, a notebook) as a tidy (date, ticker, score) table.

A CSV with one row per ticker and decision day: ``date``, ``ticker`` and ``score`` columns
(headers matched case-insensitively; ``symbol``/``prediction``/``signal`` are accepted as
synonyms). A score is read like a model's direction score: above 0 means "up", decided at that
day's close, so a position it opens fills at the next open. Every row is checked before
anything is used; the first problem is one line naming the file, the row and the value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trader.data.ingestion import load_csv
from trader.data.validate import parse_dates
from trader.errors import DataError, did_you_mean

PREDICTION_COLUMNS = ("date", "ticker", "score")
_SYNONYMS = {
    "date": ("date", "day", "datetime", "timestamp"),
    "ticker": ("ticker", "symbol", "name", "asset"),
    "score": ("score", "prediction", "predicted", "signal", "pred"),
}


def _column(raw: pd.DataFrame, want: str, origin: str) -> str:
    by_key = {str(c).strip().lower(): str(c) for c in raw.columns}
    for name in _SYNONYMS[want]:
        if name in by_key:
            return by_key[name]
    raise DataError(
        f"{origin}: missing column '{want}'{did_you_mean(want, by_key)} "
        f"(found: {', '.join(map(str, raw.columns))})"
    )


def tidy_predictions(raw: pd.DataFrame, origin: str = "predictions") -> pd.DataFrame:
    """Check and tidy a (date, ticker, score) frame: sorted, tickers upper case, scores float.

    Refuses (`DataError`, naming ``origin`` and the row) missing columns, unparsable dates,
    empty tickers, missing or non-finite scores and a (date, ticker) given twice.
    """
    if raw.empty:
        raise DataError(f"{origin}: no rows")
    names = [_column(raw, want, origin) for want in PREDICTION_COLUMNS]
    frame = raw[names].set_axis(list(PREDICTION_COLUMNS), axis=1)
    row = pd.Series(np.arange(len(frame)) + 2, index=frame.index)  # file line numbers
    dates = parse_dates(frame["date"])
    _refuse(origin, row, dates.isna(), frame["date"], "not a date")
    tickers = frame["ticker"].astype("string").str.strip().str.upper()
    _refuse(origin, row, tickers.isna() | (tickers == ""), frame["ticker"], "no ticker")
    scores = pd.to_numeric(frame["score"], errors="coerce")
    finite = pd.Series(np.isfinite(scores.astype(float)), index=frame.index)
    _refuse(origin, row, ~finite, frame["score"], "not a finite score")
    out = pd.DataFrame(
        {"date": dates, "ticker": tickers.astype(str), "score": scores.astype(float)}
    )
    twice = out.duplicated(["date", "ticker"])
    _refuse(origin, row, twice, out["ticker"], "this ticker and date appear twice")
    return out.sort_values(["date", "ticker"], kind="mergesort").reset_index(drop=True)


def _refuse(origin: str, row: pd.Series, bad: pd.Series, values: pd.Series, what: str) -> None:
    if bad.any():
        first = bad.to_numpy().argmax()
        raise DataError(
            f"{origin}: row {row.iloc[first]}: {what} ({values.iloc[first]!r}); "
            f"{int(bad.sum())} row(s) like this"
        )


def read_predictions(path: str | Path) -> pd.DataFrame:
    """Predictions from a CSV file (``.csv`` or ``.csv.gz``), checked by `tidy_predictions`."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: predictions file not found")
    return tidy_predictions(load_csv(path), origin=path.name)
