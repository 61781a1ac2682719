"""Numbers in sentences that cannot contradict the decision they support.

A verdict decides on exact numbers and prints rounded ones. Rounding may carry a number across
its threshold (p = 0.0496 printed "0.05" next to "significant", a DSR of 0.9504 printed "0.95"
next to "above 0.95", an interval bound of +0.00003 printed "+0.0%"). `beside` prints a number
with as many more digits as it takes for the printed value to sit on the same side of the
threshold as the exact one (or on it, when the exact one is). The tests parse the printed
numbers back and apply the rule again.
"""

from __future__ import annotations

import math

NA = "n/a"
_MORE_DIGITS = 8


def _spec(style: str, digits: int) -> str:
    return {
        "p": f".{digits}g",  # p-values: significant digits (6.2e-23, 0.31)
        "ratio": f".{digits}f",  # PSR, DSR, Sharpe: decimals
        "pct": f".{digits}%",  # fractions as percentages
        "signed_pct": f"+.{digits}%",
        "signed": f"+.{digits}f",
    }[style]


def parse(text: str) -> float:
    """The value of a number printed by `beside` (``"+1.5%"`` -> 0.015, ``"n/a"`` -> NaN)."""
    if text == NA:
        return math.nan
    if text.endswith("%"):
        return float(text[:-1]) / 100.0
    return float(text)


def _side(value: float, threshold: float) -> int:
    return (value > threshold) - (value < threshold)


def beside(value: float | None, threshold: float, style: str, digits: int = 2) -> str:
    """``value`` printed in ``style`` without crossing ``threshold``.

    Styles: ``p`` (significant digits), ``ratio`` (decimals), ``pct`` and ``signed_pct``
    (percent), ``signed`` (decimals with a sign). ``n/a`` for None and non-finite values.
    """
    if value is None or not math.isfinite(value):
        return NA
    side = _side(value, threshold)
    for extra in range(_MORE_DIGITS + 1):
        text = format(value, _spec(style, digits + extra))
        if _side(parse(text), threshold) == side:
            return text
    return repr(value)


def ordered(a: float, b: float, style: str, digits: int = 1) -> tuple[str, str]:
    """``a`` and ``b`` printed with one precision that keeps their order (``<``, ``=``, ``>``)."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return plain(a, style, digits), plain(b, style, digits)
    side = _side(a, b)
    for extra in range(_MORE_DIGITS + 1):
        spec = _spec(style, digits + extra)
        first, second = format(a, spec), format(b, spec)
        if _side(parse(first), parse(second)) == side:
            return first, second
    return repr(a), repr(b)


def plain(value: float | None, style: str, digits: int = 2) -> str:
    """``value`` in ``style`` (a number no decision rests on); ``n/a`` when missing."""
    if value is None or not math.isfinite(value):
        return NA
    return format(value, _spec(style, digits))


def p_text(value: float | None, alpha: float = 0.05) -> str:
    """A p-value beside ``alpha``: two significant digits, more when near it."""
    return beside(value, alpha, "p")


def count(n: int, noun: str) -> str:
    """``1 trial``, ``3 trials``, ``1,234 calls``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
