"""The data-quality gate: refuse to predict on prices that are stale, gappy, restated or odd.

Checks per ticker, over the bars up to the signal date (``lookback`` sessions of them for the
gate, the whole history for `trader data verify`):

- ``no_data``: no bar at all;
- ``stale``: the last bar is more than ``max_stale_sessions`` sessions behind the session of
  the signal date (exchange calendar);
- ``missing_sessions``: exchange sessions inside the checked span without a bar;
- ``not_a_session``: a bar on a day the exchange was closed;
- ``restated``: a stored bar the source now gives differently, not yet resolved;
- ``jump``: a close-to-close move beyond ``max_jump``;
- ``zero_volume``: a bar without volume;
- ``invalid``: a stored bar that fails the ingest validation (verify only).

Any problem refuses the day (`QualityRefused`, exit code 3 on the command line): nothing is
predicted, stored or sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from trader.errors import TraderError
from trader.operations.calendar import Calendar
from trader.operations.settings import QualitySettings

_SHOWN = 5  # dates listed per problem


@dataclass(frozen=True)
class Problem:
    ticker: str
    check: str
    detail: str


@dataclass(frozen=True)
class QualityReport:
    """The gate's verdict for one date: every problem found, per ticker."""

    date: dt.date
    session: dt.date
    tickers: list[str]
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        verdict = "passed" if self.passed else f"REFUSED ({len(self.problems)} problem(s))"
        head = f"data quality for {self.date} (session {self.session}, {len(self.tickers)} "
        head += f"ticker(s)): {verdict}"
        return [head, *(f"  {p.ticker}: {p.check}: {p.detail}" for p in self.problems)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "session": self.session.isoformat(),
            "passed": self.passed,
            "tickers": self.tickers,
            "problems": [asdict(p) for p in self.problems],
        }


class QualityRefused(TraderError):
    """The data-quality gate refused the day; ``report`` says why."""

    def __init__(self, report: QualityReport) -> None:
        super().__init__(f"data quality gate refused {report.date}: " + "; ".join(
            f"{p.ticker} {p.check}" for p in report.problems[:_SHOWN]
        ))  # fmt: skip
        self.report = report


def _dates(values: Sequence[pd.Timestamp] | pd.DatetimeIndex) -> str:
    shown = ", ".join(str(pd.Timestamp(d).date()) for d in list(values)[:_SHOWN])
    return shown + (f", ... ({len(values)} in all)" if len(values) > _SHOWN else "")


def ticker_problems(
    ticker: str,
    rows: pd.DataFrame,
    *,
    session: dt.date,
    calendar: Calendar,
    settings: QualitySettings,
    lookback: int | None,
    sessions: pd.DatetimeIndex | None = None,
) -> list[Problem]:
    """The problems of one ticker's bars (``date`` sorted, ``close``, ``volume``) up to
    ``session``; ``lookback`` limits the span to that many sessions (None: all history).
    ``sessions``: the exchange sessions up to ``session`` when already known (a speed-up)."""
    if rows.empty:
        return [Problem(ticker, "no_data", f"no bars up to {session}")]
    dates = pd.DatetimeIndex(rows["date"])
    last, first = dates[-1].date(), dates[0].date()
    if lookback is not None:
        if sessions is not None and len(sessions) >= lookback:
            back = sessions[-lookback]
        else:
            back = calendar.sessions_back(session, lookback)[0]
        first = max(first, pd.Timestamp(back).date())
    start = min(first, last)
    if sessions is None or len(sessions) == 0 or sessions[0].date() > start:
        sessions = calendar.sessions(start, session)
    out = []
    days, open_days = dates.asi8, sessions.asi8  # int64 nanoseconds: fast set arithmetic
    behind = len(open_days) - int(np.searchsorted(open_days, days[-1], side="right"))
    if behind > settings.max_stale_sessions:
        out.append(
            Problem(ticker, "stale", f"last bar {last} is {behind} session(s) behind {session}")
        )
    lo = pd.Timestamp(first).value
    keep = days >= lo
    expected = open_days[(open_days >= lo) & (open_days <= days[-1])]
    missing = np.setdiff1d(expected, days[keep])
    if len(missing):
        shown = _dates(pd.DatetimeIndex(missing))
        out.append(Problem(ticker, "missing_sessions", f"no bar on {shown}"))
    extra = np.setdiff1d(days[keep], expected)
    if len(extra):
        shown = _dates(pd.DatetimeIndex(extra))
        out.append(Problem(ticker, "not_a_session", f"bar on a closed day: {shown}"))
    return out + _moves(ticker, rows, dates, keep, settings)


