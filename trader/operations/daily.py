"""The daily signal job: update prices, pass the quality gate, predict, store, reconcile.

`daily_signals` for a date (default: the latest session whose close has passed):

1. brings every production ticker's prices up to date from its model's source and reports what
   the update added (`trader.operations.update`);
2. when signals for that session are already stored for every production model, returns them as
   stored (idempotent: the same output, nothing written twice);
3. otherwise runs the data-quality gate over the bars the windows use and refuses the whole day
   on any problem (`QualityRefused`: nothing predicted, stored or sent);
4. predicts each model's tickers in one batched call, maps scores to targets with the run's
   strategy and stores the signals (date, ticker, model id, score, call, target, data hash);
5. reconciles earlier signals with what happened and returns live figures per model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trader.config import parse_config
from trader.data import Store
from trader.errors import ConfigError, DataError
from trader.events import Progress, quiet
from trader.operations.calendar import Calendar
from trader.operations.dataops import update_data
from trader.operations.live import LiveModel, load_live, predict_latest, targets_for
from trader.operations.quality import QualityRefused, QualityReport, check_quality
from trader.operations.reconcile import live_stats, reconcile
from trader.operations.registry import ModelInfo, all_models, production
from trader.operations.restatements import unresolved
from trader.operations.settings import ServiceSettings
from trader.operations.signal_store import read_signals, store_signals
from trader.operations.update import UpdateReport

BAR_VALUES = ["open", "high", "low", "close", "volume"]
SHOWN = ["date", "ticker", "model_id", "model", "score", "call", "target", "data_hash"]


@dataclass(frozen=True)
class DailySignals:
    """One day's signals and what came with them."""

    date: dt.date
    signals: pd.DataFrame  # SHOWN columns, sorted by model and ticker
    reused: bool  # already stored: nothing new was predicted
    updates: list[UpdateReport] = field(default_factory=list)
    quality: QualityReport | None = None
    reconciled: dict[str, int] = field(default_factory=dict)
    live: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        rows = self.signals.assign(date=self.signals["date"].dt.date.astype(str))
        return {
            "date": self.date.isoformat(),
            "reused": self.reused,
            "signals": rows.to_dict(orient="records"),
            "updates": [u.as_dict() for u in self.updates],
            "quality": None if self.quality is None else self.quality.as_dict(),
            "reconciled": self.reconciled,
            "live": self.live,
        }


Groups = list[tuple[ModelInfo, list[str]]]


def production_models(store: Store) -> Groups:
    """Each production model with the tickers it is live for (sorted by model id)."""
    owners = production(store)
    if not owners:
        raise ConfigError("no production model: run `trader models promote RUN_ID` first")
    infos = {m.id: m for m in all_models(store)}
    out: dict[str, list[str]] = {}
    for ticker, model_id in sorted(owners.items()):
        out.setdefault(model_id, []).append(ticker)
    return [(infos[model_id], tickers) for model_id, tickers in sorted(out.items())]


def open_calendar(
    settings: ServiceSettings, date: dt.date | None, now: dt.datetime | None
) -> Calendar:
    """The calendar the day needs, from an explicit start a few years back (the gate looks at a
    few weeks; building the whole history's calendar would take most of a second)."""
    day = date or (now or dt.datetime.now(dt.UTC)).date()
    lookback = settings.quality.lookback_sessions or 0
    return Calendar(settings.exchange, day - dt.timedelta(days=max(3 * 366, 2 * lookback)))


def _stored(store: Store, groups: Groups, session: dt.date) -> pd.DataFrame:
    found = read_signals(store, [m.id for m, _ in groups], start=session, end=session)
    keep = [(m.id, t) for m, tickers in groups for t in tickers]
    index = pd.MultiIndex.from_frame(found[["model_id", "ticker"]])
    return found[index.isin(keep)]


