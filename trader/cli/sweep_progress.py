"""Rich progress for sweeps: configurations done, running and failed, with an ETA."""

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
    TimeRemainingColumn,
)


class SweepProgress:
    """A `trader.events.Progress` callback for `trader.lab.run_experiment`."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._task: TaskID | None = None
        self._failed = 0

    def __enter__(self) -> SweepProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event == "sweep":
            if self._task is None:
                self._task = self._progress.add_task(
                    f"experiment {info['name']}", total=info["total"], info=""
                )
            self._progress.update(self._task, total=info["total"], completed=info["done"])
        elif event == "trial" and self._task is not None:
            if info["status"] == "failed":
                self._failed += 1
                self._progress.console.print(
                    f"failed {info['key']}: {info.get('error', '')}", markup=False
                )
            self._progress.update(self._task, completed=info["done"], info=f"failed {self._failed}")
