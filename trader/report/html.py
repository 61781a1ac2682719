"""``report.html``: the whole report as one self-contained page.

The verdicts, the paired comparisons, the tables (`trader.report.rows`, the same cells as the
terminal) and the PNG charts written beside ``report.json``, embedded as base64 data URIs, in a
jinja2 template (``templates/report.html.j2``) with autoescaping: every name from a config or a
strategy file is escaped. The page loads nothing from the network (no scripts, fonts or links).
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from trader.report.rows import TableData, parity_line, report_tables, trials_line

HTML_FILE = "report.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CHARTS = (
    ("equity.png", "Portfolio value of every contender as growth of 1 (buy-and-hold black, "
     "dashed; models thicker)"),
    ("drawdown.png", "Drawdown from the running peak, same lines as above"),
    ("training.png", "Training and validation curves per model and fold"),
)  # fmt: skip
FOLD_COLUMNS = ("fold", "fit_start", "fit_end", "val_start", "val_end", "test_start", "test_end")


def _png(path: Path, caption: str) -> dict[str, Any] | None:
    if not path.exists():
        return None
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    return {
        "data": base64.b64encode(data).decode("ascii"),
        "alt": caption.split(" (")[0],
        "caption": caption,
        "width": width,
        "height": height,
    }


def _table(data: TableData) -> dict[str, Any]:
    rows = [{"cells": c, "bold": b} for c, b in zip(data.rows, data.bold, strict=True)]
    return {"title": data.title, "columns": data.columns, "rows": rows, "left": data.left}


def _part(part: dict[str, Any] | None, flag: str) -> dict[str, str] | None:
    if not part:
        return None
    decided = part.get(flag)
    return {"text": str(part["text"]), "css": "" if decided is None else "yes" if decided else "no"}


def _models(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, entry in report["strategies"].items():
        if entry["kind"] != "model":
            continue
        parts = [_part(entry.get("predictive"), "edge"), _part(entry.get("tradable"), "tradable")]
        out.append(
            {
                "name": name,
                "parts": [p for p in parts if p is not None],
                "versus": [v["text"] for v in entry.get("versus", [])],
            }
        )
    return out


def _environment() -> Environment:
    """Templates with autoescaping everywhere (every name on a page is escaped)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )


def html_report(report: dict[str, Any], directory: Path) -> str:
    """The page for ``report``, with the charts found in ``directory`` embedded."""
    charts = [c for file, caption in CHARTS if (c := _png(directory / file, caption))]
    tables = report_tables(report)
    notes = [line for line in [trials_line(report)] if line]
    if report.get("audit"):
        notes.append(f"leakage audit: {report['audit']['verdict']}")
    if report.get("parity"):
        notes.append(parity_line(report["parity"]))
    env = _environment()
    folds = [
        {c: str(f.get("index" if c == "fold" else c, ""))[:10] for c in FOLD_COLUMNS}
        for f in report.get("folds", [])
    ]
    return env.get_template("report.html.j2").render(
        run_id=report["run_id"],
        record_id=report["record_id"],
        trained=report["trained"],
        tickers=report["tickers"],
        periods=report["periods"],
        protocol=report["protocol"],
        costs=report["costs"],
        models=_models(report),
        notes=notes,
        charts=charts,
        tables=[_table(t) for t in tables],
        folds=folds,
        fold_columns=FOLD_COLUMNS,
    )


def write_html(report: dict[str, Any], directory: Path) -> Path:
    """Write ``report.html`` into ``directory`` (beside ``report.json`` and the charts)."""
    path = directory / HTML_FILE
    path.write_text(html_report(report, directory), encoding="utf-8")
    return path


def write_experiment_html(
    page: dict[str, Any], charts: list[tuple[Path, str]], directory: Path
) -> Path:
    """``report.html`` of an experiment (`trader.lab`): its statements, ranking table and
    ``charts`` (PNG files with captions) embedded. ``page`` holds ``name``, ``description``,
    ``method``, ``keys``, ``configurations``, ``repeats``, ``objective``, ``statements``,
    ``columns`` and ``rows`` (cells as text), and ``left`` (leading text columns)."""
    images = [c for path, caption in charts if (c := _png(path, caption))]
    html = _environment().get_template("experiment.html.j2").render(**page, charts=images)
    path = directory / HTML_FILE
    path.write_text(html, encoding="utf-8")
    return path
