"""The report on the terminal: rich tables and the plain verdicts."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

TOTAL = "TOTAL"


def pct(value: Any) -> str:
    """A fraction as a percentage with one decimal, "-" for None."""
    return "-" if value is None else f"{value * 100:.1f}%"


def num(value: Any, digits: int = 2) -> str:
    """A number with ``digits`` decimals, "-" for None."""
    return "-" if value is None else f"{value:.{digits}f}"


def _money(value: Any) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _range(low: Any, high: Any, fmt: Any = num) -> str:
    return "-" if low is None or high is None else f"{fmt(low)}..{fmt(high)}"


def _table(title: str, columns: list[str], left: int = 2) -> Table:
    table = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        # names and numbers are never cut short; headers may wrap
        table.add_column(col, justify="left" if i < left else "right", no_wrap=True)
    return table


def money_table(report: dict[str, Any]) -> Table:
    """One row per strategy: the portfolio over all tickers (cash shared, equal weight)."""
    p, c = report["periods"], report["costs"]
    table = _table(
        f"Backtest {p['test_start']} .. {p['test_end']}, out of sample ({report['protocol']}); "
        f"fills at next open ({report.get('engine', 'backtrader')} engine), commission "
        f"{c['commission'] * 100:.2f}%, slippage "
        f"{c['slippage'] * 100:.2f}%; portfolio of {', '.join(report['tickers'])}",
        ["strategy", "kind", "return", "profit", "CAGR", "Sharpe", "Sharpe 95% CI", "max DD",
         "trades", "win rate", "exposure", "turnover"],
    )  # fmt: skip
    for name, entry in report["strategies"].items():
        v, u = entry["total"], entry.get("uncertainty", {})
        table.add_row(
            name,
            entry["kind"],
            pct(v.get("total_return")),
            _money(v.get("profit")),
            pct(v.get("cagr")),
            num(v.get("sharpe")),
            _range(u.get("sharpe_ci_low"), u.get("sharpe_ci_high")),
            pct(v.get("max_drawdown")),
            str(v.get("trades", "-")),
            pct(v.get("win_rate")),
            pct(v.get("exposure")),
            num(v.get("turnover"), 1),
            style="bold" if entry["kind"] == "model" else None,
        )
    return table


def ticker_table(report: dict[str, Any]) -> Table:
    """Models and buy-and-hold per ticker (each ticker alone with the full starting cash)."""
    table = _table(
        "Per ticker (each alone with the full starting cash)",
        ["strategy", "ticker", "return", "profit", "CAGR", "Sharpe", "max DD", "trades",
         "win rate", "exposure", "hit rate", "F1", "AUC"],
    )  # fmt: skip
    for name, entry in report["strategies"].items():
        if entry["kind"] not in ("model", "benchmark"):
            continue
        for ticker, v in entry["tickers"].items():
            table.add_row(
                name,
                ticker,
                pct(v.get("total_return")),
                _money(v.get("profit")),
                pct(v.get("cagr")),
                num(v.get("sharpe")),
                pct(v.get("max_drawdown")),
                str(v.get("trades", "-")),
                pct(v.get("win_rate")),
                pct(v.get("exposure")),
                pct(v.get("hit_rate")),
                num(v.get("f1")),
                num(v.get("auc")),
            )
    return table


def calls_table(report: dict[str, Any]) -> Table:
    """Direction calls of the models and baselines over all tickers."""
    table = _table(
        "Predictions out of sample (direction of the next move)",
        ["predictor", "kind", "hit rate", "95% CI", "p vs base", "accuracy", "precision",
         "recall", "F1", "AUC", "n"],
    )  # fmt: skip
    for name, entry in report["strategies"].items():
        v = entry["total"]
        if "hit_rate" not in v:
            continue
        u = entry.get("uncertainty", {})
        table.add_row(
            name,
            entry["kind"],
            pct(v.get("hit_rate")),
            _range(u.get("hit_rate_ci_low"), u.get("hit_rate_ci_high"), pct),
            num(u.get("hit_rate_p_value"), 3),
            pct(v.get("accuracy")),
            pct(v.get("precision")),
            pct(v.get("recall")),
            num(v.get("f1")),
            num(v.get("auc")),
            str(v.get("predictions", "-")),
            style="bold" if entry["kind"] == "model" else None,
        )
    return table


def verdict_lines(report: dict[str, Any]) -> list[str]:
    """Per model: the edge verdict (with its PSR / deflated Sharpe), then vs each baseline."""
    lines = []
    for name, entry in report["strategies"].items():
        if entry["kind"] != "model":
            continue
        u = entry.get("uncertainty", {})
        lines.append(f"{name}: {u.get('verdict', '-')}")
        lines.extend(f"  {line}" for line in entry.get("verdicts", []))
    audit = report.get("audit")
    if audit:
        lines.append(f"leakage audit: {audit['verdict']}")
    parity = report.get("parity")
    if parity:
        lines.append(parity_line(parity))
    return lines


def parity_line(parity: dict[str, Any]) -> str:
    """The live engine check in one line: agree, or the first difference."""
    fast, reference = parity["engines"]
    where = (
        f"{parity['portfolio']}'s portfolio, {parity['fills']} fills, {parity['trades']} round "
        f"trips, {parity['days']} days"
    )
    if parity["agree"]:
        return f"engine parity: {fast} = {reference} on {where} (to {parity['tolerance']:g})"
    return f"engine parity: FAIL, {fast} != {reference} on {where}: {parity['differences'][0]}"


def render(report: dict[str, Any]) -> Group:
    """Everything on the terminal: three tables, then the verdicts."""
    parts: list[RenderableType] = [money_table(report), ticker_table(report), calls_table(report)]
    parts.extend(Text(line) for line in verdict_lines(report))
    return Group(*parts)
