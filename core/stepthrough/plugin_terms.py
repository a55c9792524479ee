"""What the feature and regularizer plugins say, as the step table writes it.

The step h_0 = φ(x) is written with each feature plugin's ``formula`` (and its ``label`` in
words); the penalty terms of the loss and of ∇W_k with the regularizer plugin's ``formula``
and ``gradient_formula``. Nothing here knows a built-in feature or regularizer by name: a
third-party plugin's formulas are shown the same way (docs/plugins.md).
"""
from __future__ import annotations

import re

from core.engine.passes import Trace
from core.stepthrough.latex_text import to_unicode
from core.stepthrough.notation import sub
from core.stepthrough.numbers import number
from core.stepthrough.plugin_equations import split_equation


def _text(value: object) -> str:
    """A plugin's text field; anything but a string (a plugin's slip) counts as none."""
    return value if isinstance(value, str) else ""


def features_latex(trace: Trace) -> str:
    r"""φ(x) as the feature plugins write it: ``[x_1,\ x_1^2,\ \sin x_2]``."""
    parts = [_text(f.formula) or r"\mathrm{" + f.name.replace("_", r"\_") + "}(x)"
             for f in trace.feature_specs or []]
    return "[" + r",\ ".join(parts) + "]"


def features_text(trace: Trace) -> str:
    """The features as the canvas labels them: x₁, x₁², sin x₂."""
    return ", ".join(_text(f.label) or f.name for f in trace.feature_specs or [])


def penalty_gradient_symbol(trace: Trace, k: int) -> str:
    r"""The regularizer's ∂R/∂W (its gradient_formula's right side) at W_k: ``\mathrm{sign}(W_2)``."""
    text = _text(getattr(trace.regularizer, "gradient_formula", ""))
    rhs = split_equation(text)[1] if text else ""
    if not rhs:
        return rf"\partial R / \partial W{sub(k)}"
    return re.sub(r"(?<![A-Za-z\\])W(?![A-Za-z_])", f"W{sub(k)}", rhs)  # W -> W_k, not \Wedge or W_1


def penalty_words(trace: Trace, template: str) -> str:
    """``template`` filled from the regularizer plugin and the trace ("" without a template).

    Keys: ``{r_name}``, ``{r_formula}`` (R(W) in Unicode), ``{r_gradient}`` (∂R/∂W),
    ``{rate}`` (λ) and ``{penalty}`` (λ Σ_k R(W_k)).
    """
    reg = trace.regularizer
    if reg is None or not template:
        return ""
    formula = to_unicode(_text(reg.formula)) if _text(reg.formula) else "R(W)"
    gradient = to_unicode(_text(reg.gradient_formula)) if _text(reg.gradient_formula) else "∂R/∂W"
    return template.format(r_name=reg.name, r_formula=formula, r_gradient=gradient,
                           rate=number(trace.rate), penalty=number(trace.penalty))
