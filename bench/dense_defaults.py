"""Which dense-model defaults find a planted linear edge? (docs/research.md, "The dense defaults")

On synthetic AR(1) markets (`tests/markets.py`: three tickers, five years, r_t = 0.25 r_{t-1} +
e_t, so the best hit rate is 58 %) every candidate setting is trained walk-forward with the
default protocol (4 purged folds) and judged as the report judges calls: hit rate against the
better of always-up/always-down, the binomial test on effective calls, "found" when p < 0.05.
It also reports whether the candidate's calls are significantly worse than the linear
baseline's (McNemar, p < 0.05), how often the calls flip from one day to the next (a model whose
calls flip often trades often) and how many epochs early stopping let each fold run. The linear
baseline and the default LSTM are measured beside them, on markets of one and of three tickers.

    .venv/bin/python bench/dense_defaults.py [--seeds 5] [--tickers 1 3] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import numpy as np
import pandas as pd
from markets import ar1

from trader.config import ModelConfig, RunConfig
from trader.evaluate import base_rate, calls_test, hits, mcnemar
from trader.events import quiet
from trader.research import out_of_sample

# the dense default until this measurement
OLD_DENSE = {"kind": "dense", "units": [64, 32], "activation": "relu", "dropout": 0.1}
CANDIDATES: dict[str, dict[str, Any]] = {
    "dense (old default)": OLD_DENSE,
    "dense patience 10, 50 epochs": {**OLD_DENSE, "patience": 10, "epochs": 50},
    "dense [16]": {"kind": "dense", "units": [16], "activation": "relu", "dropout": 0.1},
    "dense [32,16] dropout 0.3 patience 10": {
        "kind": "dense", "units": [32, 16], "activation": "relu", "dropout": 0.3,
        "patience": 10, "epochs": 50,
    },
    "dense [64,32] lr 1e-4 patience 10": {
        **OLD_DENSE, "learning_rate": 1e-4, "patience": 10, "epochs": 50,
    },
    "dense [32] tanh dropout 0.2 patience 5 (new default)": {
        "kind": "dense", "units": [32], "activation": "tanh", "dropout": 0.2, "patience": 5,
    },
    "dense [64,32] batch 256 patience 5": {**OLD_DENSE, "batch_size": 256, "patience": 5},
    "lstm (default)": {"kind": "lstm"},
}  # fmt: skip


def flips(predictions: pd.DataFrame) -> float:
    """Share of days on which a ticker's call differs from the day before."""
    out = []
    for _, rows in predictions.sort_values("date").groupby("ticker"):
        up = rows["score"].to_numpy() > 0
        out.append(np.mean(up[1:] != up[:-1]))
    return float(np.mean(out))


def measure(name: str, settings: dict[str, Any], seed: int, tickers: int) -> list[dict[str, Any]]:
    names = ("AAA", "BBB", "CCC", "DDD", "EEE")[:tickers]
    bars = ar1(seed, phi=0.25, days=1250, tickers=names)
    config = RunConfig(
        data={"tickers": list(names)}, models=[ModelConfig(name="m", **settings)], strategies=[]
    )
    start = time.perf_counter()
    oos = out_of_sample(bars, config, progress=quiet)
    seconds = time.perf_counter() - start
    calls = {
        p: oos.predictions[oos.predictions["model"] == p].sort_values(["date", "ticker"])
        for p in ("m", "linear")
    }
    rows = []
    for predictor, p in calls.items():
        test = calls_test(hits(p), base_rate(p))
        versus = mcnemar(hits(p), hits(calls["linear"]))
        model = predictor == "m"
        rows.append(
            {
                "candidate": name if model else "linear baseline",
                "tickers": tickers,
                "seed": seed,
                "hit_rate": test.hit_rate,
                "base": test.base_rate,
                "p": test.p_value,
                "found": test.p_value < 0.05,
                "worse_than_linear": model
                and versus.p_value < 0.05
                and versus.first_only < versus.second_only,
                "flips": flips(p),
                "epochs": np.mean([len(h["loss"]) for h in oos.histories["m"]])
                if model
                else np.nan,
                "seconds": seconds if model else np.nan,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="how many market seeds")
    parser.add_argument("--first-seed", type=int, default=0, help="the first market seed")
    parser.add_argument("--tickers", type=int, nargs="+", default=[1, 3], help="tickers/market")
    parser.add_argument("--only", nargs="*", default=None, help="candidate names")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for tickers in args.tickers:
        for name, settings in CANDIDATES.items():
            if args.only and name not in args.only:
                continue
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                rows += measure(name, settings, seed, tickers)
                print(pd.DataFrame(rows[-2:]).to_string(index=False, header=False), flush=True)
    table = pd.DataFrame(rows).drop_duplicates(["candidate", "tickers", "seed"])
    summary = table.groupby(["tickers", "candidate"], sort=False).agg(
        found=("found", "sum"), runs=("found", "size"), worse=("worse_than_linear", "sum"),
        hit_rate=("hit_rate", "mean"), hit_sd=("hit_rate", "std"), flips=("flips", "mean"),
        epochs=("epochs", "mean"), seconds=("seconds", "mean"),
    )  # fmt: skip
    print()
    print(summary.to_string(float_format=lambda v: f"{v:.3f}"))
    return summary


if __name__ == "__main__":
    main()
