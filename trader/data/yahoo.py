"""The raw Yahoo Finance call (``yfinance.download``), with yfinance's log lines captured.

yfinance reports failures (DNS errors, unknown tickers) by logging, not raising, and returns an
empty frame; `download_one` keeps those lines off the terminal and hands back the last one so the
caller can put it into a one-line error. Parsing the result lives in `trader.data.ingestion`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pandas as pd

from trader.errors import DataError

Download = Callable[..., pd.DataFrame | None]
_MAX_REASON = 160


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().split())
        if text:
            self.messages.append(text)


def download_one(
    download: Download | None, ticker: str, start: dt.date | None, end: dt.date | None
) -> tuple[pd.DataFrame | None, str]:
    """One download call; ``end`` is inclusive (yfinance's own is exclusive).

    Returns the result and the last warning/error yfinance logged ("" if none). ``download``
    defaults to ``yfinance.download``; any exception it raises becomes a `DataError`.
    """
    if download is None:
        import yfinance  # slow import, only needed here

        download = yfinance.download
    until = None if end is None else end + dt.timedelta(days=1)
    extra = {"period": "max"} if start is None else {}  # yfinance's default is one month
    logger = logging.getLogger("yfinance")
    collect, propagate = _Collect(), logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    try:
        result = download(
            ticker,
            start=None if start is None else start.isoformat(),
            end=None if until is None else until.isoformat(),
            auto_adjust=False,
            actions=False,
            progress=False,
            group_by="column",
            threads=False,
            multi_level_index=True,
            **extra,
        )
    except Exception as err:
        raise DataError(f"yahoo: download failed for ticker '{ticker}': {err}") from err
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    reason = collect.messages[-1] if collect.messages else ""
    if len(reason) > _MAX_REASON:
        reason = reason[: _MAX_REASON - 3] + "..."
    return result, reason
