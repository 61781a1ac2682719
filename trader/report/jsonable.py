"""Values made JSON-safe: what every ``--json`` output and every saved report goes through."""

from __future__ import annotations

import math
from typing import Any


def json_safe(value: Any) -> Any:
    """NaN and infinities become null, numpy scalars plain numbers, tuples lists, keys strings."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
