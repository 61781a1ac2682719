"""JSON-safe values: what --json prints and reports save is always strict JSON."""

from __future__ import annotations

import json
import math

import numpy as np

from trader.report.jsonable import json_safe


def test_non_finite_numbers_become_null_and_numpy_plain() -> None:
    data = {1: [np.float64(0.5), math.nan, (np.int64(3), -math.inf)], "x": {"y": np.nan}}
    clean = json_safe(data)
    assert clean == {"1": [0.5, None, [3, None]], "x": {"y": None}}
    assert type(clean["1"][0]) is float and type(clean["1"][2][0]) is int
    json.dumps(clean, allow_nan=False)  # strict JSON
