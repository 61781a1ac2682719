"""Checks on daily bars before anything is stored: one line naming origin, row and problem.

Rules, per ticker: a valid ticker name (`trader.config.check_ticker`: at most 32 letters,
digits and ``. - _ = ^``, the same on every database); required columns; parsable dates;
prices present, finite and positive;
``high >= low``; open and close within ``[low, high]`` (relative tolerance ``REL_TOL``); volume
present, numeric and not negative; ``adj_close`` (optional) positive when present; no duplicate
dates; dates sorted ascending. All checks are vectorized; only the reported rows are formatted.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.config import MAX_TICKER, TICKER_CHARACTERS, TICKER_PATTERN, check_range, shown
from trader.errors import ConfigError, DataError

REQUIRED = ("date", "open", "high", "low", "close", "volume")
PRICES = ("open", "high", "low", "close")
REL_TOL = 1e-9
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)"
_DUPLICATE = "duplicate date (an earlier row has the same date)"
_UNSORTED = "dates not sorted (comes after {prev})"


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as ``datetime64[ns]`` at midnight (local date, zone dropped); NaT if unparsable."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = values.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        parsed = values
    elif pd.api.types.is_integer_dtype(values.dtype):  # e.g. stooq's 20130208
        parsed = pd.to_datetime(values.astype(str), format="%Y%m%d", errors="coerce")
    else:
        text = values.astype("str").where(values.notna())
        present = text.dropna()
        if present.str.match(_ISO_DATE).all():
            parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
                try:
                    parsed = pd.to_datetime(text, errors="coerce")
                except ValueError:  # mixed UTC offsets
                    parsed = pd.to_datetime(text, errors="coerce", utc=True)
            if isinstance(parsed.dtype, pd.DatetimeTZDtype):
                parsed = parsed.dt.tz_localize(None)
    parsed = parsed.dt.normalize()
    in_range = (parsed >= pd.Timestamp("1800-01-01")) & (parsed < pd.Timestamp("2200-01-01"))
    return pd.Series(parsed.where(in_range).astype("datetime64[ns]"))


def as_date(value: dt.date | str | None, what: str) -> dt.date | None:
    """A user-given date option (``start``/``end``) as a date; `ConfigError` if it isn't one."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise ConfigError(f"{what}: not a date: {shown(value)} (use YYYY-MM-DD)") from None
    if pd.isna(stamp):
        raise ConfigError(f"{what}: not a date: {shown(value)} (use YYYY-MM-DD)")
    return stamp.date()


def date_range(
    start: dt.date | str | None, end: dt.date | str | None
) -> tuple[dt.date | None, dt.date | None]:
    """``start`` and ``end`` options as dates; a reversed range is a `ConfigError` saying so."""
    first, last = as_date(start, "start"), as_date(end, "end")
    check_range(first, last)
    return first, last


@dataclass(frozen=True)
class _Checked:
    raw: pd.DataFrame  # the input, index reset
    work: pd.DataFrame  # ticker, date, numeric columns as float, row (1-based within ticker), prev
    rules: list[str]  # problem templates, in priority order
    masks: np.ndarray  # rows x rules, True where the row breaks the rule
    row_rules: int  # the first `row_rules` rules concern one row alone (droppable)


def _check(frame: pd.DataFrame) -> _Checked:
    raw = frame.reset_index(drop=True)
    work = pd.DataFrame(index=raw.index)
    if "ticker" in raw.columns:
        ticker = raw["ticker"].astype("str").where(raw["ticker"].notna()).str.strip()
        work["ticker"] = ticker.fillna("")
    else:
        work["ticker"] = ""
    work["date"] = parse_dates(raw["date"])
    numeric = [*PRICES, "volume", *(["adj_close"] if "adj_close" in raw.columns else [])]
    for name in numeric:
        work[name] = pd.to_numeric(raw[name], errors="coerce").astype(float)
    by_ticker = work.groupby("ticker", sort=False)
    work["row"] = by_ticker.cumcount() + 1
    work["prev"] = by_ticker["date"].cummax().groupby(work["ticker"], sort=False).shift()

    rules: list[str] = []
    masks: list[pd.Series] = []

    def add(template: str, mask: pd.Series) -> None:
        rules.append(template)
        masks.append(mask.fillna(False).astype(bool))

    if "ticker" in raw.columns:
        add("missing ticker", work["ticker"] == "")
    upper = work["ticker"].str.upper()
    too_long = upper.str.len() > MAX_TICKER
    add(f"ticker {{shown_ticker}} is too long (at most {MAX_TICKER} characters)", too_long)
    odd = (upper != "") & ~too_long & ~upper.str.fullmatch(TICKER_PATTERN).fillna(False)
    add(f"ticker {{shown_ticker}} has characters other than {TICKER_CHARACTERS}", odd)
    add("missing date", raw["date"].isna())
    add("unparsable date '{raw_date}'", work["date"].isna())
    for name in numeric:
        value, present = work[name], raw[name].notna()
        add(f"{name} '{{raw_{name}}}' is not a number", value.isna() & present)
        if name != "adj_close":
            add(f"{name} is missing", value.isna())
        add(f"{name} {{{name}}} is not finite", pd.Series(np.isinf(value), index=value.index))
    for name in PRICES:
        add(f"{name} {{{name}}} is not positive", work[name] <= 0)
    tol = REL_TOL * work["high"].abs()
    add("high {high} < low {low}", work["high"] < work["low"] - tol)
    for name in ("open", "close"):
        outside = (work[name] < work["low"] - tol) | (work[name] > work["high"] + tol)
        add(f"{name} {{{name}}} outside [low {{low}}, high {{high}}]", outside)
    add("volume {volume} is negative", work["volume"] < 0)
    if "adj_close" in work.columns:
        add("adj_close {adj_close} is not positive", work["adj_close"] <= 0)
    row_rules = len(rules)
    add(_DUPLICATE, work["date"].notna() & work.duplicated(["ticker", "date"], keep="first"))
    add(_UNSORTED, work["date"] < work["prev"])
    return _Checked(raw, work, rules, np.column_stack(masks), row_rules)


