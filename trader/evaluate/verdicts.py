"""The two-part verdict on a model: does it predict, and is it worth trading after costs?

**Predictive** (the calls): is the hit rate above the better of "always up" and "always down"
over the same days? A one-sided binomial test on the effective number of calls
(`trader.evaluate.stats.calls_test`), its p-value adjusted with Holm's method for the number of
models judged in the run. "predictive edge" when the adjusted p is below alpha (0.05), else "no
predictive edge".

**Tradable** (the money, after costs): is the model better than the benchmark (buy-and-hold of
the same tickers over the same days)? Three numbers on the daily excess returns (model minus
benchmark): the excess compounded return with its paired block-bootstrap interval and p-value
(`trader.evaluate.paired`), and the PSR and DSR of the excess returns (effective sample size;
the DSR counts every trial recorded on the dataset, `trader.evaluate.trials`). "tradable after
costs" only when the excess return's p is below alpha with the interval above zero **and** the
DSR is above 0.95; else "not tradable after costs".

Each verdict is a frozen record of the numbers it decides on; its sentence is written from
those numbers with `trader.evaluate.wording`, so the printed numbers always satisfy the printed
decision (the tests parse them back).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from trader.evaluate.paired import Difference
from trader.evaluate.wording import beside, count, ordered, p_text, plain

ALPHA = 0.05
DSR_THRESHOLD = 0.95


@dataclass(frozen=True)
class Predictive:
    """The calls against the base rate, with the Holm-adjusted p-value that decides."""

    hit_rate: float
    base_rate: float
    calls: int
    effective_calls: int
    p_value: float
    p_adjusted: float
    models: int  # the size of the Holm family
    alpha: float = ALPHA

    @property
    def edge(self) -> bool | None:
        """True/False; None when there were no calls to judge."""
        if self.calls == 0:
            return None
        return math.isfinite(self.p_adjusted) and self.p_adjusted < self.alpha

    @property
    def text(self) -> str:
        if self.edge is None:
            return "predictive edge: not enough calls to judge"
        head = "predictive edge" if self.edge else "no predictive edge"
        hit, base = ordered(self.hit_rate, self.base_rate, "pct")
        numbers = f"hit rate {hit} vs base {base} over {count(self.calls, 'call')}, "
        if self.models > 1:
            numbers += (
                f"Holm-adjusted p={p_text(self.p_adjusted, self.alpha)} over {self.models} "
                f"models (raw p={plain(self.p_value, 'p')})"
            )
        else:
            numbers += f"p={p_text(self.p_adjusted, self.alpha)}"
        return f"{head} ({numbers})"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "edge": self.edge, "text": self.text}


@dataclass(frozen=True)
class Tradable:
    """The model's excess over the benchmark after costs, and the tests that decide."""

    benchmark: str
    excess: Difference  # compounded return of the model minus the benchmark's
    excess_sharpe: float  # annualized Sharpe ratio of the daily excess returns
    psr: float
    dsr: float
    effective_days: float
    trials: int
    trial_runs: int
    alpha: float = ALPHA
    dsr_threshold: float = DSR_THRESHOLD

    @property
    def tradable(self) -> bool | None:
        """True/False; None when there were not two days to compare."""
        if self.excess.days < 2:
            return None
        significant = math.isfinite(self.excess.p_value) and self.excess.p_value < self.alpha
        above = math.isfinite(self.excess.low) and self.excess.low > 0
        deflated = math.isfinite(self.dsr) and self.dsr > self.dsr_threshold
        return significant and above and deflated

    @property
    def text(self) -> str:
        if self.tradable is None:
            return "tradable after costs: not enough days to judge"
        head = "tradable after costs" if self.tradable else "not tradable after costs"
        e = self.excess
        level = f"{e.level:.0%}"
        interval = f"{beside(e.low, 0.0, 'signed_pct', 1)}..{beside(e.high, 0.0, 'signed_pct', 1)}"
        money = (
            f"excess return over {self.benchmark} {beside(e.estimate, 0.0, 'signed_pct', 1)}, "
            f"{level} CI {interval}, p={p_text(e.p_value, self.alpha)}"
        )
        runs = count(self.trial_runs, "run")
        sharpe = (
            f"PSR {plain(self.psr, 'ratio')}, DSR "
            f"{beside(self.dsr, self.dsr_threshold, 'ratio')} of the excess returns over "
            f"{count(self.trials, 'trial')} from {runs}"
        )
        return f"{head} ({money}; {sharpe})"

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "excess"}
        excess = {f"excess_{k}" if not k.startswith("excess") else k: v
                  for k, v in self.excess.as_dict().items()}  # fmt: skip
        return {**out, **excess, "tradable": self.tradable, "text": self.text}


def verdict_line(predictive: Predictive | None, tradable: Tradable) -> str:
    """The one-line verdict: the predictive part (models with calls), then the tradable part."""
    parts = [] if predictive is None else [predictive.text]
    return "; ".join([*parts, tradable.text])
