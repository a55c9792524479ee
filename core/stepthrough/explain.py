"""Each step in words and numbers: the equation, the same equation with the actual
vectors and matrices filled in, the result, and one plain-language line of what it means.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.engine.passes import Trace
from core.stepthrough.steps import Step

OUTPUT_NAMES = {"softmax_cross_entropy": "softmax", "squared_error": "identity",
                "binary_cross_entropy": "sigmoid"}


@dataclass
class Explanation:
    symbolic: str  # the equation, mathtext LaTeX (Step.formula)
    substituted: str  # the equation with the numbers, plain Unicode text
    result: str  # the value written, plain text
    meaning: str  # one plain-language line
    operands: list[tuple[str, np.ndarray | float]] = field(default_factory=list)  # what is read


def number(x: float, decimals: int = 4) -> str:
    """0.3 stays 0.3; -0.35541 becomes -0.3554; a tiny value keeps its sign (-0.0000).

    A value equal to its rounding up to float error (2 - 1.5 - 0.9) reads as the short form.
    """
    x = float(x)
    rounded = round(x, decimals)
    if abs(rounded - x) <= 1e-12 * max(1.0, abs(x)) and (rounded != 0 or x == 0):
        text = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return f"{x:.{decimals}f}"


EDGE_ITEMS = 4  # a long axis shows its first and last few entries, like numpy's summary
LONG = 12


def array_text(value, decimals: int = 4) -> str:
    """A vector as [a, b, c]; a matrix as [[…], […]]; a number as itself.

    An axis longer than 12 is summarised as its first and last 4 entries around "…, (n more),".
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
    """Row ``index`` of a batch array (vectors of one sample), else the value itself."""
    value = np.asarray(value)
    return value[index] if value.ndim == 2 and value.shape[0] > 0 and value.ndim > 1 else value


def activation_name(trace: Trace, k: int) -> str:
    return trace.network.activations[k - 1]