def _fmt(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | np.floating):
        return repr(float(value))
    return str(value)


def _message(checked: _Checked, origin: str, index: int, rule: int) -> str:
    work, raw = checked.work, checked.raw
    ticker = str(work.at[index, "ticker"])
    tickers = work["ticker"].nunique()
    where = origin
    if ticker and not (tickers == 1 and ticker.upper() in origin.upper()):
        where = f"{origin}: {shown(ticker)[1:-1] if len(ticker) > MAX_TICKER else ticker}"
    date: Any = work.at[index, "date"]
    number: Any = work.at[index, "row"]
    row = f"row {number}" if pd.isna(date) else f"row {_fmt(date)}"
    fields = {name: _fmt(work.at[index, name]) for name in work.columns}
    fields["shown_ticker"] = shown(ticker)
    fields |= {f"raw_{name}": _fmt(raw.at[index, name]) for name in raw.columns}
    return f"{where}: {row}: {checked.rules[rule].format(**fields)}"


def _in_order(work: pd.DataFrame, rows: pd.Index) -> pd.Index:
    """``rows`` sorted by ticker, then date (unparsable dates first), then position."""
    part = work.loc[rows, ["ticker", "date", "row"]]
    return part.sort_values(["ticker", "date", "row"], na_position="first", kind="stable").index


def _required(frame: pd.DataFrame, origin: str) -> None:
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(f"{origin}: missing column '{missing[0]}'")


def validate_bars(frame: pd.DataFrame, origin: str) -> None:
    """Raise `DataError` for the first problem (per ticker, in date order), else return."""
    checked_bars(frame, origin)


def checked_bars(frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    """`validate_bars`, returning the parsed values of the valid frame (checked once, used as
    checked): ``ticker`` (stripped), ``date`` (datetime64[ns]) and the numeric columns as float,
    in the input's order with a fresh index."""
    _required(frame, origin)
    checked = _check(frame)
    bad = checked.masks.any(axis=1)
    if bad.any():
        first = _in_order(checked.work, checked.work.index[np.asarray(bad, dtype=bool)])[0]
        rule = int(checked.masks[first].argmax())
        raise DataError(_message(checked, origin, first, rule))
    return checked.work.drop(columns=["row", "prev"])


def drop_invalid(frame: pd.DataFrame, origin: str) -> tuple[pd.DataFrame, list[str]]:
    """Drop bad rows instead of failing: returns the clean frame and one message per dropped row.

    The clean frame is sorted by ticker and date, with ``date`` as datetime64[ns] and numeric
    columns as float. Of rows sharing a date, the first valid one is kept. A missing column
    still raises `DataError` (no row can be kept).
    """
    _required(frame, origin)
    checked = _check(frame)
    work = checked.work
    row_masks = checked.masks[:, : checked.row_rules]
    bad = np.asarray(row_masks.any(axis=1), dtype=bool)
    kept = work.loc[~bad].sort_values(["ticker", "date"], kind="stable")
    duplicate = kept.duplicated(["ticker", "date"], keep="first")
    dropped = work.index[bad].union(kept.index[duplicate.to_numpy()])
    duplicate_rule = checked.rules.index(_DUPLICATE)
    messages = [
        _message(checked, origin, i, int(row_masks[i].argmax()) if bad[i] else duplicate_rule)
        for i in _in_order(work, dropped)
    ]
    keep = kept.index[~duplicate.to_numpy()]
    clean = checked.raw.loc[keep].copy()
    for name in work.columns.drop(["ticker", "row", "prev"]):
        clean[name] = work.loc[keep, name]
    return clean.reset_index(drop=True), messages
