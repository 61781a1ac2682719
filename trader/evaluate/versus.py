"""Paired comparisons of two contenders over the same days: the report's "vs" lines.

* **Calls**: McNemar's exact test on the calls both made on the same (ticker, day) rows
  (`trader.evaluate.stats.mcnemar`); null: both predictors are right equally often.
* **Money**: the paired block bootstrap (`trader.evaluate.paired`) of the difference in
  compounded return after costs and of the difference in annualized Sharpe ratio; null: no
  difference.

Each part says "beats (p=...)", "worse (p=...)" or "no significant difference (p=...)", the
direction taken from the side of zero the interval lies on (McNemar: from which predictor was
right more often where they disagreed). With seed repeats, a difference smaller than the
model's standard deviation across seeds adds "within seed noise". The p-values are per
comparison (not adjusted across the lines).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trader.evaluate.metrics import sharpe
from trader.evaluate.paired import Difference, compounded, return_difference, sharpe_difference
from trader.evaluate.predictions import hits
from trader.evaluate.stats import mcnemar
from trader.evaluate.verdicts import ALPHA
from trader.evaluate.wording import ordered, p_text, plain

NO_DIFFERENCE = "no significant difference"


@dataclass(frozen=True)
class Side:
    """One contender as compared: daily returns after costs, its predictions, seed spreads."""

    name: str
    returns: pd.Series
    predictions: pd.DataFrame | None = None
    noise: dict[str, float] | None = None  # metric -> sd across seeds


def _word(low: float, high: float, estimate: float, p: float) -> str:
    if not math.isfinite(estimate):
        return "not comparable"
    if not (math.isfinite(p) and p < ALPHA):
        return NO_DIFFERENCE
    if low > 0 and estimate > 0:
        return "beats"
    if high < 0 and estimate < 0:
        return "worse"
    return "inconclusive"  # significant, but the interval and the estimate disagree in sign


def _noise(diff: float, mine: Side, theirs: Side, metric: str, style: str) -> str:
    sds = [s.noise.get(metric, math.nan) for s in (mine, theirs) if s.noise]
    sds = [sd for sd in sds if math.isfinite(sd)]
    if not sds or not math.isfinite(diff) or abs(diff) >= max(sds):
        return ""
    return f", within seed noise: seed sd {plain(max(sds), style, 1 if style == 'pct' else 2)}"


def _aligned_hits(a: pd.DataFrame, b: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    keys = ["ticker", "date"]
    left = a.dropna(subset=["forward_return"])[[*keys, "score", "forward_return"]]
    right = b.dropna(subset=["forward_return"])[[*keys, "score"]]
    both = left.merge(right, on=keys, suffixes=("", "_other")).sort_values(["date", "ticker"])
    mine = hits(both)
    theirs = hits(both.assign(score=both["score_other"]))
    return mine, theirs


def calls_part(mine: Side, theirs: Side) -> dict[str, Any] | None:
    """McNemar on the calls both made; None when one of them makes no calls."""
    if mine.predictions is None or theirs.predictions is None:
        return None
    a, b = _aligned_hits(mine.predictions, theirs.predictions)
    if len(a) == 0:
        return None
    test = mcnemar(a, b)
    rate_a, rate_b = float(a.mean()), float(b.mean())
    word = NO_DIFFERENCE
    if test.p_value < ALPHA:
        word = "beats" if test.first_only > test.second_only else "worse"
    shown_a, shown_b = ordered(rate_a, rate_b, "pct")
    text = (
        f"hit rate {shown_a} vs {shown_b}: {word} (McNemar p={p_text(test.p_value, ALPHA)}"
        f"{_noise(rate_a - rate_b, mine, theirs, 'hit_rate', 'pct')})"
    )
    return {
        "hit_rate": rate_a, "other_hit_rate": rate_b, "calls": test.calls,
        "first_only": test.first_only, "second_only": test.second_only,
        "p_value": test.p_value, "result": word, "text": text,
    }  # fmt: skip


def _money(
    label: str, diff: Difference, a: float, b: float, style: str, noise: str
) -> dict[str, Any]:
    word = _word(diff.low, diff.high, diff.estimate, diff.p_value)
    shown_a, shown_b = ordered(a, b, style, 1 if style == "signed_pct" else 2)
    text = f"{label} {shown_a} vs {shown_b}: {word} (p={p_text(diff.p_value, ALPHA)}{noise})"
    return {**diff.as_dict(), "mine": a, "theirs": b, "result": word, "text": text}


def paired_comparison(
    mine: Side, theirs: Side, *, block: int | None = None, periods_per_year: float = 252
) -> dict[str, Any]:
    """The paired comparison of ``mine`` with ``theirs``, as numbers and one sentence."""
    both = pd.concat([mine.returns, theirs.returns], axis=1, join="inner").dropna()
    a, b = both.iloc[:, 0], both.iloc[:, 1]
    out: dict[str, Any] = {"other": theirs.name}
    parts = []
    if (calls := calls_part(mine, theirs)) is not None:
        out["calls"] = calls
        parts.append(calls["text"])
    ret_a, ret_b = compounded(a.to_numpy(float)), compounded(b.to_numpy(float))
    out["return"] = _money(
        "return after costs",
        return_difference(a, b, block=block),
        ret_a, ret_b, "signed_pct",
        _noise(ret_a - ret_b, mine, theirs, "total_return", "pct"),
    )  # fmt: skip
    sharpe_a, sharpe_b = sharpe(a, 0.0, periods_per_year), sharpe(b, 0.0, periods_per_year)
    out["sharpe"] = _money(
        "Sharpe",
        sharpe_difference(a, b, periods_per_year=periods_per_year, block=block),
        sharpe_a, sharpe_b, "ratio",
        _noise(sharpe_a - sharpe_b, mine, theirs, "sharpe", "ratio"),
    )  # fmt: skip
    parts += [out["return"]["text"], out["sharpe"]["text"]]
    out["text"] = f"{mine.name} vs {theirs.name}: " + "; ".join(parts)
    return out
