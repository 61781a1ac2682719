"""`trader audit`: prove the pipeline does not look ahead, and that the proof can fail.

1. Future perturbation: the whole out-of-sample pipeline (windows, per-fold scaling, training,
   prediction, signals of every strategy) runs twice, on the real prices and on prices where
   everything after a cut date (the middle of the last test fold) is replaced by another path.
   Every prediction and every target dated at or before the cut must be identical.
2. Canary: the same check with a deliberately leaking feature (tomorrow's return) added must
   fail; otherwise the check could not see a leak.
3. Fill timing: every fill of every strategy's backtest happens at the open of the bar after
   the close where its target was decided, at that open's price.

To stay quick the audit trains only the first configured model, for ``AUDIT_EPOCHS`` epoch
(a leak does not depend on how long a model trains), and the canary check trains only the
last fold, where the cut lies. Everything else (windows, folds, scaling, signals of every
strategy, the backtest engine) is the real pipeline with the run's config.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from trader.backtesting import run_backtest
from trader.config import RunConfig, model_seeds
from trader.evaluate.audit_checks import Check, changed_until, fill_timing_violations, perturb_after
from trader.events import Progress, quiet
from trader.research import out_of_sample, protocol_folds, raw_windows
from trader.signals import contenders

if TYPE_CHECKING:  # Keras loads only when the audit trains
    from trader import models

AUDIT_EPOCHS = 1


@dataclass(frozen=True)
class AuditResult:
    cut: pd.Timestamp
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def verdict(self) -> str:
        failed = [c.name for c in self.checks if not c.passed]
        if not failed:
            return f"PASS: all {len(self.checks)} checks passed (cut {self.cut.date()})"
        return f"FAIL: {', '.join(failed)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "verdict": self.verdict,
            "cut": str(self.cut.date()),
            "checks": [
                {"name": c.name, "passed": c.passed, "detail": c.detail} for c in self.checks
            ],
        }


def audit_config(config: RunConfig) -> RunConfig:
    """``config`` with only its first model, once (no seed repeats), for `AUDIT_EPOCHS` epochs."""
    first = config.models[0]
    seed = model_seeds(config, first)[0]
    once = {"epochs": min(first.epochs, AUDIT_EPOCHS), "seed": seed, "repeats": None, "seeds": None}
    capped = first.model_copy(update=once)
    return config.model_copy(update={"models": [capped], "repeats": None, "seeds": None})


def cut_date(bars: pd.DataFrame, config: RunConfig) -> pd.Timestamp:
    """The middle day of the last test fold."""
    last = protocol_folds(raw_windows(bars, config), config)[-1]
    days = pd.DatetimeIndex(sorted(pd.to_datetime(bars["date"]).unique()))
    inside = days[(days >= last.test_start) & (days <= last.test_end)]
    return pd.Timestamp(inside[len(inside) // 2])


def _signals(bars: pd.DataFrame, predictions: pd.DataFrame, config: RunConfig) -> pd.DataFrame:
    """Every contender's targets as one long table (strategy, ticker, date, target)."""
    frames = []
    for c in contenders(bars, predictions, config, config.strategies):
        long = c.targets.rename_axis("date").reset_index().melt("date", var_name="ticker")
        frames.append(long.assign(strategy=c.name).rename(columns={"value": "target"}))
    return pd.concat(frames, ignore_index=True)


def _perturbation(
    name: str,
    bars: pd.DataFrame,
    config: RunConfig,
    cut: pd.Timestamp,
    progress: Progress,
    reuse: models.FreshModels,
    last_folds: int | None = None,
    canary: bool = False,
) -> tuple[list[str], pd.DataFrame]:
    """Differences up to ``cut`` between the real and the perturbed run (the compiled models
    of ``reuse`` for both: they differ in prices, not in shapes)."""
    progress("stage", {"name": f"audit: {name}"})
    moved_bars = perturb_after(bars, cut)
    real, moved = (
        out_of_sample(
            b, config, last_folds=last_folds, canary=canary, reuse=reuse, progress=progress
        ).predictions
        for b in (bars, moved_bars)
    )
    keys = ["model", "ticker", "date"]
    found = [f"prediction {d}" for d in changed_until(real, moved, cut, keys, "score")]
    signals = _signals(bars, real, config), _signals(moved_bars, moved, config)
    keys = ["strategy", "ticker", "date"]
    found += [f"target {d}" for d in changed_until(*signals, cut, keys, "target")]
    return found, real


def _summary(found: list[str]) -> str:
    if not found:
        return "no prediction or target up to the cut changed"
    return f"{len(found)} values up to the cut changed, first: {found[0]}"


def run_audit(
    config: RunConfig,
    bars: pd.DataFrame,
    *,
    progress: Progress = quiet,
    reuse: models.FreshModels | None = None,
) -> AuditResult:
    """Run the three checks on ``bars`` with (a quick copy of) ``config``. ``reuse`` holds
    compiled models to train again (e.g. those of the run being audited: no new tracing)."""
    from trader import models

    config = audit_config(config)
    cut = cut_date(bars, config)
    reuse = reuse or models.FreshModels()
    found, predictions = _perturbation("future perturbation", bars, config, cut, progress, reuse)
    checks = [Check("future perturbation", not found, _summary(found))]

    leaked, _ = _perturbation(
        "canary", bars, config, cut, progress, reuse, last_folds=1, canary=True
    )
    checks.append(
        Check(
            "canary caught",
            bool(leaked),
            f"a feature peeking one day ahead changed {len(leaked)} values up to the cut"
            if leaked
            else "a feature peeking one day ahead went unnoticed: the check is blind",
        )
    )

    progress("stage", {"name": "audit: fill timing"})
    start, end = predictions["date"].min().date(), predictions["date"].max().date()
    problems: list[str] = []
    fills = 0
    for c in contenders(bars, predictions, config, config.strategies):
        result = run_backtest(bars, c.targets, config.backtest, start=start, end=end)
        fills += len(result.fills)
        window_targets = c.targets[(c.targets.index >= pd.Timestamp(start))]
        problems += [f"{c.name}: {p}" for p in fill_timing_violations(
            bars, window_targets, result, config.backtest
        )]  # fmt: skip
    detail = (
        f"all {fills} fills at the next bar's open" if not problems else
        f"{len(problems)} of {fills} fills break the rule, first: {problems[0]}"
    )  # fmt: skip
    checks.append(Check("fill timing", not problems and fills > 0, detail))
    return AuditResult(cut, checks)
