"""The one number formatter: every number a person reads (canvas, tooltips, formula panel,
inspector, command line) is written by :func:`number`, so one value always reads the same.
"""
from __future__ import annotations

import numpy as np

DECIMALS = 4
EDGE_ITEMS = 4  # a long axis shows its first and last few entries, like numpy's summary
LONG = 12
HUGE = 1e5


def number(x: float, decimals: int = DECIMALS) -> str:
    """A number as the app writes it.

    0.3 stays 0.3; -0.35541 becomes -0.3554; a tiny value keeps its sign (-0.0000); a value
    equal to its rounding up to float error (2 - 1.5 - 0.9) reads as the short form; a value
    of 100 000 or more is written in scientific notation (1.235e+05); NaN and infinities
    are nan, inf and -inf.

    Parameters
    ----------
    x : float
        The value.
    decimals : int
        Digits after the point (4 in the formula panel and tooltips, 2 inside a neuron).
    """
    x = float(x)
    if not np.isfinite(x):
        return "nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")
    if abs(x) >= HUGE:
        return f"{x:.{max(decimals - 1, 1)}e}"
    rounded = round(x, decimals)
    if abs(rounded - x) <= 1e-12 * max(1.0, abs(x)) and (rounded != 0 or x == 0):
        text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return f"{x:.{decimals}f}"


def figures(x: float, digits: int = 4) -> str:
    """A value that spans orders of magnitude (a training loss: 2.31, then 0.0001234) with
    ``digits`` significant digits, so a small loss does not read as 0.0000; NaN and
    infinities as in :func:`number`."""
    x = float(x)
    if not np.isfinite(x):
        return number(x)
    return f"{x:.{digits}g}"


def array_text(value, decimals: int = DECIMALS) -> str:
    """A vector as [a, b, c]; a matrix as [[…], […]]; a number as itself.

    An axis longer than 12 is summarised as its first and last 4 entries around "… n more …".
    """
    value = np.asarray(value)
    if value.ndim == 0:
        return number(value, decimals)
    if len(value) > LONG:
        head = [array_text(v, decimals) for v in value[:EDGE_ITEMS]]
        tail = [array_text(v, decimals) for v in value[-EDGE_ITEMS:]]
        return "[" + ", ".join(head + [f"… {len(value) - 2 * EDGE_ITEMS} more …"] + tail) + "]"
    return "[" + ", ".join(array_text(v, decimals) for v in value) + "]"


def sample(value, index: int = 0):
    """Row ``index`` of a batch array (the vector of one sample), else the value itself."""
    value = np.asarray(value)
    return value[index] if value.ndim == 2 and value.shape[0] > 0 else value
