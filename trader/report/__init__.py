"""Stage 7, report: what a run found, as ``report.json``, terminal tables and charts.

- `build`: the report as plain data; written with its charts and predictions, read back
- `tables`: rich tables and verdict lines for the terminal
- `charts`: equity, drawdown and training-curve PNGs; `lab_charts`: the experiment lab's
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
from trader.report.jsonable import json_safe
from trader.report.lab_charts import activation_chart, heatmap_chart, tradeoff_chart
from trader.report.tables import num, pct, render

__all__ = [
    "REPORT_FILE",
    "activation_chart",
    "build_report",
    "heatmap_chart",
    "json_safe",
    "load_report",
    "num",
    "pct",
    "read_report",
    "render",
    "report_runs",
    "save_report_json",
    "tradeoff_chart",
    "write_report",
]
