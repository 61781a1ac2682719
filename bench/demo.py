"""`trader demo` wall time, and where it goes, in a fresh data folder.

    .venv/bin/python bench/demo.py [--runs 2]

Each run is a new process (``trader demo`` from the command line, TensorFlow's start-up
included) in its own empty data folder; the numba cache is one folder shared by the runs, empty
before the first: run 1 is the first demo after an install (the fast engine compiles), later
runs load the compiled engine. Then one more demo in this process with a progress callback
prints the seconds between its stages (training per model, backtests, the engine parity check,
the audit).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def timed_cli_demo(data: Path, cache: Path) -> float:
    env = {**os.environ, "TRADER_DATA_DIR": str(data), "NUMBA_CACHE_DIR": str(cache)}
    env.pop("TRADER_DATABASE_URL", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from trader.cli import main; main()", "demo"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def stages(data: Path) -> list[tuple[str, float]]:
    os.environ["TRADER_DATA_DIR"] = str(data)
    import trader

    marks: list[tuple[str, float]] = [("start", time.perf_counter())]

    def progress(event: str, info: dict[str, Any]) -> None:
        if event == "stage":
            marks.append((str(info["name"]), time.perf_counter()))
        elif event == "model" and info.get("fold") == 0:
            marks.append((f"train {info['name']}", time.perf_counter()))
        elif event == "backtest" and len(marks) and not marks[-1][0].startswith("backtests"):
            marks.append(("backtests", time.perf_counter()))

    trader.demo(progress=progress)
    marks.append(("end", time.perf_counter()))
    return [(name, marks[i + 1][1] - t) for i, (name, t) in enumerate(marks[:-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cache = root / "numba"
        for run in range(args.runs):
            wall = timed_cli_demo(root / f"run{run}", cache)
            note = "empty numba cache" if run == 0 else "numba cache filled"
            print(f"trader demo, run {run + 1} ({note}): {wall:.1f} s")
        os.environ["NUMBA_CACHE_DIR"] = str(cache)
        parts = stages(root / "stages")
        print("where the time goes (seconds): " + ", ".join(f"{n} {s:.1f}" for n, s in parts))


if __name__ == "__main__":
    main()