def _moves(
    ticker: str,
    rows: pd.DataFrame,
    dates: pd.DatetimeIndex,
    keep: np.ndarray,
    settings: QualitySettings,
) -> list[Problem]:
    """Jumps beyond the limit and bars without volume among the ``keep`` rows."""
    out = []
    close = rows["close"].to_numpy(float)
    moves = np.abs(close[1:] / close[:-1] - 1.0)
    jumps = np.flatnonzero((moves > settings.max_jump) & keep[1:]) + 1
    if len(jumps):
        worst = jumps[int(np.argmax(moves[jumps - 1]))]
        out.append(Problem(
            ticker, "jump",
            f"close moved {moves[worst - 1]:+.1%} on {dates[worst].date()} (limit "
            f"{settings.max_jump:.0%}; {len(jumps)} such day(s))",
        ))  # fmt: skip
    zero = dates[(rows["volume"].to_numpy(float) <= 0) & keep]
    if len(zero):
        out.append(Problem(ticker, "zero_volume", f"no volume on {_dates(zero)}"))
    return out


def check_quality(
    bars: pd.DataFrame,
    tickers: Sequence[str],
    date: dt.date,
    *,
    calendar: Calendar,
    settings: QualitySettings,
    lookback: int | None,
    restated: pd.DataFrame | None = None,
    min_bars: dict[str, int] | None = None,
) -> QualityReport:
    """The gate over tidy ``bars`` (dates after ``date`` are ignored) for ``tickers``.

    ``restated`` holds the unresolved restatements (`trader.operations.restatements.unresolved`);
    ``min_bars`` is the number of bars each ticker's window needs (``too_short`` when fewer).
    """
    session = calendar.session_on_or_before(date)
    frame = bars[pd.to_datetime(bars["date"]) <= pd.Timestamp(date)]
    groups = {str(t): g for t, g in frame.sort_values(["ticker", "date"]).groupby("ticker")}
    problems: list[Problem] = []
    empty = frame.iloc[0:0]
    span = lookback + 2 * settings.max_stale_sessions + 5 if lookback is not None else None
    sessions = calendar.sessions_back(session, span) if span is not None else None
    for ticker in tickers:
        rows = groups.get(ticker, empty)
        problems += ticker_problems(
            ticker, rows, session=session, calendar=calendar, settings=settings,
            lookback=lookback, sessions=sessions,
        )  # fmt: skip
        need = (min_bars or {}).get(ticker, 0)
        if 0 < len(rows) < need:
            problems.append(
                Problem(ticker, "too_short", f"{len(rows)} bar(s), the window needs {need}")
            )
    if restated is not None and not restated.empty:
        flagged = {(p.ticker, p.check) for p in problems}
        for name, found in restated.groupby("ticker"):
            if str(name) in tickers and (str(name), "restated") not in flagged:
                first = found.iloc[0]
                problems.append(Problem(
                    str(name), "restated",
                    f"{len(found)} stored value(s) differ from the source since "
                    f"{pd.Timestamp(first['detected_at']).date()}, first {first['date']} "
                    f"{first['column']} {first['stored']:.6g} -> {first['fetched']:.6g}; "
                    "re-ingest the ticker's history to accept it",
                ))  # fmt: skip
    order = {t: i for i, t in enumerate(tickers)}
    problems.sort(key=lambda p: (order.get(p.ticker, len(order)), p.check))
    return QualityReport(date, session, list(tickers), problems)
