"""Names and hover texts of what the canvas draws, in the notation of MATH.md.

Units are shown 1-based: w_k[i,j] is row i of W_k (unit i of layer k) and column j
(unit j of layer k-1); the notes write the same weight w_kij (w_131: layer 1, unit 3,
input 1).
"""
from __future__ import annotations

import numpy as np

from core.engine.network import Network

OUTPUT_FUNCTIONS = {
    "softmax_cross_entropy": "softmax",
    "squared_error": "identity",
    "binary_cross_entropy": "sigmoid",
}


def output_function(loss: str) -> str:
    """The name of O for ``loss`` (softmax for cross-entropy …), else the loss's name."""
    return OUTPUT_FUNCTIONS.get(loss, loss)


def layer_title(network: Network, k: int) -> str:
    """``Input``, ``Hidden 2 · tanh`` or ``Output · softmax``."""
    if k == 0:
        return "Input"
    if k == network.depth:
        return f"Output · {output_function(network.loss)}"
    return f"Hidden {k} · {network.layers[k].activation}"


def layer_problem(network: Network, registry, k: int) -> str | None:
    """Why layer k cannot compute with the loaded plugins (a missing or flagged plugin), or None."""
    if registry is None or k == 0:
        return None
    if k == network.depth:
        kind, name, table = "loss", network.loss, registry.losses
    else:
        kind, name, table = "activation", network.layers[k].activation, registry.activations
    if name not in table:
        return (f"The {kind} {name!r} is not available: no loaded plugin provides it. "
                "Install or enable its plugin (Plugins ▸ Manage Plugins…), or drop another one here.")
    if table[name].problem is not None:
        return f"The {kind} {name!r} is flagged: {table[name].problem}"
    return None


def fmt(value: float) -> str:
    """A number as the canvas prints it: 4 decimals, or scientific when tiny or huge."""
    value = float(value)
    if value != 0 and (abs(value) < 1e-4 or abs(value) >= 1e5):
        return f"{value:.3e}"
    return f"{value:.4f}"


def _row(array, i: int) -> float | None:
    if array is None:
        return None
    array = np.asarray(array)
    return float(array[0, i]) if array.ndim == 2 else float(array[i])


def trace_sizes(trace) -> list[int]:
    """The layer widths a trace was computed for (the network may have changed since)."""
    return [trace.X.shape[1]] + [a.shape[1] for a in trace.a[1:]]


def neuron_values(trace, k: int, i: int) -> dict[str, float | None]:
    """a, h (or ŷ / x), ∇a and ∇h of unit i of layer k from the trace (first sample)."""
    if trace is None:
        return {}
    L = trace.depth
    values: dict[str, float | None] = {}
    if k >= 1:
        values["a"] = _row(trace.a[k], i)
        values["grad_a"] = _row(trace.grad_a[k], i)
    if k < L:
        values["h"] = _row(trace.h[k], i)
        values["grad_h"] = _row(trace.grad_h[k], i)
    else:
        values["yhat"] = _row(trace.yhat, i)
    return values


def shown_value(trace, k: int, i: int) -> float | None:
    """The value a neuron shows: h_k (x for the input, ŷ for the output)."""
    values = neuron_values(trace, k, i)
    return values.get("yhat", values.get("h"))


def neuron_tooltip(network: Network, trace, k: int, i: int, error: str | None = None) -> str:
    """``a_2[1] = …, h_2[1] = …, ∇a = …`` for unit i (0-based) of layer k."""
    u = i + 1
    values = neuron_values(trace, k, i)
    if not values:
        head = f"unit {u} of layer {k}"
        return f"{head}\nno values: {error}" if error else head
    lines = []
    if k == 0:
        lines.append(f"h_0[{u}] = x[{u}] = {fmt(values['h'])}")
        lines.append(f"∇h_0[{u}] = {fmt(values['grad_h'])}")
    elif k == network.depth:
        lines.append(f"a_{k}[{u}] = {fmt(values['a'])}, ŷ[{u}] = {fmt(values['yhat'])}")
        lines.append(f"∇a_{k}[{u}] = {fmt(values['grad_a'])}")
    else:
        lines.append(f"a_{k}[{u}] = {fmt(values['a'])}, h_{k}[{u}] = {fmt(values['h'])}")
        lines.append(f"∇a = {fmt(values['grad_a'])}, ∇h = {fmt(values['grad_h'])}")
    if k >= 1:
        lines.append(f"b_{k}[{u}] = {fmt(network.b(k)[i])}")
    return "\n".join(lines)


def edge_tooltip(network: Network, trace, k: int, i: int, j: int) -> str:
    """``w_2[1,3] = … (from h_1[3] to a_2[1]); ∇ = …`` with the notes' w_kij spelling."""
    w = network.W(k)[i, j]
    text = f"w_{k}[{i + 1},{j + 1}] = {fmt(w)} (from h_{k - 1}[{j + 1}] to a_{k}[{i + 1}])"
    if trace is not None and trace.grad_W[k] is not None:
        text += f"; ∇ = {fmt(trace.grad_W[k][i, j])}"
    text += (f"\n1-based: row {i + 1} of W_{k} (unit of layer {k}), column {j + 1} "
             f"(unit of layer {k - 1}); the notes write w_{k}{i + 1}{j + 1}")
    return text


def bias_tooltip(network: Network, trace, k: int, i: int) -> str:
    text = f"b_{k}[{i + 1}] = {fmt(network.b(k)[i])}"
    if trace is not None and trace.grad_b[k] is not None:
        text += f"; ∇ = {fmt(trace.grad_b[k][i])}"
    return text
