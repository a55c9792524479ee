"""The element view: one step's vector equation expanded to one scalar, with the numbers.

Selecting a neuron or a weight during a step shows, for example,
∂L/∂h_{2,1} = Σ_m ∂L/∂a_{3,m} W_{3,m,1} = (-0.3554)(0.3) + (0.3554)(-0.5) = -0.2843.
Each rule kind of the step table has one scalar form here; the loss plugin's steps use its
optional ``output_element_formula`` and ``gradient_element_formula`` (docs/plugins.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from core.engine.passes import Trace
from core.stepthrough.latex_text import to_unicode
from core.stepthrough.notation import Element
from core.stepthrough.numbers import number
from core.stepthrough.plugin_equations import split_equation
from core.stepthrough.steps import Context, Step, output_layer

MAX_TERMS = 6  # a longer sum shows its first terms, ⋯, and its last


@dataclass(frozen=True)
class ElementView:
    element: Element  # what is expanded, e.g. grad_h2[1]
    symbolic: str  # the scalar equation, LaTeX
    numbers: str  # the same with the numbers, LaTeX
    result: float
    note: str = ""  # a line of words (e.g. the derivation's idea)

    def text(self) -> str:
        """Unicode text of the two lines (for the terminal and tests)."""
        return f"{to_unicode(self.symbolic)}\n{to_unicode(self.numbers)}"


class NotAnElement(ValueError):
    """The selection is not part of what the step writes."""


def f(x: float) -> str:
    """A factor in a product: (-0.3554), (0.3)."""
    return f"({number(x)})"


def u(k: int, *index: int) -> str:
    """Subscript of an element with 1-based units: {2,1}."""
    return "{" + ",".join(str(v) for v in (k, *index)) + "}"


def _sum(terms: list[str]) -> str:
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS - 1] + [r"\cdots"] + terms[-1:]
    return " + ".join(terms)


def _one(v) -> np.ndarray:
    v = np.asarray(v)
    return v[0] if v.ndim == 2 and v.shape[0] >= 1 else v


def element_view(step: Step, trace: Trace, selection: tuple, *, lr: float = 0.1) -> ElementView:
    """Expand ``step`` at ``selection``: ("neuron", k, i), ("weight", k, i, j) or ("bias", k, i), 0-based.

    Raises
    ------
    NotAnElement
        When the step writes no such element (the message says what to select).
    """
    ctx = Context(trace, lr)
    kind, layer, *index = selection
    form = FORMS.get(step.kind)
    target = {"features": "neuron", "a": "neuron", "h": "neuron", "yhat": "neuron", "grad_aL": "neuron",
              "grad_h": "neuron", "grad_a": "neuron", "grad_W": "weight", "grad_b": "bias", "update": "weight|bias",
              "loss": ""}.get(step.kind, "")
    if form is None or not target:
        raise NotAnElement("this step writes a single number: there is no element to expand")
    allowed = target.split("|")
    if step.kind in ("grad_b",) and kind == "neuron":
        kind = "bias"  # the bias sits on its neuron: either selects it
    if kind not in allowed or layer != step.layer:
        what = {"neuron": f"a neuron of layer {step.layer}", "weight": f"a weight into layer {step.layer}",
                "bias": f"a bias of layer {step.layer}"}
        raise NotAnElement("select " + " or ".join(what[a] for a in allowed) + " to see this step for one element")
    sizes = [trace.h[0].shape[1]] + [a.shape[1] for a in trace.a[1:]]  # n_0: h_0 (φ(x) with features)
    bounds = (sizes[layer],) + ((sizes[layer - 1],) if kind == "weight" else ())
    if len(index) != len(bounds) or not all(0 <= v < n for v, n in zip(index, bounds)):
        raise NotAnElement(f"there is no such {kind} in layer {layer} (widths {sizes})")
    return form(step, ctx, kind, [int(v) for v in index])


def _features(step, ctx, kind, index):
    (i,) = index  # h_{0,i} = φ_i(x), the feature plugin's formula
    feature = ctx.trace.feature_specs[i]
    formula = feature.formula if isinstance(feature.formula, str) and feature.formula else rf"\phi_{{{i + 1}}}(x)"
    x = _one(ctx.value("x"))
    value = float(_one(step.values)[i])
    listed = ", ".join(number(v) for v in x)
    return ElementView(Element("h0", (i + 1,)), rf"h_{u(0, i + 1)} = {formula}",
                       rf"x = ({listed}):\quad h_{u(0, i + 1)} = {number(value)}", value,
                       f"feature {feature.name}" + (f": {feature.description}" if feature.description else ""))


def _a(step, ctx, kind, index):
    k, (i,) = step.k, index
    W, b, h = ctx.value(f"W{k}"), ctx.value(f"b{k}"), _one(ctx.value(f"h{k - 1}"))
    terms = [f"{f(W[i, j])}{f(h[j])}" for j in range(len(h))]
    return ElementView(Element(f"a{k}", (i + 1,)),
                       rf"a_{u(k, i + 1)} = b_{u(k, i + 1)} + \sum_j W_{u(k, i + 1, 'j')}\, h_{u(k - 1, 'j')}",
                       rf"a_{u(k, i + 1)} = {f(b[i])} + {_sum(terms)} = {number(_one(step.values)[i])}",
                       float(_one(step.values)[i]))


def _h(step, ctx, kind, index):
    k, (i,) = step.k, index
    a = _one(ctx.value(f"a{k}"))[i]
    name = ctx.activation(k).replace("_", r"\_")
    value = float(_one(step.values)[i])
    return ElementView(Element(f"h{k}", (i + 1,)), rf"h_{u(k, i + 1)} = g(a_{u(k, i + 1)})",
                       rf"h_{u(k, i + 1)} = \mathrm{{{name}}}{f(a)} = {number(value)}", value)


def _yhat(step, ctx, kind, index):
    (i,) = index
    L = ctx.trace.depth
    given = ctx.plugin_text("output_element_formula")
    symbolic = _indexed(output_layer(given, L), i + 1) if given else rf"\hat{{y}}_{{{i + 1}}} = O(a_{L})_{{{i + 1}}}"
    a = _one(ctx.value(f"a{L}"))
    value = float(_one(step.values)[i])
    listed = ", ".join(number(v) for v in a)
    return ElementView(Element("yhat", (i + 1,)), symbolic,
                       rf"a_{L} = ({listed}):\quad \hat{{y}}_{{{i + 1}}} = {number(value)}", value)


def _grad_aL(step, ctx, kind, index):
    (i,) = index
    L = ctx.trace.depth
    given = ctx.plugin_text("gradient_element_formula")
    y, yhat = _one(ctx.value("y"))[i], _one(ctx.value("yhat"))[i]
    value = float(_one(step.values)[i])
    lhs = rf"\partial L/\partial a_{u(L, i + 1)}"
    B = ctx.trace.batch_size
    scale = rf"\frac{{1}}{{{B}}}" if B > 1 else ""
    if given:
        symbolic = _indexed(output_layer(given, L), i + 1)
        _, last = _last_side(symbolic)
        filled = _fill_scalars(last, {r"\hat{y}_{" + str(i + 1) + "}": yhat, "y_{" + str(i + 1) + "}": y})
        numbers = f"{lhs} = {scale}{filled} = {number(value)}"
    else:
        symbolic = rf"{lhs} = \partial L / \partial a_{{L,i}}"
        with_values = rf"y_{{{i + 1}}} = {number(y)},\ \hat{{y}}_{{{i + 1}}} = {number(yhat)}"
        numbers = rf"{with_values}:\quad {lhs} = {number(value)}"
    note = ctx.plugin_text("gradient_element_note")
    return ElementView(Element(f"grad_a{L}", (i + 1,)), symbolic, numbers, value, note)


def _grad_W(step, ctx, kind, index):
    k, (i, j) = step.k, index
    value = float(step.values[i, j])
    lhs = rf"\partial L/\partial W_{u(k, i + 1, j + 1)}"
    penalty_symbol = penalty_numbers = ""
    if ctx.regularized:  # + λ [∂R/∂W_k]_{ij}, as the regularizer plugin writes ∂R/∂W
        penalty_symbol = rf" + \lambda\, \left[{ctx.penalty_gradient_symbol(k)}\right]_{{{i + 1},{j + 1}}}"
        penalty_numbers = f" + {f(ctx.value('lambda'))}{f(ctx.value(f'dR{k}')[i, j])}"
    if ctx.trace.batch_size > 1:
        ga, h = ctx.value(f"grad_a{k}")[:, i], ctx.value(f"h{k - 1}")[:, j]
        terms = [f"{f(x)}{f(y)}" for x, y in zip(ga, h)]
        return ElementView(Element(f"grad_W{k}", (i + 1, j + 1)),
                           rf"{lhs} = \sum_s \partial L/\partial a_{u(k, i + 1)}^{{(s)}}\, h_{u(k - 1, j + 1)}^{{(s)}}"
                           + penalty_symbol,
                           f"{lhs} = {_sum(terms)}{penalty_numbers} = {number(value)}", value)
    ga, h = _one(ctx.value(f"grad_a{k}"))[i], _one(ctx.value(f"h{k - 1}"))[j]
    return ElementView(Element(f"grad_W{k}", (i + 1, j + 1)),
                       rf"{lhs} = \partial L/\partial a_{u(k, i + 1)}\, h_{u(k - 1, j + 1)}" + penalty_symbol,
                       f"{lhs} = {f(ga)}{f(h)}{penalty_numbers} = {number(value)}", value)


def _grad_b(step, ctx, kind, index):
    k, (i,) = step.k, index
    value = float(step.values[i])
    lhs = rf"\partial L/\partial b_{u(k, i + 1)}"
    ga = ctx.value(f"grad_a{k}")[:, i]
    numbers = " + ".join(f(x) for x in ga) if len(ga) > 1 else number(ga[0])
    return ElementView(Element(f"grad_b{k}", (i + 1,)),
                       rf"{lhs} = \partial L/\partial a_{u(k, i + 1)}" + (r"\ \mathrm{(summed\ over\ the\ samples)}"
                                                                          if len(ga) > 1 else ""),
                       f"{lhs} = {numbers} = {number(value)}", value)


def _grad_h(step, ctx, kind, index):
    k, (j,) = step.k, index  # ∇h_{k-1} = W_kᵀ ∇a_k, loop layer k
    W, ga = ctx.value(f"W{k}"), _one(ctx.value(f"grad_a{k}"))
    value = float(_one(step.values)[j])
    lhs = rf"\partial L/\partial h_{u(k - 1, j + 1)}"
    terms = [f"{f(ga[m])}{f(W[m, j])}" for m in range(len(ga))]
    return ElementView(Element(f"grad_h{k - 1}", (j + 1,)),
                       rf"{lhs} = \sum_m \partial L/\partial a_{u(k, 'm')}\, W_{u(k, 'm', j + 1)}",
                       f"{lhs} = {_sum(terms)} = {number(value)}", value)


def _grad_a(step, ctx, kind, index):
    k, (i,) = step.k - 1, index  # ∇a_{k-1} = ∇h_{k-1} ⊙ g'(a_{k-1})
    gh, gp = _one(ctx.value(f"grad_h{k}"))[i], _one(ctx.value(f"gprime{k}"))[i]
    value = float(_one(step.values)[i])
    lhs = rf"\partial L/\partial a_{u(k, i + 1)}"
    return ElementView(Element(f"grad_a{k}", (i + 1,)),
                       rf"{lhs} = \partial L/\partial h_{u(k, i + 1)}\, g'(a_{u(k, i + 1)})",
                       f"{lhs} = {f(gh)}{f(gp)} = {number(value)}", value,
                       f"g = {ctx.activation(k)}, its slope at a = {number(_one(ctx.value(f'a{k}'))[i])} "
                       f"is {number(gp)}")


def _update(step, ctx, kind, index):
    k = step.k
    if kind == "weight":
        i, j = index
        old, grad, new = ctx.value(f"W{k}")[i, j], ctx.value(f"grad_W{k}")[i, j], step.outputs[0][1][i, j]
        name, element = f"W_{u(k, i + 1, j + 1)}", Element(f"W{k}", (i + 1, j + 1))
    else:
        (i,) = index
        old, grad, new = ctx.value(f"b{k}")[i], ctx.value(f"grad_b{k}")[i], step.outputs[1][1][i]
        name, element = f"b_{u(k, i + 1)}", Element(f"b{k}", (i + 1,))
    return ElementView(element, rf"{name} \leftarrow {name} - \eta\, \partial L/\partial {name}",
                       rf"{name} \leftarrow {f(old)} - {f(ctx.lr)}{f(grad)} = {number(new)}", float(new))


FORMS = {"features": _features, "a": _a, "h": _h, "yhat": _yhat, "grad_aL": _grad_aL, "grad_W": _grad_W,
         "grad_b": _grad_b, "grad_h": _grad_h, "grad_a": _grad_a, "update": _update}


def _indexed(latex: str, i: int) -> str:
    """A plugin's element formula with its free index i set to the selected unit (y_i -> y_{2})."""
    latex = re.sub(r"_i(?![A-Za-z])", f"_{{{i}}}", latex)
    return re.sub(r"(?<=[{,=])i(?=\})", str(i), latex)


def _last_side(latex: str) -> tuple[str, str]:
    parts = latex.rsplit("=", 1)
    return (parts[0], parts[1].strip()) if len(parts) == 2 else ("", latex)


def _fill_scalars(latex: str, values: dict[str, float]) -> str:
    for symbol_text, value in sorted(values.items(), key=lambda kv: -len(kv[0])):
        latex = latex.replace(symbol_text, f(value) if value < 0 else number(value))
    return latex


__all__ = ["ElementView", "NotAnElement", "element_view", "split_equation"]
