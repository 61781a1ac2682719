"""Ingest speed on SQLite and PostgreSQL, side by side in one run.

    .venv/bin/python bench/ingest.py [--tickers 100] [--days 2500] [--pg URL]

Synthetic valid bars (seeded random walks, ``--tickers`` x ``--days`` rows) are ingested with
`trader.data.ingest` (validation, one transaction, upsert) into a fresh SQLite file and, when a
PostgreSQL URL is given (``--pg``, default ``$TRADER_TEST_DATABASE_URL``), into a fresh schema
of that server (created with a unique name and dropped afterwards). Each is timed three times:
the first ingest inserts every row, the second gives the same rows again (an idempotent
re-ingest: nothing changes, nothing is rewritten), the third gives every row with new prices
(every row is updated).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from trader.data import Store, ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engines import market


def timed_ingests(url: str, bars: pd.DataFrame) -> list[float]:
    store = Store(url)
    restated = bars.assign(**{c: bars[c] * 1.01 for c in ["open", "high", "low", "close"]})
    times = []
    try:
        for given in (bars, bars, restated):
            start = time.perf_counter()
            ingest(store, given, source="bench", origin="bench")
            times.append(time.perf_counter() - start)
    finally:
        store.dispose()
    return times


def postgres(url: str, bars: pd.DataFrame) -> list[float]:
    schema = f"bench_{uuid.uuid4().hex}"
    admin = create_engine(url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        return timed_ingests(scoped.render_as_string(hide_password=False), bars)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickers", type=int, default=100)
    parser.add_argument("--days", type=int, default=2500)
    parser.add_argument("--pg", default=os.environ.get("TRADER_TEST_DATABASE_URL"))
    args = parser.parse_args()
    bars, _ = market(args.tickers, args.days)
    rows = len(bars)
    print(f"ingest {rows:,} rows ({args.tickers} tickers x {args.days} days)")
    with tempfile.TemporaryDirectory() as tmp:
        results = {"sqlite": timed_ingests(f"sqlite:///{Path(tmp) / 'bench.db'}", bars)}
    if args.pg:
        results["postgresql"] = postgres(args.pg, bars)
    else:
        print("postgresql: skipped (no --pg URL and no $TRADER_TEST_DATABASE_URL)")
    for name, (insert, same, changed) in results.items():
        print(
            f"{name:<10} insert {rows / insert:>9,.0f} rows/s ({insert:.2f}s), "
            f"same again {rows / same:>9,.0f} rows/s ({same:.2f}s), "
            f"every price changed {rows / changed:>9,.0f} rows/s ({changed:.2f}s)"
        )


if __name__ == "__main__":
    main()
