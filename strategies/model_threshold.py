"""Model threshold: follow a model's direction scores (the model strategy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trader.config import SignalConfig
from trader.signals import Strategy, hold_positions, targets_from_scores


class ModelThreshold(Strategy):
    """Model threshold: long above ``long_threshold``, short below ``-short_threshold``.

    Scores are the model's direction scores in [-1, 1] decided at day t's close: for a binary
    (up/down) classifier ``2p - 1`` with p the probability of "up" (``long_threshold`` 0.2
    means p > 0.6), for a regression the predicted return. The raw target is +1 when
    ``score > long_threshold``; -1 when ``allow_short`` and ``score < -short_threshold``;
    0 otherwise and on days without a score (the rule of `trader.signals.scores`). With ``min_hold``
    m, a position taken on day t0 is not closed or flipped before day t0 + m (the raw target is
    ignored until then).
    """

    name = "model_threshold"
    Params = SignalConfig
    needs_scores = True

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        p: SignalConfig = self.params
        values = scores if scores is not None else pd.Series(np.nan, index=frame.index)
        raw = targets_from_scores(values.to_frame(), p).iloc[:, 0].to_numpy()
        held = hold_positions(raw, raw == 0.0, min_hold=p.min_hold)
        return pd.Series(held, index=frame.index)
