"""Ingest speed on SQLite and PostgreSQL, side by side in one run.

    .venv/bin/python bench/ingest.py [--tickers 100] [--days 2500] [--pg URL]

Synthetic valid bars (seeded random walks, ``--tickers`` x ``--days`` rows) are ingested with
`trader.data.ingest` (validation, one transaction, upsert) into a fresh SQLite file and, when a
PostgreSQL URL is given (``--pg``, default ``$TRADER_TEST_DATABASE_URL``), into a fresh schema
of that server (created with a unique name and dropped afterwards). Each is timed twice: the
first ingest inserts every row, the second updates every row (an idempotent re-ingest).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from trader.data import Store, ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engines import market


def timed_ingests(url: str, bars: object) -> list[float]:
    store = Store(url)
    times = []
    try:
        for _ in range(2):
            start = time.perf_counter()
            ingest(store, bars, source="bench", origin="bench")  # type: ignore[arg-type]
            times.append(time.perf_counter() - start)
    finally:
        store.dispose()
    return times


def postgres(url: str, bars: object) -> list[float]:
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
    for name, (insert, update) in results.items():
        print(
            f"{name:<10} insert {rows / insert:>9,.0f} rows/s ({insert:.2f}s), "
            f"re-ingest {rows / update:>9,.0f} rows/s ({update:.2f}s)"
        )


if __name__ == "__main__":
    main()
