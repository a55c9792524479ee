"""Forward and backward passes of MATH.md, vectorised over a batch (samples are rows).

Row form of the column equations: with H_{k-1} of shape (B, n_{k-1}),
A_k = H_{k-1} W_kᵀ + b_k is a_k = b_k + W_k h_{k-1} for every sample at once.
The loss is the mean over the batch, so ∇_{a_L} carries a factor 1/B.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.engine.network import Network
from core.plugin_host.registry import Activation, Loss, Registry


class ShapeError(ValueError):
    """Inputs or targets whose shape does not fit the network."""


def as_batch(values, width: int, what: str, dtype=np.float64) -> np.ndarray:
    """Return ``values`` as a (B, width) array; one sample may be given as a vector."""
    try:
        array = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ShapeError(f"the {what} must be numbers: {exc}") from None
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != width:
        got = array.shape[-1] if array.ndim else 0
        raise ShapeError(f"the {what} must have {width} value(s) per sample, got {got}")
    if not np.all(np.isfinite(array)):
        raise ShapeError(f"the {what} holds a NaN or infinite value")
    return array


class Kernel:
    """A network's functions resolved once from the registry, for repeated fast passes."""

    def __init__(self, network: Network, registry: Registry) -> None:
        self.depth = network.depth
        self.hidden: list[Activation] = [registry.activation(name) for name in network.activations]
        self.loss: Loss = registry.loss(network.loss)
        self._g = [act.fn for act in self.hidden]
        self._dg = [act.derivative for act in self.hidden]
        self._value_from_logits = self.loss.value_from_logits

    def forward(self, weights, biases, X) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
        """Return (a, h, ŷ) with a[k] = a_k (a[0] unused) and h[k] = h_k for k < L."""
        h = [X]
        a = [X]
        for k in range(1, self.depth):
            # np.dot: the same BLAS product as @, with less overhead on tiny matrices
            a_k = np.dot(h[-1], weights[k - 1].T)  # a_k = b_k + W_k h_{k-1}
            a_k += biases[k - 1]
            a.append(a_k)
            h.append(self._g[k - 1](a_k))  # h_k = g(a_k)
        a_L = np.dot(h[-1], weights[-1].T)  # a_L = b_L + W_L h_{L-1}
        a_L += biases[-1]
        a.append(a_L)
        return a, h, self.loss.output(a_L)  # ŷ = O(a_L)

    def predict(self, weights, biases, X) -> np.ndarray:
        return self.forward(weights, biases, X)[2]

    def losses(self, Y, yhat, a_L) -> np.ndarray:
        """loss(y, ŷ) per sample (from the logits a_L when the loss plugin offers it: exact)."""
        if self._value_from_logits is not None:
            return self._value_from_logits(Y, a_L)
        return self.loss.value(Y, yhat)

    def mean_loss(self, weights, biases, X, Y) -> tuple[float, np.ndarray]:
        """(mean loss over the batch, ŷ) for the parameters given."""
        a, _, yhat = self.forward(weights, biases, X)
        return float(np.mean(self.losses(Y, yhat, a[-1]))), yhat

    def loss_and_gradients(self, weights, biases, X, Y):
        """Mean loss and [∇W_1, ∇b_1, …, ∇W_L, ∇b_L] for one batch: the training fast path."""
        a, h, yhat = self.forward(weights, biases, X)
        # L = mean over the batch of loss(y, ŷ) (ufunc reductions: this runs every step)
        loss = float(np.add.reduce(self.losses(Y, yhat, a[-1]))) / len(X)
        # ∇a_L = -(y - ŷ) for softmax + CE, times the batch mean's 1/B
        grad_a = self.loss.gradient(Y, yhat, a[-1])
        single = len(X) == 1  # one sample: no 1/B, and ∇b_k is the row ∇a_k itself
        if not single:
            grad_a = grad_a * (1.0 / len(X))
        grads = [None] * (2 * self.depth)
        for k in range(self.depth, 0, -1):
            grads[2 * k - 2] = np.dot(grad_a.T, h[k - 1])  # ∇W_k = ∇a_k h_{k-1}ᵀ, summed over samples
            # ∇b_k = ∇a_k, summed over samples
            grads[2 * k - 1] = grad_a[0] if single else np.add.reduce(grad_a, axis=0)
            if k > 1:
                grad_h = np.dot(grad_a, weights[k - 1])  # ∇h_{k-1} = W_kᵀ ∇a_k
                grad_a = grad_h * self._dg[k - 2](a[k - 1])  # ∇a_{k-1} = ∇h_{k-1} ⊙ g'(a_{k-1})
        return loss, grads


