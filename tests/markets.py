"""Synthetic markets with a known truth, for checking the verdicts (tests and bench/).

* ``random_walk(seed, drift=...)``: i.i.d. daily returns; nothing can be predicted.
* ``ar1(seed, phi)``: returns with a planted linear edge, ``r_t = phi * r_{t-1} + e_t``; the
  best possible hit rate is ``1/2 + arcsin(phi) / pi`` (58 % for phi = 0.25).

Each day opens at the previous close (no overnight gap), so a position decided at a close and
filled at the next open earns exactly the next day's return. Volume is independent noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VOLATILITY = 0.01


def bars_from_returns(returns: np.ndarray, ticker: str, rng: np.random.Generator) -> pd.DataFrame:
    """Valid daily bars whose close-to-close returns are ``returns``."""
    close = 100.0 * np.cumprod(1.0 + returns)
    open_ = np.concatenate([[100.0], close[:-1]])
    wiggle = np.abs(rng.normal(0, VOLATILITY / 4, (2, len(close))))
    return pd.DataFrame(
        {
            "ticker": ticker,
            "date": pd.bdate_range("2010-01-04", periods=len(close)),
            "open": open_,
            "high": np.maximum(open_, close) * (1 + wiggle[0]),
            "low": np.minimum(open_, close) * (1 - wiggle[1]),
            "close": close,
            "volume": rng.lognormal(13, 0.3, len(close)),
        }
    )


def random_walk(
    seed: int, *, days: int = 750, drift: float = 0.0, tickers: tuple[str, ...] = ("SYN",)
) -> pd.DataFrame:
    """Independent normal daily returns with mean ``drift`` and sd 1 %, per ticker."""
    rng = np.random.default_rng(seed)
    frames = [bars_from_returns(rng.normal(drift, VOLATILITY, days), t, rng) for t in tickers]
    return pd.concat(frames, ignore_index=True)


def ar1(
    seed: int, *, phi: float = 0.25, days: int = 750, tickers: tuple[str, ...] = ("SYN",)
) -> pd.DataFrame:
    """Daily returns ``r_t = phi * r_{t-1} + e_t`` (sd of e 1 %), per ticker."""
    rng = np.random.default_rng(seed)
    frames = []
    for ticker in tickers:
        e = rng.normal(0, VOLATILITY, days)
        r = np.empty(days)
        r[0] = e[0]
        for t in range(1, days):
            r[t] = phi * r[t - 1] + e[t]
        frames.append(bars_from_returns(r, ticker, rng))
    return pd.concat(frames, ignore_index=True)
