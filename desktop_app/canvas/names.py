"""Names and hover texts of what the canvas draws, in the notation of MATH.md.

Units are shown 1-based. One weight is written one way everywhere: W₂,₁,₃ (LaTeX
W_{2,1,3}) is row 1 of W_2 (unit 1 of layer 2) and column 3 (unit 3 of layer 1), the
notes' w_213; unit i of layer k is h_{k,i}. Numbers come from the one formatter,
:func:`core.stepthrough.numbers.number`.
"""
from __future__ import annotations

import numpy as np

from core.engine.network import Network
from core.stepthrough.notation import Element
from core.stepthrough.numbers import number


def output_function(network: Network, registry=None) -> str:
    """The name of O from the loss plugin (``output_name``), else the loss's own name."""
    loss = registry.losses.get(network.loss) if registry is not None else None
    return (loss.output_name if loss is not None and loss.output_name else "") or network.loss


def layer_title(network: Network, k: int, registry=None) -> str:
    """``Input`` (``Input · φ(x)`` with input features), ``Hidden 2 · tanh`` or ``Output · softmax``."""
    if k == 0:
        return "Input" if network.features is None else "Input · φ(x)"
    if k == network.depth:
        return f"Output · {output_function(network, registry)}"
    return f"Hidden {k} · {network.layers[k].activation}"


def layer_problem(network: Network, registry, k: int) -> str | None:
    """Why layer k cannot compute with the loaded plugins (a missing or flagged plugin), or None."""
    if registry is None:
        return None
    if k == 0:  # input features: each must come from a loaded plugin
        for name in network.features or ():
            if name not in registry.features:
                return (f"The input feature {name!r} is not available: no loaded plugin provides it. "
                        "Choose other features with the φ button, or install its plugin.")
            if registry.features[name].problem is not None:
                return f"The input feature {name!r} is flagged: {registry.features[name].problem}"
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
    """A number as everything in the app prints it (the one formatter)."""
    return number(value)


def weight_name(k: int, i: int, j: int) -> str:
    """W₂,₁,₃ for W_k[i, j] (0-based i, j)."""
    return Element(f"W{k}", (i + 1, j + 1)).text()


def unit_name(quantity: str, i: int) -> str:
    """h₂,₁, ŷ₁, ∂L/∂a₃,₁ … for unit i (0-based) of ``quantity``."""
    return Element(quantity, (i + 1,)).text()


def _row(array, i: int) -> float | None:
    if array is None:
        return None
    array = np.asarray(array)
    return float(array[0, i]) if array.ndim == 2 else float(array[i])


def trace_sizes(trace) -> list[int]:
    """The layer widths a trace was computed for (the network may have changed since)."""
    return [trace.h[0].shape[1]] + [a.shape[1] for a in trace.a[1:]]  # n_0: h_0 = φ(x) with features


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


NEURON_ORDER = ("a", "h", "yhat", "grad_a", "grad_h")


def _quantity(kind: str, k: int) -> str:
    return "yhat" if kind == "yhat" else f"{kind}{k}"


def neuron_tooltip(network: Network, trace, k: int, i: int, error: str | None = None,
                   known: set | None = None, shown: str | None = None) -> str:
    """Every value of unit i (0-based) of layer k, e.g. ``a₂,₁ = 0.4196`` and ``h₂,₁ = 0.3966``.

    During the step-through ``known`` holds what has been computed: nothing else is listed,
    and ``shown`` (the quantity the neuron's label shows) comes first.
    """
    values = neuron_values(trace, k, i)
    if not values:
        head = f"unit {i + 1} of layer {k}"
        return f"{head}\nno values: {error}" if error else head
    names = [_quantity(kind, k) for kind in NEURON_ORDER if values.get(kind) is not None]
    if known is not None:
        names = [n for n in names if n in known]
    if shown in names:
        names.remove(shown)
        names.insert(0, shown)
    lines = [f"{unit_name(n, i)} = " + (f"{input_name(trace, i)} = " if n == "h0" else "")
             + number(values[_kind(n)]) for n in names]
    if k >= 1:
        lines.append(f"{Element(f'b{k}', (i + 1,)).text()} = {number(network.b(k)[i])}")
    if known is not None and len(names) < len([n for n in NEURON_ORDER if values.get(n) is not None]):
        lines.append("(the rest is not computed yet)")
    return "\n".join(line for line in lines if line)


def input_labels(network: Network, features: dict) -> list[str]:
    """What each input unit holds: x₁ … xₙ for the raw inputs, else each feature's label
    (its name when the plugin gives none or is missing); ``features`` is the registry's table."""
    if network.features is None:
        return [Element("x", (i + 1,)).text() for i in range(network.sizes[0])]
    return [(features[name].label or name) if name in features else name for name in network.features]


def input_name(trace, i: int) -> str:
    """What input unit i holds: x₁, or its feature as the plugin labels it (x₁², sin x₂)."""
    specs = getattr(trace, "feature_specs", None)
    if specs and i < len(specs):
        return specs[i].label or specs[i].name
    return Element("x", (i + 1,)).text()


def _kind(name: str) -> str:
    return "yhat" if name == "yhat" else name.rstrip("0123456789")


def edge_tooltip(network: Network, trace, k: int, i: int, j: int, known: set | None = None) -> str:
    """``W₂,₁,₃ = 0.8 (from h₁,₃ to a₂,₁)`` and its gradient once computed."""
    w = network.W(k)[i, j]
    text = (f"{weight_name(k, i, j)} = {number(w)}   (from {unit_name(f'h{k - 1}', j)} "
            f"to {unit_name(f'a{k}', i)})")
    if trace is not None and trace.grad_W[k] is not None and (known is None or f"grad_W{k}" in known):
        text += f"\n{Element(f'grad_W{k}', (i + 1, j + 1)).text()} = {number(trace.grad_W[k][i, j])}"
    text += (f"\nrow {i + 1} of {Element(f'W{k}').text()} (unit {i + 1} of layer {k}), "
             f"column {j + 1} (unit {j + 1} of layer {k - 1})")
    return text


def bias_tooltip(network: Network, trace, k: int, i: int, known: set | None = None) -> str:
    text = f"{Element(f'b{k}', (i + 1,)).text()} = {number(network.b(k)[i])}"
    if trace is not None and trace.grad_b[k] is not None and (known is None or f"grad_b{k}" in known):
        text += f"\n{Element(f'grad_b{k}', (i + 1,)).text()} = {number(trace.grad_b[k][i])}"
    return text
