"""Stage 7, report: what a run found, as ``report.json``, ``report.html``, tables and charts.

- `build`: the report as plain data; written with its charts, predictions and HTML, read back
- `rows`: the tables and verdict lines as formatted cells, shared by the terminal and the HTML
- `tables`: those tables drawn by rich for the terminal (names shown literally)
- `html`: ``report.html``, self-contained (charts as base64 PNGs, a jinja2 template)
- `lab_charts`: the experiment lab's charts (trade-offs, heat maps, activations)
- `charts`: equity, drawdown and training-curve PNGs, a distinct line per contender (names
  drawn literally)
- `jsonable`: plain JSON (NaN as null) of numpy and pandas values
"""

from __future__ import annotations

from trader.report.build import (
    REPORT_FILE,
    build_report,
    load_report,
    read_report,
    report_runs,
    save_report_json,
    write_report,
)
from trader.report.charts import equity_chart, line_styles, literal
from trader.report.html import HTML_FILE, html_report, write_experiment_html, write_html
from trader.report.jsonable import json_safe
from trader.report.lab_charts import activation_chart, heatmap_chart, tradeoff_chart
from trader.report.rows import num, pct
from trader.report.tables import LiteralTable, render, text_lines

__all__ = [
    "HTML_FILE",
    "REPORT_FILE",
    "LiteralTable",
    "activation_chart",
    "build_report",
    "equity_chart",
    "heatmap_chart",
    "html_report",
    "json_safe",
    "line_styles",
    "literal",
    "load_report",
    "num",
    "pct",
    "read_report",
    "render",
    "report_runs",
    "save_report_json",
    "text_lines",
    "tradeoff_chart",
    "write_experiment_html",
    "write_html",
    "write_report",
]
