"""The command line through Typer's runner: ingest, status, train, backtest, report, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trader.cli import app
from trader.data import Store

TINY = """
data:
  tickers: [AAPL, ORCL]
  start: "2016-06-01"
window:
  length: 5
  features: [log_return, ohlc]
models:
  - {name: lstm, kind: lstm, units: [4], epochs: 2, batch_size: 128, repeats: 2}
  - {name: dense, kind: dense, units: [8], activation: relu, epochs: 2, batch_size: 128}
protocol: {folds: 2, min_train_days: 200}
strategies: [{name: ma_cross, params: {fast: 5, slow: 20}}, {name: n_day_decline}]
"""
MODELS = {"lstm", "dense"}
BASELINES = {"always_long", "majority_class", "previous_direction", "linear"}
RULES = {"ma_cross", "n_day_decline"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def test_demo_end_to_end(runner: CliRunner, store: Store, tiny: Path) -> None:
    result = runner.invoke(app, ["demo", "--config", str(tiny), "--db", store.url, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    strategies = report["strategies"]
    assert set(strategies) == MODELS | BASELINES | RULES | {"buy_and_hold", "lstm@seed43"}
    assert strategies["lstm@seed43"]["kind"] == "seed"
    assert {strategies[n]["kind"] for n in RULES} == {"rule"}
    assert {strategies[n]["kind"] for n in BASELINES} == {"baseline"}
    assert report["protocol"] == "walk_forward" and len(report["folds"]) == 2
    assert report["audit"]["passed"] is True
    assert [c["name"] for c in report["audit"]["checks"]] == [
        "future perturbation",
        "canary caught",
        "fill timing",
    ]
    hold = report["strategies"]["buy_and_hold"]
    assert set(hold["tickers"]) == {"AAPL", "ORCL"}
    # buy-and-hold enters once per ticker and holds to the end
    assert hold["tickers"]["AAPL"]["exposure"] > 0.95
    assert hold["total"]["rejected_orders"] == 0
    for name in ("lstm", "dense"):
        total = report["strategies"][name]["total"]
        assert 0.0 <= total["hit_rate"] <= 1.0
        assert total["predictions"] > 100
        assert total["rejected_orders"] == 0
        assert {"accuracy", "precision", "recall", "f1", "auc", "sharpe", "cagr"} <= set(total)
        entry = report["strategies"][name]
        uncertainty = entry["uncertainty"]
        assert uncertainty["sharpe_ci_low"] <= total["sharpe"] <= uncertainty["sharpe_ci_high"]
        # the two-part verdict, each part with its numbers
        assert entry["predictive"]["models"] == 2 and entry["predictive"]["calls"] > 100
        assert entry["tradable"]["benchmark"] == "buy_and_hold"
        assert entry["tradable"]["trials"] == len(strategies) - 1  # all but the benchmark
        assert entry["verdict"] == f"{entry['predictive']['text']}; {entry['tradable']['text']}"
        assert (
            "predictive edge (" in entry["verdict"] and "tradable after costs (" in entry["verdict"]
        )
        others = [v["other"] for v in entry["versus"]]
        assert others == [*sorted(BASELINES, key=list(strategies).index), "buy_and_hold",
                          *(MODELS - {name})]  # fmt: skip
        assert all(
            any(w in v["text"] for w in ("beats (", "worse (", "no significant difference ("))
            for v in entry["versus"]
        )
    seeds = report["strategies"]["lstm"]["seeds"]
    assert seeds["seeds"] == [42, 43] and len(seeds["hit_rate"]["values"]) == 2
    assert report["trials"]["count"] == len(strategies) - 1
    assert report["trials"]["runs"] == [report["record_id"]]
    for name in RULES:
        assert report["strategies"][name]["total"]["trades"] > 0
    files = report["files"]
    for key in ("report", "equity_chart", "drawdown_chart", "training_chart", "predictions",
                "html"):  # fmt: skip
        assert Path(files[key]).stat().st_size > 0
    assert report["periods"]["test_start"] > report["folds"][0]["val_end"]
    # the fast engine ran every backtest; the live check ran the first model on backtrader too
    assert report["engine"] == "fast"
    parity = report["parity"]
    assert parity["agree"] is True and parity["portfolio"] == "lstm" and parity["fills"] > 0

    # the report is shown again, and a second backtest of the same run gives the same numbers
    again = runner.invoke(app, ["report", report["run_id"], "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["strategies"] == report["strategies"]
    table = runner.invoke(app, ["report"])
    assert table.exit_code == 0
    assert "buy_and_hold" in table.stdout and "hit rate" in table.stdout
    assert "leakage audit: PASS" in table.stdout and "(fast engine)" in table.stdout
    assert "engine parity: fast = backtrader on lstm's portfolio" in table.stdout
    assert "lstm vs linear: hit rate" in table.stdout and "McNemar p=" in table.stdout
    assert "Across training seeds" in table.stdout and "DSR trials: 9 configuration" in table.stdout
    rerun = runner.invoke(app, ["backtest", "--run", report["run_id"], "--db", store.url, "--json"])
    assert rerun.exit_code == 0, rerun.output
    again_report = json.loads(rerun.stdout)
    assert again_report["strategies"] == report["strategies"]
    # the same configurations again: the same trials, now from the second backtest
    assert again_report["trials"]["count"] == report["trials"]["count"]
    assert again_report["trials"]["runs"] == [again_report["record_id"]]
    # the reference engine gives the same numbers (to rounding) and the report names it
    args = ["backtest", "--run", report["run_id"], "--engine", "backtrader", "--db", store.url]
    reference = runner.invoke(app, [*args, "--json"])
    assert reference.exit_code == 0, reference.output
    slow = json.loads(reference.stdout)
    assert slow["engine"] == "backtrader" and "parity" not in slow
    for name, entry in report["strategies"].items():
        for key in ("total_return", "sharpe", "trades", "max_drawdown"):
            assert slow["strategies"][name]["total"][key] == pytest.approx(
                entry["total"][key], rel=1e-9, abs=1e-12
            ), (name, key)

    # both backtests and the train run are recorded; replaying the backtest is exact
    runs = json.loads(runner.invoke(app, ["runs", "--json", "--db", store.url]).stdout)
    assert [r["kind"] for r in runs] == ["train", "backtest", "backtest", "backtest"]
    assert runs[0]["parent_id"] is None and runs[1]["parent_id"] == report["run_id"]
    listed = runner.invoke(app, ["runs", "--db", store.url])
    assert listed.exit_code == 0, listed.output
    assert all(r["id"] in listed.stdout for r in runs)
    shown = runner.invoke(app, ["show", report["record_id"], "--json", "--db", store.url])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["trades"] > 0
    text = runner.invoke(app, ["show", report["record_id"], "--db", store.url])
    assert text.exit_code == 0, text.output
    assert f"parent_id: {report['run_id']}" in text.stdout and "lstm: return " in text.stdout
    # replaying the backtrader backtest runs backtrader again (the record names its engine)
    replayed = runner.invoke(app, ["replay", slow["record_id"], "--json", "--db", store.url])
    assert replayed.exit_code == 0, replayed.output
    verdict = json.loads(replayed.stdout)
    assert verdict["identical"] is True
    assert verdict["compared"] == ["predictions", "trades", "metrics"]


def test_train_then_backtest_latest(runner: CliRunner, store: Store, tiny: Path) -> None:
    assert (
        runner.invoke(app, ["ingest", "sample", "AAPL", "ORCL", "--db", store.url]).exit_code == 0
    )
    overrides = [
        "--set", "models.dense.epochs=1", "--set", "models.lstm.units=[3]",
        "--set", "models.lstm.repeats=null",
    ]  # fmt: skip
    trained = runner.invoke(
        app, ["train", "-c", str(tiny), *overrides, "--db", store.url, "--json"]
    )
    assert trained.exit_code == 0, trained.output
    summary = json.loads(trained.stdout)
    run_id = summary["run_id"]
    assert all(fold["fit"] > 0 for fold in summary["samples"])
    assert summary["epochs"]["dense"] == [1, 1]  # --set reached the training
    result = runner.invoke(app, ["backtest", "--db", store.url, "--json", "-s", "rci"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["run_id"] == run_id
    assert "rci" in report["strategies"] and "ma_cross" not in report["strategies"]
    first = report["trials"]["count"]  # lstm, dense, 4 baselines, rci
    assert first == 7 and report["strategies"]["lstm"]["tradable"]["trials"] == 7

    # another rule on the same data is one more trial; the DSR counts both backtests
    result = runner.invoke(app, ["backtest", "--db", store.url, "--json", "-s", "ma_cross"])
    second = json.loads(result.stdout)
    assert second["trials"]["count"] == first + 1 and len(second["trials"]["runs"]) == 2
    assert "8 trials from 2 runs" in second["strategies"]["lstm"]["tradable"]["text"]
    listed = json.loads(runner.invoke(app, ["trials", "--json", "--db", store.url]).stdout)
    assert len(listed) == 8 and {t["name"] for t in listed} >= {"rci", "ma_cross", "linear"}
    table = runner.invoke(app, ["trials", "--db", store.url])
    assert table.exit_code == 0 and "8 trial(s) from 2 run(s)" in table.stdout

    # the HTML page again, beside report.json
    html = runner.invoke(app, ["report", "--html"])
    assert html.exit_code == 0, html.output
    page = Path(html.stdout.strip())
    assert page.name == "report.html" and page.parent.name == run_id
    assert "not tradable after costs" in page.read_text() or "tradable after costs (" in (
        page.read_text()
    )

    reset = runner.invoke(app, ["trials", "--reset", "--db", store.url])
    assert reset.exit_code == 0 and "deleted 8 trial(s)" in reset.output
    assert json.loads(runner.invoke(app, ["trials", "--json", "--db", store.url]).stdout) == []
    wrong = runner.invoke(app, ["backtest", "--db", store.url, "--engine", "fsat"])
    assert wrong.exit_code == 2
    assert wrong.output.strip() == "error: unknown engine 'fsat' (did you mean 'fast'?)"


def test_strategies_list(runner: CliRunner) -> None:
    result = runner.invoke(app, ["strategies", "--json"])
    assert result.exit_code == 0, result.output
    names = {s["name"] for s in json.loads(result.stdout)}
    assert {"granville", "bnf_deviation", "rci", "n_day_decline", "ma_cross"} <= names


def test_status_json(runner: CliRunner, store: Store) -> None:
    assert runner.invoke(app, ["ingest", "sample", "KO", "--db", store.url]).exit_code == 0
    result = runner.invoke(app, ["data", "status", "--json", "--db", store.url])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["ticker"] == "KO" and rows[0]["source"] == "sample"
    assert rows[0]["rows"] > 1000
    table = runner.invoke(app, ["data", "status", "--db", store.url])
    assert "KO" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "sample", "APPL"], "did you mean 'AAPL'"),
        (["train", "--tickers", "ZZZZ"], "ZZZZ"),
        (["backtest", "--run", "nope"], "unknown run 'nope'"),
        (["report", "nope"], "no report"),
        (["show", "nope"], "unknown run 'nope'"),
        (["backtest", "-s", "granvile"], "did you mean 'granville'"),
    ],
)
def test_errors_are_one_line(
    runner: CliRunner, store: Store, args: list[str], message: str
) -> None:
    runner.invoke(app, ["ingest", "sample", "KO", "--db", store.url])
    needs_db = args[0] in ("ingest", "train", "backtest", "show")
    result = runner.invoke(app, args + (["--db", store.url] if needs_db else []))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_bad_config_option(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("window:\n  lenght: 3\n")
    result = runner.invoke(app, ["train", "-c", str(path)])
    assert result.exit_code == 2
    assert "did you mean 'length'" in result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("window.lenght=5", "error: unknown option 'window.lenght' (did you mean 'length'?)"),
        ("models.lstn.epochs=1", "no item named 'lstn' (did you mean 'lstm'?)"),
        ("window.length", "error: --set 'window.length': expected KEY=VALUE"),
        ("window.length=-1", "error: override window.length: window.length:"),
    ],
)
def test_bad_set_option(runner: CliRunner, setting: str, message: str) -> None:
    result = runner.invoke(app, ["train", "--set", setting])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
