"""The one number formatter: how a person reads every value."""
from __future__ import annotations

import math

from core.stepthrough.numbers import figures, number


def test_number_rounds_to_four_decimals_and_keeps_short_values_short() -> None:
    assert number(-0.35541) == "-0.3554"
    assert number(0.3) == "0.3"
    assert number(2 - 1.5 - 0.9) == "-0.4"
    assert number(-2.1e-05) == "-0.0000"  # a tiny value keeps its sign
    assert number(123456.0) == "1.235e+05"
    assert [number(v) for v in (math.nan, math.inf, -math.inf)] == ["nan", "inf", "-inf"]


def test_a_training_loss_keeps_its_significant_digits() -> None:
    assert figures(2.302585) == "2.303"
    assert figures(0.00012345) == "0.0001234"  # not 0.0001: a loss near 0 still reads
    assert number(0.00012345) == "0.0001"
    assert [figures(v) for v in (math.nan, math.inf)] == ["nan", "inf"]
