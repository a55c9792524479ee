"""Finite-difference check of the analytic gradient, for any network and plugin set."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.engine.network import Network
from core.engine.passes import Kernel, as_batch, run_trace
from core.plugin_host.registry import Registry


@dataclass
class GradientEntry:
    name: str  # "W2", "b1" or "h0"
    index: tuple[int, ...]
    analytic: float
    numeric: float

    @property
    def error(self) -> float:
        """|analytic - numeric| / max(1, |analytic|, |numeric|)."""
        return abs(self.analytic - self.numeric) / max(1.0, abs(self.analytic), abs(self.numeric))


@dataclass
class GradientCheck:
    entries: list[GradientEntry] = field(default_factory=list)

    @property
    def max_error(self) -> float:
        return max((e.error for e in self.entries), default=0.0)

    def passed(self, tolerance: float = 1e-6) -> bool:
        return self.max_error <= tolerance

    def worst(self) -> GradientEntry | None:
        return max(self.entries, key=lambda e: e.error, default=None)


def numeric_derivative(f, array: np.ndarray, index: tuple[int, ...], eps: float) -> float:
    """(f(θ + ε) - f(θ - ε)) / 2ε for the entry ``index`` of ``array``, restored afterwards."""
    saved = array[index]
    array[index] = saved + eps
    up = f()
    array[index] = saved - eps
    down = f()
    array[index] = saved
    return (up - down) / (2 * eps)


def gradient_check(network: Network, X, Y, registry: Registry, *, eps: float = 1e-6,
                   max_entries: int | None = None, seed: int = 0, include_input: bool = True,
                   regularization: tuple[str, float] | None = None) -> GradientCheck:
    """Compare every ∇W_k, ∇b_k (and ∇h_0) of the trace with central differences of the mean loss.

    ``max_entries`` limits the check to a random sample of entries per array (for wide nets).
    With ``regularization`` (name, λ) the loss includes λ Σ_k R(W_k) and ∇W_k its gradient.
    ∇h_0 is checked only without input features (the differences move x, not φ(x)).
    """
    X = as_batch(X, network.input_width, "input")
    Y = as_batch(Y, network.sizes[-1], "target")
    trace = run_trace(network, X, Y, registry, regularization)
    kernel = Kernel(network, registry, regularization)
    probe = network.copy()
    inputs = X.copy()

    def mean_loss() -> float:
        return kernel.mean_loss(probe.weights, probe.biases, inputs, Y)[0]

    rng = np.random.default_rng(seed)
    arrays = []
    for k in range(1, network.depth + 1):
        arrays.append((f"W{k}", probe.W(k), trace.grad_W[k]))
        arrays.append((f"b{k}", probe.b(k), trace.grad_b[k]))
    if include_input and len(X) == 1 and network.features is None:
        arrays.append(("h0", inputs[0], trace.grad_h[0][0] * len(X)))
    report = GradientCheck()
    for name, array, analytic in arrays:
        indices = list(np.ndindex(array.shape))
        if max_entries is not None and len(indices) > max_entries:
            indices = [indices[i] for i in rng.choice(len(indices), max_entries, replace=False)]
        for index in indices:
            numeric = numeric_derivative(mean_loss, array, index, eps)
            report.entries.append(GradientEntry(name, index, float(analytic[index]), numeric))
    return report