def explain(step: Step, trace: Trace, *, lr: float = 0.1, index: int = 0) -> Explanation:
    """Explain ``step`` for sample ``index`` of ``trace`` (weight gradients are batch means)."""
    q, k, L = step.quantity, step.layer, trace.depth
    t = lambda v: array_text(v)  # noqa: E731
    s = lambda v: sample(v, index)  # noqa: E731
    out = OUTPUT_NAMES.get(trace.network.loss, trace.network.loss)
    result = t(s(step.values)) if q.startswith(("a", "h", "yhat", "grad_a", "grad_h")) else t(step.values)
    if step.phase == "forward" and q.startswith("a"):
        ops = [(f"b_{k}", trace.network.b(k)), (f"W_{k}", trace.network.W(k)), (f"h_{k-1}", s(trace.h[k - 1]))]
        text = f"a_{k} = b_{k} + W_{k} h_{k-1} = {t(ops[0][1])} + {t(ops[1][1])} · {t(ops[2][1])} = {result}"
        meaning = (f"Each unit of layer {k} adds up the outputs of layer {k-1}, each times the weight of "
                   "its connection, and adds its bias.")
    elif step.phase == "forward" and q.startswith("h"):
        g = activation_name(trace, k)
        ops = [(f"a_{k}", s(trace.a[k]))]
        text = f"h_{k} = g(a_{k}) = {g}({t(ops[0][1])}) = {result}"
        meaning = f"The activation {g} is applied to each unit's pre-activation on its own."
    elif q == "yhat":
        ops = [(f"a_{L}", s(trace.a[L]))]
        text = f"ŷ = {out}(a_{L}) = {out}({t(ops[0][1])}) = {result}"
        meaning = {"softmax": "Softmax turns the output scores into probabilities that add up to 1.",
                   "identity": "The output is the pre-activation itself (a regression output).",
                   "sigmoid": "The sigmoid turns each output score into a probability between 0 and 1.",
                   }.get(out, f"The loss {trace.network.loss} fixes the output function.")
    elif q == "loss":
        y, yhat = s(trace.Y), s(trace.yhat)
        ops = [("y", y), ("ŷ", yhat)]
        per_sample = number(trace.losses[index])
        if trace.network.loss == "softmax_cross_entropy" and np.count_nonzero(y) == 1:
            ell = int(np.argmax(y))
            text = f"L = -log ŷ_{ell + 1} = -log({number(yhat[ell])}) = {per_sample}"
            meaning = "The loss is small when the network gives the true class a high probability."
        else:
            text = f"L = {trace.network.loss}(y = {t(y)}, ŷ = {t(yhat)}) = {per_sample}"
            meaning = "The loss measures how far the prediction ŷ is from the target y."
        if trace.batch_size > 1:
            text += f"   (mean over the batch of {trace.batch_size}: {number(trace.loss)})"
        result = number(trace.loss)
    elif q == f"grad_a{L}":
        y, yhat = s(trace.Y), s(trace.yhat)
        ops = [("y", y), ("ŷ", yhat)]
        rhs = "-(y - ŷ)" if trace.network.loss != "squared_error" else "-2(y - ŷ)"
        factor = "-2" if trace.network.loss == "squared_error" else "-"
        scale = f" ÷ {trace.batch_size} (batch mean)" if trace.batch_size > 1 else ""
        text = f"∇a_{L} = {rhs} = {factor}({t(y)} - {t(yhat)}){scale} = {result}"
        meaning = ("The error signal at the output: how much each output score should move, "
                   "prediction minus target.")
    elif q.startswith("grad_W"):
        ga, h = s(trace.grad_a[k]), s(trace.h[k - 1])
        ops = [(f"∇a_{k}", ga), (f"h_{k-1}", h)]
        text = f"∇W_{k} = ∇a_{k} h_{k-1}ᵀ = {t(ga)} · {t(h)}ᵀ = {result}"
        meaning = ("Each weight's blame is the error of the unit it feeds times the input that "
                   "flows through it.")
    elif q.startswith("grad_b"):
        ops = [(f"∇a_{k}", s(trace.grad_a[k]))]
        text = f"∇b_{k} = ∇a_{k} = {result}"
        meaning = "A bias adds 1 × itself to its unit, so it gets exactly that unit's error signal."
    elif q.startswith("grad_h"):
        W, ga = trace.network.W(k + 1), s(trace.grad_a[k + 1])
        ops = [(f"W_{k+1}", W), (f"∇a_{k+1}", ga)]
        text = f"∇h_{k} = W_{k+1}ᵀ ∇a_{k+1} = {t(W)}ᵀ · {t(ga)} = {result}"
        meaning = ("Each unit collects the blame of the units it feeds, weighted by the weights "
                   "of those connections.")
    elif q.startswith("grad_a"):
        gh, gp = s(trace.grad_h[k]), s(trace.g_prime[k])
        g = activation_name(trace, k)
        ops = [(f"∇h_{k}", gh), (f"g'(a_{k})", gp)]
        text = f"∇a_{k} = ∇h_{k} ⊙ g'(a_{k}) = {t(gh)} ⊙ {t(gp)} = {result}"
        meaning = (f"The blame passes back through {g}: each unit's is scaled by the slope g' at its "
                   "pre-activation (a flat slope lets little through).")
    elif step.phase == "update":
        W, gW = trace.network.W(k), trace.grad_W[k]
        ops = [(f"W_{k}", W), ("η", lr), (f"∇W_{k}", gW)]
        text = f"W_{k} ← W_{k} - η ∇W_{k} = {t(W)} - {number(lr)} · {t(gW)} = {result}"
        meaning = "Every weight takes a small step against its gradient, downhill on the loss."
    else:
        raise ValueError(f"no explanation for step {q!r}")
    return Explanation(step.formula, text, result, meaning, ops)
