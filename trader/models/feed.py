"""Training samples as windows into one array of rows, fed to Keras batch by batch.

A window of L days over F features is a view into the (rows, F) feature array of its ticker
(`numpy.lib.stride_tricks.sliding_window_view`): `Windows` keeps that array and each sample's
first row, so the (samples, L, F) tensor is never built. `Batches` (a `keras.utils.PyDataset`)
gathers one batch at a time from the view, so training holds O(rows x F) plus one batch, not
O(samples x L x F). A `Windows` may carry a ``transform`` applied to each gathered batch (the
fold's re-scaling, `trader.research.Rescaling`): the rows are then never copied at all.

The epoch order is built here from the seed, ``np.random.default_rng(seed + epoch)``, and Keras
is called with ``shuffle=False``: the same seed gives the same batches in every process
(seeded ``fit(shuffle=True)`` was measured to differ on Dask worker processes).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from trader.errors import DataError

TRANSFORM_CHUNK = 256  # windows gathered and transformed at a time


@dataclass(frozen=True)
class Windows:
    """Samples ``rows[starts[i] : starts[i] + length]`` of one (rows, features) float32 array.

    ``transform`` (optional) maps gathered windows, (n, length, features), to what the model
    sees, elementwise (float32 out): e.g. a re-scaling computed per batch instead of on a copy
    of every row.
    """

    rows: np.ndarray
    starts: np.ndarray
    length: int
    transform: Callable[[np.ndarray], np.ndarray] | None = None

    def __post_init__(self) -> None:
        if self.rows.ndim != 2 or self.length < 1:
            raise DataError(f"windows: rows must be (rows, features), got {self.rows.shape}")
        if len(self.starts) and (
            self.starts.min() < 0 or self.starts.max() + self.length > len(self.rows)
        ):
            raise DataError("windows: a window reaches past the rows it is cut from")

    @classmethod
    def of(cls, x: np.ndarray | Windows) -> Windows:
        """``x`` itself, or a (samples, length, features) array seen as rows (no copy)."""
        if isinstance(x, Windows):
            return x
        arr = np.ascontiguousarray(x, dtype=np.float32)
        if arr.ndim != 3:
            raise DataError(f"windows: expected shape (samples, length, features), got {arr.shape}")
        n, length, width = arr.shape
        rows = arr.reshape(n * length, width)
        return cls(rows, np.arange(n, dtype=np.int64) * length, max(length, 1))

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def shape(self) -> tuple[int, int, int]:
        """The shape the samples would have as one array: (samples, length, features)."""
        return (len(self.starts), self.length, self.rows.shape[1])

    def subset(self, mask: np.ndarray) -> Windows:
        """The samples selected by a boolean mask or an index array (same rows, no copy)."""
        return Windows(self.rows, self.starts[mask], self.length, self.transform)

    def take(self, index: np.ndarray | slice | None = None) -> np.ndarray:
        """Samples (all, or those at ``index``) as a (n, length, features) array, ``transform``
        applied: a copy of these samples only."""
        starts = self.starts if index is None else self.starts[index]
        if len(self.rows) < self.length:  # no window fits (and so no sample exists)
            return np.zeros((0, self.length, self.rows.shape[1]), dtype=self.rows.dtype)
        view = sliding_window_view(self.rows, (self.length, self.rows.shape[1]))[:, 0]
        if self.transform is None:
            gathered: np.ndarray = view[starts]
            return gathered
        out = np.empty((len(starts), *view.shape[1:]), dtype=np.float32)
        for a in range(0, len(starts), TRANSFORM_CHUNK):  # bounded temporaries
            out[a : a + TRANSFORM_CHUNK] = self.transform(view[starts[a : a + TRANSFORM_CHUNK]])
        return out

    def check_finite(self, what: str) -> None:
        """`DataError` when a row the samples use is NaN or infinite."""
        used = np.zeros(len(self.rows) + 1, dtype=np.int64)
        np.add.at(used, self.starts, 1)
        np.add.at(used, self.starts + self.length, -1)
        covered = np.cumsum(used[:-1]) > 0
        bad = ~np.isfinite(self.rows[covered])
        if bad.any():
            raise DataError(f"{what}: {int(bad.sum())} values are NaN or infinite")


class Batches(keras.utils.PyDataset):  # type: ignore[misc]
    """Batches of (windows, targets) gathered from `Windows`, in a seeded order per epoch.

    ``seed=None`` keeps the samples in order (validation, prediction); otherwise epoch ``e``
    (from 0) visits them in ``np.random.default_rng(seed + e).permutation(n)``.
    """

    def __init__(
        self, windows: Windows, targets: np.ndarray, batch_size: int, seed: int | None = None
    ) -> None:
        super().__init__(workers=1, use_multiprocessing=False)
        if len(windows) != len(targets):
            raise DataError(f"{len(windows)} windows but {len(targets)} targets")
        self.windows = windows
        self.targets = np.asarray(targets)
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = 0  # epochs begun so far
        self._order = self._permutation(0)

    def _permutation(self, epoch: int) -> np.ndarray | None:
        """The epoch's order (int32 when it fits: half the memory), None for in order."""
        n = len(self.windows)
        if self.seed is None:
            return None
        order = np.random.default_rng(self.seed + epoch).permutation(n)
        return order.astype(np.int32) if n < 2**31 else order

    def __len__(self) -> int:
        return math.ceil(len(self.windows) / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        chosen = part if self._order is None else self._order[part]
        return self.windows.take(chosen), self.targets[chosen]

    def on_epoch_begin(self) -> None:
        """Keras calls this once at the start of every epoch (``on_epoch_end`` also before the
        first one, so the epochs are counted here)."""
        self._order = None  # released before the next order is drawn
        self._order = self._permutation(self.epoch)
        self.epoch += 1
