"""The exchange calendar (``exchange_calendars``): sessions, the time zone, the last close.

``exchange_calendars`` covers only the last 20 years by default, so the calendar is built with an
explicit ``start`` early enough for every stored bar (``quality.calendar_start``, moved earlier
when the data starts earlier).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from trader.errors import ConfigError, unknown


class Calendar:
    """Sessions of one exchange from ``start`` to a year ahead."""

    def __init__(self, exchange: str = "XNYS", start: dt.date | str = "1990-01-01") -> None:
        import exchange_calendars as xcals  # slow import (~1 s): only when a calendar is used

        names = xcals.get_calendar_names(include_aliases=True)
        if exchange not in names:
            raise unknown("exchange", exchange, names)
        try:
            self._cal = xcals.get_calendar(exchange, start=pd.Timestamp(start))
        except (ValueError, xcals.errors.CalendarError) as err:
            raise ConfigError(f"exchange {exchange}: {err}") from None
        self.exchange = exchange
        self.first = pd.Timestamp(self._cal.first_session).date()
        self.last = pd.Timestamp(self._cal.last_session).date()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(str(self._cal.tz))

    def _check(self, day: dt.date) -> pd.Timestamp:
        if not self.first <= day <= self.last:
            raise ConfigError(
                f"{day} is outside the {self.exchange} calendar ({self.first} .. {self.last}); "
                "set quality.calendar_start earlier"
            )
        return pd.Timestamp(day)

    def is_session(self, day: dt.date) -> bool:
        return bool(self._cal.is_session(self._check(day)))

    def sessions(self, first: dt.date, last: dt.date) -> pd.DatetimeIndex:
        """Sessions from ``first`` to ``last`` inclusive (midnight timestamps, no time zone)."""
        if last < first:
            return pd.DatetimeIndex([])
        self._check(first)
        self._check(last)
        return pd.DatetimeIndex(
            self._cal.sessions_in_range(pd.Timestamp(first), pd.Timestamp(last))
        )

    def session_on_or_before(self, day: dt.date) -> dt.date:
        """``day`` when it is a session, else the session before it."""
        found = self._cal.date_to_session(self._check(day), direction="previous")
        return pd.Timestamp(found).date()

    def sessions_back(self, last: dt.date, count: int) -> pd.DatetimeIndex:
        """The ``count`` sessions ending at the session on or before ``last``."""
        end = pd.Timestamp(self.session_on_or_before(last))
        index = self._cal.sessions_window(end, -count)
        return pd.DatetimeIndex(index)

    def last_closed_session(self, now: dt.datetime | None = None) -> dt.date:
        """The latest session whose close has passed at ``now`` (default: the current time)."""
        moment = pd.Timestamp(now or dt.datetime.now(dt.UTC))
        moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
        return pd.Timestamp(self._cal.minute_to_past_session(moment)).date()

    def local_date(self, now: dt.datetime) -> dt.date:
        """The date at the exchange at the moment ``now`` (an aware datetime)."""
        return now.astimezone(self.tz).date()


def calendar_for(exchange: str, earliest: dt.date | None, configured: str) -> Calendar:
    """A calendar starting at ``configured`` or at ``earliest`` (the first stored bar) if sooner."""
    start = pd.Timestamp(configured).date()
    if earliest is not None and earliest < start:
        start = earliest
    return Calendar(exchange, start)
