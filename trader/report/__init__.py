"""Stage 7, report: what a run found, as ``report.json``, terminal tables and charts.

- `build`: the report as plain data; written with its charts and predictions, read back
- `tables`: rich tables and verdict lines for the terminal (names shown literally)
- `charts`: equity, drawdown and training-curve PNGs (names drawn literally)
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
from trader.report.charts import literal
from trader.report.jsonable import json_safe
from trader.report.tables import LiteralTable, num, pct, render

__all__ = [
    "REPORT_FILE",
    "LiteralTable",
    "build_report",
    "json_safe",
    "literal",
    "load_report",
    "num",
    "pct",
    "read_report",
    "render",
    "report_runs",
    "save_report_json",
    "write_report",
]
