"""Compare activations and losses for a dense and an LSTM model, walk-forward, with costs.

Every combination of model kind (dense, LSTM), hidden activation and loss is trained on the
same purged walk-forward folds of the same tickers and backtested with the same costs; the
table shows how each one called direction out of sample (hit rate, AUC, Holm-adjusted p
against the base rate) and traded (return, Sharpe), with the deflated Sharpe ratio of its
excess over buy-and-hold that counts every combination (every trial on the data) as a trial.

    python examples/compare_activations_losses.py
    python examples/compare_activations_losses.py --tickers AAPL,JPM --activations relu,elu
"""

from __future__ import annotations

import argparse
from typing import Any

import trader

LOSS_NAMES = {"binary_crossentropy": "bce", "mse": "mse", "binary_focal_crossentropy": "focal"}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickers", default="AAPL,MSFT", help="comma-separated sample tickers")
    parser.add_argument("--activations", default="relu,tanh", help="hidden activations")
    parser.add_argument("--losses", default="binary_crossentropy,mse", help="Keras losses")
    parser.add_argument("--epochs", type=int, default=10, help="epochs per fold (at most)")
    parser.add_argument("--folds", type=int, default=3, help="walk-forward test folds")
    parser.add_argument("--start", default=None, help="first date used, YYYY-MM-DD")
    parser.add_argument("--db", default=None, help="database URL (default: data/trader.db)")
    return parser.parse_args(argv)


def model_configs(args: argparse.Namespace) -> list[dict[str, Any]]:
    """One model per (kind, activation, loss), named like ``lstm-tanh-bce``."""
    return [
        {
            "name": f"{kind}-{activation}-{LOSS_NAMES.get(loss, loss)}",
            "kind": kind,
            "units": [16] if kind == "lstm" else [32, 16],
            "activation": activation,
            "loss": loss,
            "epochs": args.epochs,
            "seed": 7,
        }
        for kind in ("dense", "lstm")
        for activation in args.activations.split(",")
        for loss in args.losses.split(",")
    ]


def comparison(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per model: what it was, how it called direction and how it traded."""
    config = {m["name"]: m for m in report["config"]["models"]}
    rows = []
    for name, entry in report["strategies"].items():
        if name not in config:  # baselines, buy-and-hold and rules are printed below
            continue
        total, calls, money = entry["total"], entry["predictive"], entry["tradable"]
        rows.append(
            {
                "model": name,
                "hit rate": total["hit_rate"],
                "AUC": total["auc"],
                "return": total["total_return"],
                "Sharpe": total["sharpe"],
                "p": calls["p_adjusted"],
                "DSR": money["dsr"],
                "epochs": sum(report["training"][name]["epochs_run"]),
            }
        )
    return sorted(rows, key=lambda r: -r["Sharpe"])


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse(argv)
    tickers = [t.strip().upper() for t in args.tickers.split(",")]
    store = trader.Store(args.db)
    trader.ingest_sample(tickers, store)
    config = trader.load_config(
        {
            "data": {"tickers": tickers, "source": "sample", "start": args.start},
            "models": model_configs(args),
            "protocol": {"folds": args.folds},
            "strategies": [],
        }
    )
    report = trader.run(config, store)
    rows = comparison(report)
    test = f"{report['periods']['test_start']}..{report['periods']['test_end']}"
    print(f"{len(rows)} models on {', '.join(tickers)}, out of sample {test}")
    print(f"{'model':<22}{'hit rate':>9}{'p':>8}{'AUC':>7}{'return':>9}{'Sharpe':>8}", end="")
    print(f"{'DSR':>6}{'epochs':>7}")
    for r in rows:
        auc, dsr, p = (_fmt(r["AUC"], ".3f"), _fmt(r["DSR"], ".2f"), _fmt(r["p"], ".2g"))
        print(
            f"{r['model']:<22}{r['hit rate']:>9.1%}{p:>8}{auc:>7}{r['return']:>9.1%}"
            f"{r['Sharpe']:>8.2f}{dsr:>6}{r['epochs']:>7}"
        )
    hold = report["strategies"]["buy_and_hold"]["total"]
    print(f"buy_and_hold: return {hold['total_return']:.1%}, Sharpe {hold['sharpe']:.2f}")
    print(f"DSR trials counted on this data: {report['trials']['count']}")
    print(f"report: {report['files']['html']}")
    return rows


if __name__ == "__main__":
    main()
