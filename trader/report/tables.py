"""The report on the terminal: the tables and verdicts of `trader.report.rows`, drawn by rich.

Names in a report (tickers, strategies, models, run ids) come from users: every table is a
`LiteralTable`, whose title and text cells are shown as written, never read as rich markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

from trader.report.rows import (
    TableData,
    parity_line,
    report_tables,
    trials_line,
    verdict_lines,
)


class LiteralTable(Table):
    """A rich `Table` that shows its title and string cells literally (``[b]`` stays ``[b]``)."""

    def __init__(self, title: str | None = None, **kwargs: Any) -> None:
        super().__init__(title=None if title is None else Text(title), **kwargs)

    def add_row(
        self,
        *renderables: RenderableType | None,
        style: StyleType | None = None,
        end_section: bool = False,
    ) -> None:
        cells = [Text(c) if isinstance(c, str) else c for c in renderables]
        super().add_row(*cells, style=style, end_section=end_section)


def rich_table(data: TableData) -> Table:
    """``data`` as a rich table: names and numbers are never cut short; headers may wrap."""
    table = LiteralTable(data.title, title_justify="left")
    for i, col in enumerate(data.columns):
        table.add_column(col, justify="left" if i < data.left else "right", no_wrap=True)
    for cells, bold in zip(data.rows, data.bold, strict=True):
        table.add_row(*cells, style="bold" if bold else None)
    return table


def text_lines(report: dict[str, Any]) -> list[str]:
    """The verdicts, the trials counted and the audit, as plain lines."""
    lines = []
    for head, versus in verdict_lines(report):
        lines.append(head)
        lines.extend(f"  {line}" for line in versus)
    if (trials := trials_line(report)) is not None:
        lines.append(trials)
    audit = report.get("audit")
    if audit:
        lines.append(f"leakage audit: {audit['verdict']}")
    parity = report.get("parity")
    if parity:
        lines.append(parity_line(parity))
    return lines


def render(report: dict[str, Any]) -> Group:
    """Everything on the terminal: the tables, then the verdicts."""
    parts: list[RenderableType] = [rich_table(t) for t in report_tables(report)]
    parts.extend(Text(line) for line in text_lines(report))
    return Group(*parts)
