"""`trader data verify`, `data export --format csv|parquet`, `data update`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from trader.cli import app
from trader.data import Store, ingest, read_sample


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.output


def test_verify_passes_clean_data_and_reports_gaps(store: Store) -> None:
    ingest(store, read_sample(["AAPL", "ORCL"]), source="sample", origin="sample")
    code, out, _ = run("data", "verify", "AAPL", "--as-of", "2018-02-07", "--db", store.url)
    assert code == 0 and "passed" in out
    code, _, output = run("data", "verify", "--as-of", "2018-02-07", "--db", store.url)
    assert code == 3  # ORCL misses two sessions of July 2013 in the real sample
    assert "ORCL: missing_sessions: no bar on 2013-07-15, 2013-07-16" in output
    code, out, _ = run("data", "verify", "--db", store.url, "--json")  # as of today: stale
    report = json.loads(out)
    assert code == 3 and {"stale"} <= {p["check"] for p in report["problems"]}


def test_verify_names_an_unknown_ticker(store: Store) -> None:
    ingest(store, read_sample(["AAPL"]), source="sample", origin="sample")
    code, _, output = run("data", "verify", "APPL", "--db", store.url)
    assert code == 2 and "did you mean 'AAPL'" in output


def test_export_csv_and_parquet(store: Store, tmp_path: Path) -> None:
    frame = read_sample(["AAPL", "MSFT"])
    ingest(store, frame, source="sample", origin="sample")
    for fmt in ("csv", "parquet"):
        target = tmp_path / f"bars.{fmt}"
        code, _, output = run("data", "export", "--format", fmt, "--out", str(target),
                              "--db", store.url)  # fmt: skip
        assert code == 0 and f"exported {len(frame)} bars" in output
        back = pd.read_csv(target) if fmt == "csv" else pd.read_parquet(target)
        assert len(back) == len(frame) and set(back["ticker"]) == {"AAPL", "MSFT"}
        assert {"date", "open", "close", "volume", "source"} <= set(back.columns)
    code, _, output = run("data", "export", "--format", "xls", "--db", store.url)
    assert code == 2


def test_update_says_what_it_added(store: Store) -> None:
    frame = read_sample(["AAPL"])
    ingest(store, frame[frame["date"] <= "2018-02-01"], source="sample", origin="sample")
    code, out, _ = run("data", "update", "AAPL", "--source", "sample", "--db", store.url)
    assert code == 0
    assert "update from sample: 4 new bar(s) for 1 of 1 ticker(s)" in out
    assert "AAPL: added 4 bar(s) (2018-02-02 .. 2018-02-07)" in out
    code, _, output = run("data", "update", "AAPL", "--db", store.url)
    assert code == 2 and "--source" in output