@dataclass
class Trace:
    """Every quantity of one forward and backward pass over a batch (float64).

    Lists are indexed by layer: ``a[k]`` is a_k (k = 1 … L), ``h[k]`` is h_k
    (k = 0 … L-1), ``grad_W[k]`` is ∇W_k, ``grad_h[k]`` is ∇h_k (k = 0 … L-1).
    Index 0 of ``a``, ``grad_a``, ``grad_W``, ``grad_b`` is None.
    """

    network: Network
    X: np.ndarray
    Y: np.ndarray
    a: list
    h: list
    yhat: np.ndarray
    losses: np.ndarray  # per sample, shape (B,)
    loss: float  # mean over the batch
    grad_a: list = field(default_factory=list)
    grad_W: list = field(default_factory=list)
    grad_b: list = field(default_factory=list)
    grad_h: list = field(default_factory=list)
    loss_spec: Loss | None = None  # the loss plugin's entry, for its formulas
    g_prime: list = field(default_factory=list)  # g'(a_k) for hidden k (index 0 and L: None)

    @property
    def depth(self) -> int:
        return self.network.depth

    @property
    def batch_size(self) -> int:
        return len(self.X)

    def quantity(self, name: str) -> np.ndarray | float:
        """Look a quantity up by its trace name: a2, h0, yhat, loss, grad_W3, grad_h0, W1, b2 …"""
        if name == "yhat":
            return self.yhat
        if name == "loss":
            return self.loss
        if name == "y":
            return self.Y
        prefix, _, index = name.rpartition("_") if name.startswith("grad_") else ("", "", name)
        letter, k = index[0], int(index[1:])
        table = {
            ("", "a"): self.a, ("", "h"): self.h,
            ("", "W"): self.network.weights, ("", "b"): self.network.biases,
            ("grad", "a"): self.grad_a, ("grad", "h"): self.grad_h,
            ("grad", "W"): self.grad_W, ("grad", "b"): self.grad_b,
        }[(prefix, letter)]
        if letter in "Wb" and prefix == "":
            return table[k - 1]
        return table[k]


def run_trace(network: Network, X, Y, registry: Registry) -> Trace:
    """The full forward and backward pass in float64, keeping every intermediate."""
    X = as_batch(X, network.sizes[0], "input")
    Y = as_batch(Y, network.sizes[-1], "target")
    if len(X) != len(Y):
        raise ShapeError(f"{len(X)} input sample(s) but {len(Y)} target(s)")
    kernel = Kernel(network, registry)
    weights, biases = network.weights, network.biases
    a, h, yhat = kernel.forward(weights, biases, X)
    problem = kernel.loss.target_problem(Y)
    if problem:
        raise ShapeError(problem)
    losses = np.asarray(kernel.losses(Y, yhat, a[-1]), dtype=float)  # loss(y, ŷ) per sample
    L = network.depth
    trace = Trace(network, X, Y, a, h, yhat, losses, float(losses.mean()), loss_spec=kernel.loss)
    trace.grad_a = [None] * (L + 1)
    trace.grad_W = [None] * (L + 1)
    trace.grad_b = [None] * (L + 1)
    trace.grad_h = [None] * L
    trace.g_prime = [None] * (L + 1)
    grad_a = kernel.loss.gradient(Y, yhat, a[L]) / len(X)  # ∇a_L, with the batch mean's 1/B
    trace.grad_a[L] = grad_a
    for k in range(L, 0, -1):
        trace.grad_W[k] = grad_a.T @ h[k - 1]  # ∇W_k = ∇a_k h_{k-1}ᵀ
        trace.grad_b[k] = grad_a.sum(axis=0)  # ∇b_k = ∇a_k
        trace.grad_h[k - 1] = grad_a @ weights[k - 1]  # ∇h_{k-1} = W_kᵀ ∇a_k
        if k > 1:
            trace.g_prime[k - 1] = kernel.hidden[k - 2].derivative(a[k - 1])  # g'(a_{k-1})
            grad_a = trace.grad_h[k - 1] * trace.g_prime[k - 1]  # ∇a_{k-1} = ∇h_{k-1} ⊙ g'(a_{k-1})
            trace.grad_a[k - 1] = grad_a
    return trace
