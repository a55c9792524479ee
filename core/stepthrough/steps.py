"""The trace as an ordered stream of steps: what the animation walks through.

Each step is one line of MATH.md (phase, layer, quantity, formula) with the values the
engine computed and the quantities it reads, so the animation can never show a number
the engine did not compute.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.engine.passes import Trace


@dataclass(frozen=True)
class Step:
    phase: str  # "forward" or "backward"
    layer: int  # k of the quantity written (0 for ∇h_0)
    quantity: str  # trace name of what the step writes: a1, h1, yhat, loss, grad_W3 …
    formula: str  # the equation in mathtext-compatible LaTeX
    reads: tuple[str, ...]  # trace names of what the step reads
    values: np.ndarray | float

    def to_json(self, *, with_values: bool = False) -> dict:
        data = {"phase": self.phase, "layer": self.layer, "quantity": self.quantity,
                "formula": self.formula, "reads": list(self.reads)}
        if with_values:
            data["values"] = to_jsonable(self.values)
        return data


def sub(k: int) -> str:
    """A subscript in LaTeX: _3, or _{12} for two digits."""
    return f"_{k}" if k < 10 else f"_{{{k}}}"


def to_jsonable(value):
    """A single sample's vector as a flat list; a batch as a list of rows; a number as a float."""
    if isinstance(value, np.ndarray):
        if value.ndim == 2 and value.shape[0] == 1:
            value = value[0]
        return value.tolist()
    return float(value)


def forward_steps(trace: Trace) -> list[Step]:
    L = trace.depth
    steps = []
    for k in range(1, L + 1):
        steps.append(Step("forward", k, f"a{k}", f"a{sub(k)} = b{sub(k)} + W{sub(k)} h{sub(k - 1)}",
                          (f"W{k}", f"b{k}", f"h{k - 1}"), trace.a[k]))
        if k < L:
            steps.append(Step("forward", k, f"h{k}", f"h{sub(k)} = g(a{sub(k)})", (f"a{k}",), trace.h[k]))
    steps.append(Step("forward", L, "yhat", rf"\hat{{y}} = O(a{sub(L)})", (f"a{L}",), trace.yhat))
    steps.append(Step("forward", L, "loss", r"L = \ell(y, \hat{y})", ("y", "yhat"), trace.loss))
    return steps


def backward_steps(trace: Trace) -> list[Step]:
    L = trace.depth
    gradient_formula = trace_loss_gradient_formula(trace)
    steps = [Step("backward", L, f"grad_a{L}", rf"\nabla_{{a{sub(L)}}} L = {gradient_formula}",
                  ("y", "yhat"), trace.grad_a[L])]
    for k in range(L, 0, -1):
        ga, hp = rf"\nabla_{{a{sub(k)}}} L", f"h{sub(k - 1)}"
        steps.append(Step("backward", k, f"grad_W{k}", rf"\nabla_{{W{sub(k)}}} L = {ga}\, {hp}^{{\mathrm{{T}}}}",
                          (f"grad_a{k}", f"h{k - 1}"), trace.grad_W[k]))
        steps.append(Step("backward", k, f"grad_b{k}", rf"\nabla_{{b{sub(k)}}} L = {ga}",
                          (f"grad_a{k}",), trace.grad_b[k]))
        steps.append(Step("backward", k - 1, f"grad_h{k - 1}",
                          rf"\nabla_{{{hp}}} L = W{sub(k)}^{{\mathrm{{T}}}} {ga}",
                          (f"W{k}", f"grad_a{k}"), trace.grad_h[k - 1]))
        if k > 1:
            steps.append(Step("backward", k - 1, f"grad_a{k - 1}",
                              rf"\nabla_{{a{sub(k - 1)}}} L = \nabla_{{{hp}}} L \odot g'(a{sub(k - 1)})",
                              (f"grad_h{k - 1}", f"a{k - 1}"), trace.grad_a[k - 1]))
    return steps


def trace_loss_gradient_formula(trace: Trace) -> str:
    """The loss plugin's ∇a_L formula with the right-hand side only, e.g. -(y - \\hat{y})."""
    formula = trace.loss_spec.gradient_formula if trace.loss_spec is not None else ""
    rhs = formula.split("=", 1)[1].strip() if "=" in formula else ""
    return rhs or r"\partial L / \partial a_L"


def all_steps(trace: Trace) -> list[Step]:
    """Forward then backward, in the order of MATH.md and of `trace --json`."""
    return forward_steps(trace) + backward_steps(trace)


def update_steps(trace: Trace, lr: float) -> list[Step]:
    """The plain gradient-descent update of every layer: W_k ← W_k - η ∇W_k, b_k ← b_k - η ∇b_k.

    The values are the updated W_k; the updated b_k is ``trace.network.b(k) - lr * trace.grad_b[k]``.
    """
    steps = []
    for k in range(1, trace.depth + 1):
        new_W = trace.network.W(k) - lr * trace.grad_W[k]  # W_k ← W_k - η ∇W_k
        steps.append(Step("update", k, f"W{k}",
                          rf"W{sub(k)} \leftarrow W{sub(k)} - \eta\, \nabla_{{W{sub(k)}}} L,\ "
                          rf"b{sub(k)} \leftarrow b{sub(k)} - \eta\, \nabla_{{b{sub(k)}}} L",
                          (f"W{k}", f"grad_W{k}", f"b{k}", f"grad_b{k}"), new_W))
    return steps
