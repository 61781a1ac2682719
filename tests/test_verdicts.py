"""The two-part verdict: its rules, and sentences whose printed numbers satisfy the decision."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trader.evaluate.paired import Difference
from trader.evaluate.verdicts import Predictive, Tradable, verdict_line
from trader.evaluate.wording import beside, ordered, p_text, parse

NUMBER = r"([+-]?[0-9.]+(?:e[+-]?[0-9]+)?%?|n/a)"


def near(value: float, width: float) -> st.SearchStrategy[float]:
    """Numbers at, just around and far from a threshold."""
    return st.one_of(
        st.just(value),
        st.floats(value - width, value + width),
        st.floats(value - 1e-9, value + 1e-9),
    )


def tradable(low: float, high: float, p: float, dsr: float, days: int = 500) -> Tradable:
    excess = Difference((low + high) / 2, low, high, p, 0.95, days)
    return Tradable("buy_and_hold", excess, 0.4, 0.9, dsr, 480.0, 12, 3)


def test_beside_never_rounds_across_the_threshold() -> None:
    assert p_text(0.0496) == "0.0496" and p_text(0.031) == "0.031" and p_text(0.05) == "0.05"
    assert p_text(6.2e-23) == "6.2e-23" and p_text(math.nan) == "n/a"
    assert beside(0.9504, 0.95, "ratio") == "0.9504"
    assert beside(0.9496, 0.95, "ratio") == "0.9496"
    assert beside(0.00003, 0.0, "signed_pct", 1) == "+0.003%"
    assert beside(-0.00003, 0.0, "signed_pct", 1) == "-0.003%"
    assert beside(0.123, 0.0, "signed_pct", 1) == "+12.3%"
    assert ordered(0.50612, 0.50588, "pct") == ("50.61%", "50.59%")
    assert ordered(0.5, 0.5, "pct") == ("50.0%", "50.0%")
    assert parse("+1.5%") == pytest.approx(0.015) and math.isnan(parse("n/a"))


def test_predictive_rule_and_words() -> None:
    yes = Predictive(0.559, 0.506, 1500, 1400, 6.2e-23, 1.24e-22, 2)
    assert yes.edge is True
    assert yes.text.startswith("predictive edge (hit rate 55.9% vs base 50.6% over 1,500 calls")
    assert "Holm-adjusted p=1.2e-22 over 2 models (raw p=6.2e-23)" in yes.text
    no = Predictive(0.512, 0.53, 700, 690, 0.71, 1.0, 1)
    assert no.edge is False and no.text.startswith("no predictive edge (") and "p=1)" in no.text
    # significant before the adjustment, not after: no edge, and both numbers shown
    held = Predictive(0.56, 0.5, 300, 300, 0.03, 0.06, 2)
    assert held.edge is False and "Holm-adjusted p=0.06" in held.text and "raw p=0.03" in held.text
    none = Predictive(math.nan, 0.5, 0, 0, math.nan, math.nan, 1)
    assert none.edge is None and "not enough calls" in none.text
    assert yes.as_dict()["edge"] is True and yes.as_dict()["text"] == yes.text


def test_tradable_needs_every_test() -> None:
    assert tradable(0.02, 0.2, 0.01, 0.97).tradable is True
    assert tradable(0.02, 0.2, 0.01, 0.90).tradable is False  # deflated away by the trials
    assert tradable(-0.02, 0.2, 0.2, 0.99).tradable is False  # excess not significant
    assert tradable(-0.2, -0.02, 0.01, 0.99).tradable is False  # significantly worse
    assert tradable(0.02, 0.2, 0.01, math.nan).tradable is False  # never traded
    assert tradable(0.0, 0.0, math.nan, math.nan, days=1).tradable is None
    text = tradable(0.02, 0.2, 0.01, 0.97).text
    assert text.startswith("tradable after costs (excess return over buy_and_hold +11.0%, 95% CI")
    assert "DSR 0.97 of the excess returns over 12 trials from 3 runs" in text
    no = tradable(-0.3, 0.1, 0.4, 0.02)
    assert no.text.startswith("not tradable after costs (")
    line = verdict_line(Predictive(0.56, 0.5, 900, 900, 1e-5, 1e-5, 1), no)
    assert line.startswith("predictive edge (") and "; not tradable after costs (" in line
    as_dict = no.as_dict()
    assert as_dict["tradable"] is False and as_dict["excess_ci_low"] == -0.3
    assert as_dict["excess_p_value"] == 0.4 and as_dict["trials"] == 12


@given(p=near(0.05, 0.001), raw=st.floats(0, 1), models=st.integers(1, 5))
def test_predictive_words_match_printed_numbers(p: float, raw: float, models: int) -> None:
    verdict = Predictive(0.55, 0.5, 800, 800, raw, p, models)
    printed = re.search(rf"(?:Holm-adjusted )?p={NUMBER}", verdict.text)
    assert printed is not None
    assert verdict.text.startswith("predictive edge") == (parse(printed.group(1)) < 0.05)


@given(
    low=near(0.0, 0.001),
    width=st.floats(0, 0.2),
    p=near(0.05, 0.001),
    dsr=st.one_of(near(0.95, 0.001), st.just(math.nan)),
)
def test_tradable_words_match_printed_numbers(
    low: float, width: float, p: float, dsr: float
) -> None:
    text = tradable(low, low + width, p, dsr).text
    ci = re.search(rf"CI {NUMBER}\.\.{NUMBER}, p={NUMBER}", text)
    deflated = re.search(rf"DSR {NUMBER} of", text)
    assert ci is not None and deflated is not None
    shown_low, shown_p, shown_dsr = (
        parse(ci.group(1)),
        parse(ci.group(3)),
        parse(deflated.group(1)),
    )
    rule = shown_p < 0.05 and shown_low > 0 and shown_dsr > 0.95
    assert text.startswith("tradable after costs") == rule, text
