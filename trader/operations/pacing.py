"""Polite downloading: a request pace (requests per minute) and retries with backoff.

Yahoo rate-limits bursts (a well-known yfinance complaint: most tickers of a bulk download
failing at once). `Pacer` spaces request starts by ``60 / per_minute`` seconds; `with_retries`
calls a function again after ``backoff * 2**k`` seconds when it fails with a retryable error
(rate limit, network), and gives up at once on any other. Clock and sleep are injectable, so
tests run without waiting.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from trader.errors import DataError

T = TypeVar("T")
Sleep = Callable[[float], None]
Clock = Callable[[], float]

# What yfinance (and the network below it) says when trying again later may help.
_RETRYABLE_TEXT = re.compile(
    r"rate.?limit|too many requests|\b429\b|timed? ?out|timeout|connection|resolve|network|"
    r"temporar|unreachable|reset by peer|service unavailable|\b50[234]\b",
    re.IGNORECASE,
)
_RETRYABLE_TYPES = ("RateLimit", "Timeout", "Connection", "Network", "HTTPError", "SSLError")


class Pacer:
    """Spaces calls of `wait` at least ``60 / per_minute`` seconds apart."""

    def __init__(
        self, per_minute: float, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ):
        if per_minute <= 0:
            raise ValueError(f"per_minute must be positive, got {per_minute}")
        self.interval = 60.0 / per_minute
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until the next request may start, then mark it started."""
        now = self._clock()
        if self._last is not None and now - self._last < self.interval:
            self._sleep(self.interval - (now - self._last))
            now = self._clock()
        self._last = now


def retryable(err: BaseException) -> bool:
    """Whether ``err`` (or what caused it) looks like a rate limit or a network failure."""
    cause = err.__cause__
    if cause is not None:
        names = [c.__name__ for c in type(cause).__mro__]
        if isinstance(cause, OSError) or any(k in n for n in names for k in _RETRYABLE_TYPES):
            return True
    text = str(cause) if cause is not None else str(err)
    said = text.split("yfinance said:", 1)
    if len(said) == 2:
        text = said[1]
    elif cause is None and isinstance(err, DataError) and "no data for ticker" in text:
        return True  # an empty answer without a reason: yfinance's offline behaviour
    return bool(_RETRYABLE_TEXT.search(text))


@dataclass(frozen=True)
class Attempts:
    """How a retried call ended: its result (or None) after ``count`` attempts, and the error."""

    count: int
    error: str = ""


def with_retries(
    call: Callable[[], T],
    *,
    pacer: Pacer,
    retries: int,
    backoff: float,
    sleep: Sleep = time.sleep,
) -> tuple[T | None, Attempts]:
    """``call()`` paced, retried on retryable `DataError` up to ``retries`` more times."""
    attempt = 0
    while True:
        attempt += 1
        pacer.wait()
        try:
            return call(), Attempts(attempt)
        except DataError as err:
            if attempt > retries or not retryable(err):
                return None, Attempts(attempt, str(err))
            sleep(backoff * 2 ** (attempt - 1))