def _predict(
    store: Store, info: ModelInfo, tickers: list[str], session: dt.date, bars: pd.DataFrame
) -> pd.DataFrame:
    live: LiveModel = load_live(info)
    mine = bars[bars["ticker"].isin(tickers)]
    out = predict_latest(live, mine, tickers)
    earlier = read_signals(store, [info.id], end=session - dt.timedelta(days=1))
    scores = pd.concat(
        [earlier[["date", "ticker", "score"]], out.assign(date=pd.Timestamp(session))]
    )
    frame = scores.pivot(index="date", columns="ticker", values="score").reindex(columns=tickers)
    targets = targets_for(live, mine, frame, pd.Timestamp(session))
    return out.assign(
        date=pd.Timestamp(session), model_id=info.id, target=targets[tickers].to_numpy()
    )


def daily_signals(
    store: Store,
    settings: ServiceSettings,
    *,
    date: dt.date | None = None,
    update: bool = True,
    download: Callable[..., Any] | None = None,
    now: dt.datetime | None = None,
    progress: Progress = quiet,
) -> DailySignals:
    """Signals of every production model for ``date`` (see the module notes)."""
    groups = production_models(store)
    calendar = open_calendar(settings, date, now)
    session = calendar.session_on_or_before(date) if date else calendar.last_closed_session(now)
    for info, _ in groups:
        if pd.Timestamp(session) < pd.Timestamp(info.last_date):
            raise ConfigError(
                f"model {info.id} was fit on bars up to {info.last_date}: signals for {session} "
                "would be in-sample; choose a later --date"
            )
    updates = []
    if update and settings.update.enabled:
        updates = update_data(store, settings, download=download)
    for report in updates:
        progress("update", {"lines": report.lines()})
    stored = _stored(store, groups, session)
    wanted = sum(len(t) for _, t in groups)
    quality = None
    if len(stored) < wanted:
        quality, bars = _gate(store, groups, session, calendar, settings)
        progress("quality", {"lines": quality.lines()})
        if not quality.passed:
            raise QualityRefused(quality)
        have = set(zip(stored["model_id"], stored["ticker"], strict=True))
        for info, tickers in groups:
            todo = [t for t in tickers if (info.id, t) not in have]
            if todo:
                store_signals(store, _predict(store, info, todo, session, bars[info.id]))
        stored = _stored(store, groups, session)
    names = {m.id: m.name for m, _ in groups}
    shown = stored.assign(model=stored["model_id"].map(names))[SHOWN]
    done = reconcile(store, [m for m, _ in groups])
    live = [live_stats(store, info, paper=False) for info, _ in groups]
    return DailySignals(
        session, shown.reset_index(drop=True), quality is None, updates, quality, done, live
    )


def _gate(
    store: Store,
    groups: Groups,
    session: dt.date,
    calendar: Calendar,
    settings: ServiceSettings,
) -> tuple[QualityReport, dict[str, pd.DataFrame]]:
    """The gate over every production ticker; the bars read for it, per model."""
    q = settings.quality
    lengths = {m.id: parse_config(m.config).window.length for m, _ in groups}
    lookback = q.lookback_sessions or max(lengths.values()) + 1
    first = calendar.sessions_back(session, max(lookback, max(lengths.values()) + 1))[0].date()
    bars: dict[str, pd.DataFrame] = {}
    frames = []
    for info, tickers in groups:
        bars[info.id] = _read(store, tickers, info.source, first, session)
        frames.append(bars[info.id])
    everything = pd.concat(frames, ignore_index=True)
    tickers = sorted({t for _, names in groups for t in names})
    restated = unresolved(store, tickers=tickers, tolerance=q.restatement_tolerance)
    report = check_quality(
        everything, tickers, session, calendar=calendar, settings=q, lookback=lookback,
        restated=restated, min_bars={t: lengths[m.id] + 1 for m, ts in groups for t in ts},
    )  # fmt: skip
    return report, bars


def _read(
    store: Store, tickers: list[str], source: str | None, first: dt.date, last: dt.date
) -> pd.DataFrame:
    try:
        return store.read_bars(tickers, source=source, start=first, end=last)
    except DataError:  # some ticker has nothing in the span: read who has, the gate names it
        frames = []
        for ticker in tickers:
            try:
                frames.append(store.read_bars([ticker], source=source, start=first, end=last))
            except DataError:
                continue
        if frames:
            return pd.concat(frames, ignore_index=True)
        return pd.DataFrame(columns=["ticker", "date", *BAR_VALUES]).astype(
            {"date": "datetime64[ns]"}
        )
