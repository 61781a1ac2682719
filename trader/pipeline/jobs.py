"""Whole jobs built on the steps: the leakage `audit`, `demo` on the bundled sample, `replay`
of a recorded run, and `ingest_sample`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trader import paths
from trader.config import (
    ConfigSource,
    load_config,
    parse_config,
)
from trader.data import (
    IngestReport,
    get_run,
    ingest,
    read_sample,
    run_predictions,
    run_trades,
)
from trader.evaluate import (
    AuditResult,
    ReplayResult,
    causes,
    frame_differences,
    metric_differences,
    run_audit,
)
from trader.events import Progress, quiet
from trader.pipeline.steps import StoreSource, backtest, load_bars, open_store, run, train
from trader.report import save_report_json

if TYPE_CHECKING:  # Keras loads only when training starts
    from trader import models


def audit(
    config: ConfigSource = None,
    store: StoreSource = None,
    *,
    progress: Progress = quiet,
    reuse: models.FreshModels | None = None,
) -> AuditResult:
    """The leakage audit of ``config`` on the stored prices (`trader.evaluate.audit`);
    ``reuse``: compiled models of an earlier training of ``config`` (no new tracing)."""
    config = load_config(config)
    return run_audit(config, load_bars(store, config), progress=progress, reuse=reuse)


def ingest_sample(tickers: Sequence[str] | None = None, store: StoreSource = None) -> IngestReport:
    """Store the bundled real sample prices (all 21 tickers by default); idempotent."""
    frame = read_sample([t.upper() for t in tickers] if tickers else None)
    return ingest(open_store(store), frame, source="sample", origin="sample")


def demo(
    config: ConfigSource = None, store: StoreSource = None, *, progress: Progress = quiet
) -> dict[str, Any]:
    """Ingest the sample, run the whole job with the engine parity check, then the audit (on
    the models the job compiled: traced once)."""
    from trader import models

    config, db = load_config(config), open_store(store)
    ingested = ingest_sample(config.data.tickers, db)
    progress("ingest", {"rows": ingested.rows, "tickers": ingested.tickers, "source": "sample"})
    if config.data.source is None:
        data = config.data.model_copy(update={"source": "sample"})
        config = config.model_copy(update={"data": data})
    reuse = models.FreshModels()
    report = run(config, db, parity=True, progress=progress, reuse=reuse)
    result = audit(config, db, progress=progress, reuse=reuse)
    report["audit"] = result.as_dict()
    save_report_json(report, paths.reports_dir() / report["run_id"])
    return report


def replay(run_id: str, store: StoreSource = None, *, progress: Progress = quiet) -> ReplayResult:
    """Run a recorded run again; compare predictions (and trades, metrics) with the record.

    A train record is replayed by training again from its stored config; a backtest record by
    training its parent's config again and backtesting with the recorded strategies. The
    replay is itself recorded (new run ids).
    """
    db = open_store(store)
    record = get_run(db, run_id)
    trained = get_run(db, record.parent_id) if record.parent_id else record
    config = parse_config(trained.config, origin=f"run {trained.id}")
    again = train(config, db, progress=progress)
    result = ReplayResult(original=run_id, replay=again.run_id)
    result.compared.append("predictions")
    result.differences += frame_differences(
        "predictions", run_predictions(db, trained.id), run_predictions(db, again.run_id)
    )
    result.causes += causes(trained, get_run(db, again.run_id))
    if record.kind == "backtest":
        strategies = parse_config(record.config).strategies
        engine = record.versions.get("engine", "backtrader")  # older records: backtrader
        report = backtest(again.run_id, db, strategies=strategies, engine=engine, progress=progress)
        result.replay = report["record_id"]
        result.compared += ["trades", "metrics"]
        result.differences += frame_differences(
            "trades", run_trades(db, record.id), run_trades(db, report["record_id"])
        )
        result.differences += metric_differences(record.metrics, report["strategies"])
        new = causes(record, get_run(db, report["record_id"]))
        result.causes += [c for c in new if c not in result.causes]
    return result
