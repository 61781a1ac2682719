"""Buy and hold: the benchmark every other strategy has to beat."""

from __future__ import annotations

import pandas as pd

from trader.signals import Strategy


class BuyAndHold(Strategy):
    """Long every ticker from its first bar to the end.

    The target is 1 on every day, so the position is bought at the open of the ticker's second
    bar (the first decision is taken at the first close) and held to the last bar. It has no
    parameters.
    """

    name = "buy_and_hold"

    def ticker_targets(self, frame: pd.DataFrame, scores: pd.Series | None) -> pd.Series:
        return pd.Series(1.0, index=frame.index)
