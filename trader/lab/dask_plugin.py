"""A Dask worker plugin: every worker runs TensorFlow with one thread per pool.

Imported only when Dask is used (it imports ``distributed``); registered by
`trader.lab.execute.DaskExecutor`, so it also reaches workers that join later.
"""

from __future__ import annotations

import os
from typing import Any

from distributed import WorkerPlugin


class OneThreadTensorFlow(WorkerPlugin):
    """Sets the one-thread environment and TensorFlow's thread pools before any trial."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = dict(environment)

    def setup(self, worker: Any) -> None:
        os.environ.update(self.environment)
        from trader.models import limit_threads

        limit_threads(1)
