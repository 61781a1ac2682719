"""Rich progress display for the pipeline's progress events (used by the CLI)."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class RichProgress:
    """A `trader.events.Progress` callback that draws one bar per model being trained."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}", markup=False),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._started = False

    def __enter__(self) -> RichProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._started:
            self._progress.stop()

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "ingest":
            tickers = list(info["tickers"])
            self._progress.console.print(
                f"ingested {info['rows']} rows for {len(tickers)} ticker(s) "
                f"({', '.join(tickers)}) from {info.get('source', 'sample')}",
                markup=False,
            )
            return
        shown_stage = event == "stage" and str(info.get("name", "")).startswith("audit")
        if event not in ("model", "epoch", "backtest") and not shown_stage:
            return
        if not self._started:  # drawn from the first shown event: an early error prints alone
            self._progress.start()
            self._started = True
        key = f"{info.get('name')} fold {info.get('fold', 0)}"
        if event == "model":
            for task in self._tasks.values():  # the previous model is done: freeze its clock
                self._progress.stop_task(task)
            self._tasks[key] = self._progress.add_task(
                f"train {key}", total=info["epochs"], info=""
            )
        elif event == "epoch":
            logs = info["logs"]
            shown = "  ".join(f"{k} {v:.4f}" for k, v in logs.items() if k in ("loss", "val_loss"))
            self._progress.update(self._tasks[key], completed=info["epoch"], info=shown)
        elif shown_stage:
            self._progress.console.print(str(info["name"]), markup=False)
        elif event == "backtest":
            self._progress.console.print(f"backtest {info['name']}", markup=False)
