"""Tidy bars (ticker, date, open, high, low, close, volume) as validated per-ticker frames."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from trader.errors import DataError, did_you_mean

PRICE_COLUMNS = ("open", "high", "low", "close", "volume")
BAR_COLUMNS = ("ticker", "date", *PRICE_COLUMNS)


def _as_timestamp(day: date | pd.Timestamp | str | None) -> pd.Timestamp | None:
    return None if day is None else pd.Timestamp(day).normalize()


def ticker_frames(
    bars: pd.DataFrame,
    tickers: Sequence[str],
    start: date | None = None,
    end: date | None = None,
) -> dict[str, pd.DataFrame]:
    """Per ticker, its OHLCV bars in ``[start, end]`` indexed by date (sorted, validated).

    Raises `DataError` naming the ticker when it has no bars at all, no bars in the range,
    duplicated dates or a missing/non-positive price.
    """
    missing = [c for c in BAR_COLUMNS if c not in bars.columns]
    if missing:
        raise DataError(f"bars: missing column(s) {', '.join(missing)}")
    dates = pd.to_datetime(bars["date"])
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    frame = bars.assign(date=dates.dt.normalize())
    lo, hi = _as_timestamp(start), _as_timestamp(end)
    if lo is not None and hi is not None and lo > hi:
        raise DataError(f"backtest: start {lo.date()} is after end {hi.date()}")
    out: dict[str, pd.DataFrame] = {}
    groups = dict(tuple(frame.groupby("ticker", sort=False)))  # one pass, not one scan per ticker
    for ticker in tickers:
        rows = groups.get(ticker, frame.iloc[0:0])
        if rows.empty:
            known = frame["ticker"].astype(str).unique()
            raise DataError(f"{ticker}: no bars for this ticker{did_you_mean(ticker, known)}")
        if lo is not None:
            rows = rows[rows["date"] >= lo]
        if hi is not None:
            rows = rows[rows["date"] <= hi]
        if rows.empty:
            raise DataError(f"{ticker}: no bars between {start} and {end}")
        dup = rows["date"].duplicated()
        if dup.any():
            raise DataError(f"{ticker}: duplicated bar on {rows['date'][dup].iloc[0].date()}")
        rows = rows.sort_values("date").set_index("date")[list(PRICE_COLUMNS)].astype(float)
        prices = rows[["open", "high", "low", "close"]]
        bad = (prices.isna().any(axis=1) | (prices <= 0).any(axis=1)).to_numpy()
        if bad.any():
            day = pd.Timestamp(rows.index[int(bad.argmax())]).date()
            raise DataError(f"{ticker}: missing or non-positive price on {day}")
        out[ticker] = rows
    return out


def check_shared_dates(bars: pd.DataFrame, minimum: int) -> None:
    """Refuse tickers that trade together on fewer than ``minimum`` dates (`DataError`).

    Training and backtesting several tickers needs a period they share; tickers whose
    histories do not overlap (one 2000-2003, another 2013-2018) are named with their spans.
    """
    dates = pd.to_datetime(bars["date"])
    tickers = bars["ticker"].astype(str)
    count = tickers.nunique()
    if count < 2:
        return
    per_date = tickers.groupby(dates).nunique()
    shared = int((per_date == count).sum())
    if shared >= minimum:
        return
    spans = dates.groupby(tickers).agg(["min", "max"]).sort_values("min")
    listed = ", ".join(
        f"{t} {row['min'].date()} to {row['max'].date()}" for t, row in spans.iterrows()
    )
    what = "share no dates" if shared == 0 else f"share only {shared} dates ({minimum} needed)"
    raise DataError(
        f"tickers {what}: {listed}; choose tickers whose histories overlap (or one ticker per run)"
    )
