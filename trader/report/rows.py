"""The report's tables and verdict lines as plain strings: what the terminal and HTML both show.

Each table is a `TableData` (title, column names, rows of formatted cells, which rows are
models); `trader.report.tables` draws them with rich, `trader.report.html` with a jinja2
template, so both show the same numbers formatted the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEED = "seed"  # extra training seeds: summarized in the seed table, not listed as contenders


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


def _p(value: Any) -> str:
    return "-" if value is None else f"{value:.2g}" if value < 0.01 else f"{value:.3f}"


@dataclass(frozen=True)
class TableData:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    bold: list[bool] = field(default_factory=list)
    left: int = 2  # leading text columns (the rest are numbers, right-aligned)

    def add(self, cells: list[str], bold: bool = False) -> None:
        self.rows.append(cells)
        self.bold.append(bold)


def _shown(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(n, e) for n, e in report["strategies"].items() if e["kind"] != SEED]


def money_table(report: dict[str, Any]) -> TableData:
    """One row per strategy: the portfolio over all tickers (cash shared, equal weight)."""
    p, c = report["periods"], report["costs"]
    table = TableData(
        f"Backtest {p['test_start']} .. {p['test_end']}, out of sample ({report['protocol']}); "
        f"fills at next open ({report.get('engine', 'backtrader')} engine), commission "
        f"{c['commission'] * 100:.2f}%, slippage "
        f"{c['slippage'] * 100:.2f}%; portfolio of {', '.join(report['tickers'])}",
        ["strategy", "kind", "return", "profit", "CAGR", "Sharpe", "Sharpe 95% CI", "max DD",
         "trades", "win rate", "exposure", "turnover/yr"],
    )  # fmt: skip
    for name, entry in _shown(report):
        v, u = entry["total"], entry.get("uncertainty", {})
        table.add(
            [name, entry["kind"], pct(v.get("total_return")), _money(v.get("profit")),
             pct(v.get("cagr")), num(v.get("sharpe")),
             _range(u.get("sharpe_ci_low"), u.get("sharpe_ci_high")),
             pct(v.get("max_drawdown")), str(v.get("trades", "-")), pct(v.get("win_rate")),
             pct(v.get("exposure")), num(v.get("turnover"), 1)],
            entry["kind"] == "model",
        )  # fmt: skip
    return table


def ticker_table(report: dict[str, Any]) -> TableData:
    """Models and buy-and-hold per ticker (each ticker alone with the full starting cash)."""
    table = TableData(
        "Per ticker (each alone with the full starting cash)",
        ["strategy", "ticker", "return", "profit", "CAGR", "Sharpe", "max DD", "trades",
         "win rate", "exposure", "hit rate", "F1", "AUC"],
    )  # fmt: skip
    for name, entry in _shown(report):
        if entry["kind"] not in ("model", "benchmark"):
            continue
        for ticker, v in entry["tickers"].items():
            table.add(
                [name, ticker, pct(v.get("total_return")), _money(v.get("profit")),
                 pct(v.get("cagr")), num(v.get("sharpe")), pct(v.get("max_drawdown")),
                 str(v.get("trades", "-")), pct(v.get("win_rate")), pct(v.get("exposure")),
                 pct(v.get("hit_rate")), num(v.get("f1")), num(v.get("auc"))]
            )  # fmt: skip
    return table


def calls_table(report: dict[str, Any]) -> TableData:
    """Direction calls of the models and baselines over all tickers."""
    table = TableData(
        "Predictions out of sample (direction of the next move)",
        ["predictor", "kind", "hit rate", "95% CI", "base", "p vs base", "Holm p", "accuracy",
         "precision", "recall", "F1", "AUC", "n"],
    )  # fmt: skip
    for name, entry in _shown(report):
        v = entry["total"]
        if "hit_rate" not in v:
            continue
        u, t = entry.get("uncertainty", {}), entry.get("predictive", {})
        table.add(
            [name, entry["kind"], pct(v.get("hit_rate")),
             _range(u.get("hit_rate_ci_low"), u.get("hit_rate_ci_high"), pct),
             pct(t.get("base_rate")), _p(t.get("p_value")), _p(t.get("p_adjusted")),
             pct(v.get("accuracy")), pct(v.get("precision")), pct(v.get("recall")),
             num(v.get("f1")), num(v.get("auc")), str(v.get("predictions", "-"))],
            entry["kind"] == "model",
        )  # fmt: skip
    return table


def _spread(values: dict[str, Any] | None, fmt: Any) -> str:
    if not values or values.get("mean") is None:
        return "-"
    sd = "-" if values.get("sd") is None else fmt(values["sd"])
    return f"{fmt(values['mean'])} ± {sd} ({fmt(values['min'])}..{fmt(values['max'])})"


def seeds_table(report: dict[str, Any]) -> TableData | None:
    """Per model with seed repeats: mean ± sd (min..max) across its seeds; None without."""
    table = TableData(
        "Across training seeds (mean ± sd, min..max): a difference below the sd is seed noise",
        ["model", "seeds", "hit rate", "AUC", "Sharpe", "return"],
    )
    for name, entry in _shown(report):
        s = entry.get("seeds")
        if s:
            table.add(
                [name, ", ".join(str(x) for x in s["seeds"]), _spread(s.get("hit_rate"), pct),
                 _spread(s.get("auc"), num), _spread(s.get("sharpe"), num),
                 _spread(s.get("total_return"), pct)],
                True,
            )  # fmt: skip
    return table if table.rows else None


def report_tables(report: dict[str, Any]) -> list[TableData]:
    """Every table of the report, in the order shown (the seed table only with repeats)."""
    tables = [money_table(report), ticker_table(report), calls_table(report)]
    seeds = seeds_table(report)
    return tables if seeds is None else [*tables, seeds]


def trials_line(report: dict[str, Any]) -> str | None:
    """Which trials the deflated Sharpe ratios counted, and from which runs."""
    t = report.get("trials")
    if not t:
        return None
    d, runs = t["dataset"], t["runs"]
    shown = ", ".join(runs[-5:]) + (f" and {len(runs) - 5} earlier" if len(runs) > 5 else "")
    return (
        f"DSR trials: {t['count']} configuration(s) evaluated on this dataset (data "
        f"{d['data_hash'][:12]}, {d['start']}..{d['end']}), {t['this_run']} in this backtest, "
        f"from {len(runs)} run(s): {shown}; 'trader trials' lists them"
    )


def verdict_lines(report: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Per model: the two-part verdict line, then its paired comparisons."""
    out = []
    for name, entry in _shown(report):
        if entry["kind"] == "model":
            versus = [v["text"] for v in entry.get("versus", [])]
            out.append((f"{name}: {entry.get('verdict', '-')}", versus))
    return out


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
