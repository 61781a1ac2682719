"""Tidy bars (ticker, date, open, high, low, close, volume) as validated per-ticker frames."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
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

    Raises `DataError` naming the ticker (the first in ``tickers`` order with a problem) when
    it has no bars at all, no bars in the range, a duplicated date (the earliest) or a
    missing/non-positive price (the earliest). One sort of the whole frame, not one filter per
    ticker: a hundred tickers cost about as much as one.
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
    names = frame["ticker"].astype(str).to_numpy()
    wanted = list(dict.fromkeys(tickers))
    codes = pd.Categorical(names, categories=wanted).codes
    inside = codes >= 0
    if lo is not None:
        inside &= (frame["date"] >= lo).to_numpy()
    if hi is not None:
        inside &= (frame["date"] <= hi).to_numpy()
    rows = frame.loc[inside, ["date", *PRICE_COLUMNS]]
    codes = codes[inside]
    order = np.lexsort((rows["date"].to_numpy(), codes))  # by ticker, then date (stable)
    rows, codes = rows.iloc[order], codes[order]
    prices = rows.set_index("date")[list(PRICE_COLUMNS)].astype(float)
    ohlc = prices[["open", "high", "low", "close"]].to_numpy()
    bad = np.isnan(ohlc).any(axis=1) | (ohlc <= 0).any(axis=1)
    day = prices.index.to_numpy()
    dup = np.zeros(len(codes), dtype=bool)
    dup[1:] = (codes[1:] == codes[:-1]) & (day[1:] == day[:-1])
    bounds = np.searchsorted(codes, np.arange(len(wanted) + 1))  # ticker k: rows a..b
    present = set(names)
    out: dict[str, pd.DataFrame] = {}
    for k, ticker in enumerate(wanted):
        if ticker not in present:
            raise DataError(f"{ticker}: no bars for this ticker{did_you_mean(ticker, present)}")
        a, b = int(bounds[k]), int(bounds[k + 1])
        if a == b:
            raise DataError(f"{ticker}: no bars between {start} and {end}")
        for problem, flags in (("duplicated bar", dup), ("missing or non-positive price", bad)):
            if flags[a:b].any():
                when = pd.Timestamp(day[a + int(flags[a:b].argmax())]).date()
                raise DataError(f"{ticker}: {problem} on {when}")
        out[ticker] = prices.iloc[a:b]
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
