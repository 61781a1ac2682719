"""Per-feature standardization, fit on training rows only (scikit-learn's `StandardScaler`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import StandardScaler

from trader.errors import DataError


@dataclass(frozen=True)
class Scaler:
    """Per-feature standardization fit on training rows only."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, rows: np.ndarray) -> Scaler:
        """Mean and standard deviation (ddof 0) of each feature column of ``rows``
        (scikit-learn's `StandardScaler`; a constant column keeps scale 1)."""
        if len(rows) < 2:
            raise DataError("too few training rows to fit the scaler (need at least 2)")
        fitted = StandardScaler().fit(rows)
        return cls(mean=fitted.mean_, std=fitted.scale_)

    @classmethod
    def fit_chunks(cls, chunks: Iterable[np.ndarray]) -> Scaler:
        """`fit` on rows given chunk by chunk (`StandardScaler.partial_fit`): no copy of all
        rows at once. Equal to `fit` up to rounding."""
        fitted = StandardScaler()
        for rows in chunks:
            if len(rows):
                fitted.partial_fit(rows)
        if getattr(fitted, "n_samples_seen_", 0) < 2:
            raise DataError("too few training rows to fit the scaler (need at least 2)")
        return cls(mean=fitted.mean_, std=fitted.scale_)

    @classmethod
    def identity(cls, n_features: int) -> Scaler:
        return cls(mean=np.zeros(n_features), std=np.ones(n_features))

    def transform(self, rows: np.ndarray) -> np.ndarray:
        scaled: np.ndarray = (rows - self.mean) / self.std
        return scaled

    def inverse(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` before this scaling, as float64 (exact up to the rounding of ``rows``)."""
        raw = rows.astype(np.float64)
        raw *= self.std
        raw += self.mean
        return raw

    def to_dict(self) -> dict[str, list[float]]:
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> Scaler:
        return cls(mean=np.asarray(data["mean"]), std=np.asarray(data["std"]))


@dataclass(frozen=True)
class Rescaling:
    """Rows stored scaled by ``stored`` given to the model scaled by ``fold`` instead.

    Called on the windows `trader.models.Windows` gathers, batch by batch, so a fold's
    re-scaling never copies every row: ``(rows * stored.std + stored.mean - fold.mean) /
    fold.std`` in float64, then float32, the same numbers as re-scaling all rows at once.
    """

    stored: Scaler
    fold: Scaler

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        scaled = self.stored.inverse(rows)
        scaled -= self.fold.mean
        scaled /= self.fold.std
        return scaled.astype(np.float32)
