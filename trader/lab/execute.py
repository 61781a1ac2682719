"""Where trials run: in this process, on local Dask worker processes, or on a Dask cluster.

Workers are processes with one thread each; TensorFlow's own thread pools are set to one
thread before TensorFlow starts (environment variables for local workers, a worker plugin for
every worker). Each trial writes its result to the shared database itself (`run_trial`), so
the driver only collects outcomes; a task that Dask reruns after a worker died cannot store a
second result.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from trader.errors import ConfigError
from trader.lab.runner import run_trial

CLUSTER_ENV = "TRADER_DASK_SCHEDULER"
WORKER_MEMORY = "2GiB"
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}


class Executor(Protocol):
    """Runs trial specs and yields their outcomes as they finish."""

    def run(self, specs: Sequence[dict[str, Any]], db_url: str) -> Iterator[dict[str, str]]: ...

    def close(self) -> None: ...


class InProcess:
    """Trials one after another in this process (``--workers 1``, and the tests)."""

    def run(self, specs: Sequence[dict[str, Any]], db_url: str) -> Iterator[dict[str, str]]:
        for spec in specs:
            yield run_trial(spec, db_url)

    def close(self) -> None:
        return None


class DaskExecutor:
    """Trials on Dask: local worker processes (``workers``) or a running scheduler."""

    def __init__(self, workers: int = 2, address: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError(
                "parallel experiments need Dask: pip install 'dask[distributed]'"
            ) from None
        self._cluster: Any = None
        if address:
            try:
                self._client: Any = Client(address, timeout="10s")
            except OSError as err:
                raise ConfigError(f"cannot reach the Dask scheduler at {address}: {err}") from None
        else:
            self._cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                memory_limit=WORKER_MEMORY,
                dashboard_address=None,
                env=ONE_THREAD,
            )
            self._client = Client(self._cluster)
        from trader.lab.dask_plugin import OneThreadTensorFlow

        self._client.register_plugin(OneThreadTensorFlow(ONE_THREAD), name="trader-one-thread")

    def run(self, specs: Sequence[dict[str, Any]], db_url: str) -> Iterator[dict[str, str]]:
        from distributed import as_completed

        futures = {
            self._client.submit(
                run_trial, spec, db_url, key=f"trial:{spec['key']}", pure=False
            ): spec
            for spec in specs
        }
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as err:  # the trial recorded its own failure; say it here too
                yield {"key": futures[future]["key"], "status": "failed", "error": f"{err}"}

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


@contextmanager
def executor(workers: int = 1, cluster: str | None = None) -> Iterator[Executor]:
    """The executor for ``--workers`` / ``--cluster`` (or ``$TRADER_DASK_SCHEDULER``), closed
    when the block ends."""
    if workers < 1:
        raise ConfigError(f"--workers: at least 1, got {workers}")
    address = cluster or os.environ.get(CLUSTER_ENV) or None
    made: Executor = DaskExecutor(workers, address) if address or workers > 1 else InProcess()
    try:
        yield made
    finally:
        made.close()
