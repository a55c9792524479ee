"""Forward and backward passes of MATH.md over a batch, written once for training and the trace.

``Pass`` holds the equations. Training runs it on a float32 or float64 copy of the
parameters, over and over, on arrays made once (``buffers.Workspace``); ``run_trace`` runs
the same code once in float64 and keeps every quantity. The trace may keep more, but the
numbers it shows are the ones training uses.

Bias folded in: with V_k = [W_kᵀ; b_kᵀ] and a 1 appended to each layer's input (see
``buffers``), a_k = b_k + W_k h_{k-1} = V_kᵀ [h_{k-1}; 1], and ∇V_k = [h_{k-1}; 1] ∇a_kᵀ
gives ∇W_k = ∇a_k h_{k-1}ᵀ and ∇b_k = ∇a_k (summed over the samples) in one product.
The loss is the mean over the batch, so ∇a_L carries a factor 1/B.

Input features: h_0 = φ(x) is made by ``Kernel.input_rows`` (every pass's input), one
feature plugin per input unit. Regularisation: with a regularizer R and a rate λ the loss
is the data loss plus λ Σ_k R(W_k) (``Kernel.penalty``), and the backward pass of
``Pass.step`` adds λ ∂R/∂W_k to each ∇W_k.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.engine.buffers import FlatParameters, Workspace
from core.engine.network import Network, NetworkError
from core.plugin_host.registry import Activation, Feature, Loss, Registry, Regularizer

EVALUATION_CHUNK = 4096  # samples per forward pass when evaluating a whole dataset
FEW_ENTRIES = 32  # a ∇a_L of at most this many entries is summed in Python (see Pass.step)


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
    """A network's functions resolved once from the registry, for repeated passes.

    ``regularization`` is (regularizer name, rate λ), or None for the plain loss.
    """

    def __init__(self, network: Network, registry: Registry,
                 regularization: tuple[str, float] | None = None) -> None:
        self.sizes = network.sizes
        self.depth = network.depth
        self.hidden: list[Activation] = [registry.activation(name) for name in network.activations]
        self.loss: Loss = registry.loss(network.loss)
        self.input_width = network.input_width
        self.features: list[Feature] | None = None  # None: h_0 = x, copied in as it is
        if network.features is not None:
            self.features = [registry.feature(name) for name in network.features]
            for feature in self.features:
                if feature.inputs != self.input_width:
                    raise NetworkError(f"feature {feature.name!r} from plugin {feature.plugin!r} reads "
                                       f"{feature.inputs} input(s), but the network's data has {self.input_width}")
        self.regularizer: Regularizer | None = None
        self.rate = 0.0  # λ
        if regularization is not None and regularization[0]:
            self.regularizer, self.rate = registry.regularizer(regularization[0]), float(regularization[1])

    def bind(self, parameters: FlatParameters, gradients: FlatParameters | None, batch: int) -> Pass:
        """A Pass over batches of ``batch`` samples that reads ``parameters`` and writes ``gradients``."""
        return Pass(self, parameters, gradients, Workspace(self.sizes, batch, parameters.dtype))

    def input_rows(self, X: np.ndarray, out: np.ndarray | None = None, dtype=np.float64) -> np.ndarray:
        """h_0 of each sample of X as a row with a 1 appended (the 1 multiplies b_1): what passes read.

        ``out`` (B × (n_0 + 1), its last column already 1) is filled instead of a new array.
        """
        if out is None:
            out = np.ones((len(X), self.sizes[0] + 1), dtype=dtype)
        if self.features is None:
            out[:, :-1] = X  # h_0 = x
            return out
        for j, feature in enumerate(self.features):
            column = np.asarray(feature.fn(X))  # h_0,j = φ_j(x)
            if column.shape != (len(X),) or column.dtype.kind not in "biuf":
                raise ValueError(f"φ(x) of feature {feature.name!r} from plugin {feature.plugin!r} returned "
                                 f"{column.dtype} of shape {column.shape} for {len(X)} sample(s); "
                                 f"one number per sample is needed")
            out[:, j] = column
        return out

    def penalty(self, parameters: FlatParameters) -> float:
        """λ Σ_k R(W_k): what regularisation adds to the loss (0 without a regularizer; biases are free)."""
        if self.regularizer is None or not self.rate:
            return 0.0
        return self.rate * sum(float(self.regularizer.penalty(W)) for W in parameters.W)  # λ Σ_k R(W_k)

    def regularizer_gradient(self, W: np.ndarray) -> np.ndarray:
        """∂R/∂W for one W_k, checked (the regularizer must be set)."""
        reg = self.regularizer
        assert reg is not None
        dR = np.asarray(reg.gradient(W))
        if dR.shape != W.shape or dR.dtype.kind not in "biuf":
            raise ValueError(f"∂R/∂W of regularizer {reg.name!r} from plugin {reg.plugin!r} returned "
                             f"{dR.dtype} of shape {dR.shape} for a W of shape {W.shape}")
        return dR

    def penalty_gradient(self, W: np.ndarray) -> np.ndarray:
        """λ ∂R/∂W for one W_k (zeros without a regularizer)."""
        if self.regularizer is None or not self.rate:
            return np.zeros_like(W)
        return self.rate * self.regularizer_gradient(W)  # λ ∂R/∂W_k

    def add_penalty_gradients(self, parameters: FlatParameters, gradients: FlatParameters) -> None:
        """∇W_k += λ ∂R/∂W_k for every layer (the biases are not regularised)."""
        for W, grad_W in zip(parameters.W, gradients.W):
            grad_W += self.penalty_gradient(W)  # ∇W_k += λ ∂R/∂W_k

    def losses(self, Y: np.ndarray, yhat: np.ndarray, a_L: np.ndarray) -> np.ndarray:
        """loss(y, ŷ) per sample (from the logits a_L when the loss plugin offers it: exact)."""
        if self.loss.value_from_logits is not None:
            return self.loss.value_from_logits(Y, a_L)
        return self.loss.value(Y, yhat)

    def evaluate(self, parameters: FlatParameters, X: np.ndarray, Y: np.ndarray | None = None,
                 chunk: int = EVALUATION_CHUNK, passes: dict[int, Pass] | None = None) -> tuple[float, np.ndarray]:
        """(mean loss, ŷ) over every sample of X (the loss is NaN without targets Y).

        ``passes`` (batch size -> Pass over ``parameters``) keeps the arrays for the next call.
        """
        yhat = np.empty((len(X), self.sizes[-1]), dtype=parameters.dtype)
        total = 0.0
        passes = {} if passes is None else passes
        for start in range(0, len(X), chunk):
            rows = slice(start, start + chunk)
            size = len(X[rows])
            run = passes.get(size) or passes.setdefault(size, self.bind(parameters, None, size))
            run.load(X[rows])
            yhat[rows] = run.forward()
            if Y is not None:
                total += float(np.add.reduce(run.losses(Y[rows]), axis=None))
        if Y is None or not len(X):
            return float("nan"), yhat
        return total / len(X) + self.penalty(parameters), yhat  # the mean loss, plus λ Σ_k R(W_k)

    # -- per-layer arrays in, for callers that hold W_k and b_k separately ---------------
    def predict(self, weights, biases, X) -> np.ndarray:
        """ŷ for the inputs X (one row per sample)."""
        return self.evaluate(FlatParameters.of(weights, biases, np.result_type(X, np.float32)), X)[1]

    def mean_loss(self, weights, biases, X, Y) -> tuple[float, np.ndarray]:
        """(mean loss over the batch, ŷ) for the parameters given."""
        return self.evaluate(FlatParameters.of(weights, biases, np.result_type(X, np.float32)), X, Y)

    def loss_and_gradients(self, weights, biases, X, Y) -> tuple[float, list[np.ndarray]]:
        """Mean loss and [∇W_1, ∇b_1, …, ∇W_L, ∇b_L] for one batch."""
        dtype = np.result_type(X, np.float32)
        parameters = FlatParameters.of(weights, biases, dtype)
        gradients = FlatParameters(self.sizes, dtype)
        run = self.bind(parameters, gradients, len(X))
        run.load(X)
        run.step(None, Y)
        return float(np.mean(run.losses(Y))) + self.penalty(parameters), gradients.arrays


class Pass:
    """Forward and backward passes over batches of B samples, on arrays made once.

    ``load(X)`` a batch (or hand the passes its columns [h_0; 1]), then ``forward()`` for ŷ,
    or ``step(columns, Y)`` for the forward and the backward pass; every a_k, h_k, ∇a_k,
    ∇h_k, g'(a_k) stays in the workspace and ∇W_k, ∇b_k in ``gradients`` until the next
    pass. Activations receive a_k as (n_k × B) arrays, loss plugins a_L as a (B × n_L) view
    of a_Lᵀ.
    """

    def __init__(self, kernel: Kernel, parameters: FlatParameters, gradients: FlatParameters | None,
                 workspace: Workspace) -> None:
        self.kernel, self.parameters, self.gradients, self.workspace = kernel, parameters, gradients, workspace
        self.batch = workspace.batch
        self._a_L = workspace.a[-1].T  # a_L, one row per sample: what the loss plugin gets
        # ``forward(columns=None)`` gives ŷ; ``step(columns, Y, input_gradient=False)`` runs the backward
        # pass too and gives the sum of ∇a_L's entries: one function, a closure over the arrays it
        # uses (a small network's step is mostly Python: a closure's names are read faster than
        # attributes), so training and the trace run the same lines
        self.forward: Callable[..., Any] = self._passes()
        self.step: Callable[..., Any] = self.forward

    def load(self, X: np.ndarray) -> None:
        """Put the batch X (B × n_0, one row per sample) in as h_0."""
        self.kernel.input_rows(X, out=self.workspace.inputs)

    def losses(self, Y: np.ndarray) -> np.ndarray:
        """loss(y, ŷ) per sample for the last forward pass."""
        return self.kernel.losses(Y, self.workspace.yhat, self._a_L)

    def _passes(self) -> Callable[..., Any]:
        ws, V, L, multiply, kernel = self.workspace, self.parameters.V, self.kernel.depth, np.multiply, self.kernel
        gradients = self.gradients
        # forward, k = 1 … L-1: (V_kᵀ, a_k, [h_k; 1], h_k, g, whether g takes out=, the size of a_k);
        # the rows h_k of [h_k; 1] are contiguous, so a ufunc such as np.tanh writes them in place
        forward: list[tuple[Any, ...]] = [(V[k - 1].T, ws.a[k], ws.h[k], ws.h[k][:-1], act.fn,
                   isinstance(act.fn, np.ufunc) and act.fn.nin == 1 and act.fn.nout == 1, ws.a[k].size)
                  for k, act in enumerate(kernel.hidden, start=1)]
        last_VT, a_L, a_L_rows = V[L - 1].T, ws.a[L], self._a_L
        inputs, output, gradient, g_prime = ws.h[0], kernel.loss.output, kernel.loss.gradient, ws.g_prime
        # backward, k = L … 2: (k - 1, [h_{k-1}; 1], ∇V_k, W_kᵀ, ∇h_{k-1}, then what ∇a_{k-1} =
        # ∇h_{k-1} ⊙ g'(a_{k-1}) needs: the function giving g'(a_{k-1}), its argument (h_{k-1} when
        # the plugin offers g' from the output, else a_{k-1}), ∇a_{k-1}, its transpose and its size)
        backward: list[tuple[Any, ...]] = []
        for k in range(L, 1, -1):
            act = kernel.hidden[k - 2]
            g_prime_of, argument = ((act.derivative, ws.a[k - 1]) if act.derivative_from_output is None
                                    else (act.derivative_from_output, ws.h[k - 1][:-1]))
            grad_a = ws.grad_a[k - 1]
            backward.append((k - 1, ws.h[k - 1], None if gradients is None else gradients.V[k - 1], V[k - 1][:-1],
                             ws.grad_h[k - 1], g_prime_of, argument, grad_a, grad_a.T, grad_a.size))
        grad_V1 = None if gradients is None else gradients.V[0]
        W1_T, grad_h0 = V[0][:-1], ws.grad_h[0]
        grad_a_L = ws.grad_a[L]  # ∇a_L, one column per sample
        grad_a_L_rows, grad_a_L_flat = grad_a_L.T, grad_a_L.reshape(-1)  # views
        grad_a_L_entries = memoryview(grad_a_L_flat)  # its numbers, read as Python floats
        # 1/B as a 0-d array of the workspace's dtype: NumPy multiplies by it faster than by a float
        scale = None if self.batch == 1 else np.array(1.0 / self.batch, dtype=ws.dtype)
        # with a regularizer, the backward pass adds λ ∂R/∂W_k (no work at all without one)
        parameters = self.parameters
        regularized = kernel.regularizer is not None and kernel.rate != 0
        rows_shape, rows_size, dtype = a_L_rows.shape, a_L_rows.size, ws.dtype
        few = rows_size <= FEW_ENTRIES  # ∇a_L is summed as Python floats (faster than a NumPy call)

        def passes(columns: np.ndarray | None = None, Y: np.ndarray | None = None, input_gradient: bool = False) -> Any:
            """ŷ (B × n_L) for the batch in the workspace or for ``columns``; with targets Y, the
            backward pass too: then ``gradients`` holds ∇W_k, ∇b_k of the mean loss, and the
            sum of ∇a_L's entries is returned.

            ``columns`` are [h_0; 1] of each sample, (n_0 + 1) × B: the transpose of rows with a 1
            appended (``Kernel.input_rows``), as ``workspace.h[0]`` holds them after ``load``.
            ``input_gradient`` also computes ∇h_0 (the trace shows it; training needs no ∇h_0).
            ∇a_L itself (n_L × B) is ``workspace.grad_a[-1]``. The sum returned (a float) is
            finite exactly when every entry of ∇a_L is (short of an overflow of the sum, past
            10³⁰⁸): NaN or inf anywhere in the forward pass reaches ∇a_L, so one look at the sum
            tells the caller whether the step may be applied.
            """
            # (ndarray.dot: the same BLAS product as np.dot, without its dispatch)
            h0 = h_in = inputs if columns is None else columns
            for VT, a, h_full, h, g, in_place, size in forward:
                VT.dot(h_in, out=a)  # a_k = b_k + W_k h_{k-1} = V_kᵀ [h_{k-1}; 1]
                if in_place:
                    g(a, out=h)  # h_k = g(a_k)
                else:
                    value = g(a)  # h_k = g(a_k)
                    if value.size != size:  # (see _wrong_shape)
                        _wrong_shape(value, a.shape, "g(a)")
                    h[...] = value
                h_in = h_full
            last_VT.dot(h_in, out=a_L)  # a_L = b_L + W_L h_{L-1}
            ws.yhat = yhat = output(a_L_rows)  # ŷ = O(a_L), one row per sample
            if Y is None:
                return yhat
            if grad_V1 is None:
                raise ValueError("this pass was made for forward passes only (no gradients to write)")

            grad = gradient(Y, yhat, a_L_rows)  # ∇a_L per sample: -(y - ŷ) for softmax + CE
            if grad.size != rows_size or grad.ndim != 2:  # (see _wrong_shape)
                _wrong_shape(grad, rows_shape, "the loss gradient")
            as_returned = scale is None and grad.dtype is dtype  # (NumPy's dtypes of a kind are one object)
            if as_returned:
                ws.grad_a[L] = columns = grad.T  # one sample: ∇a_L as it is (nothing below writes to it)
                rows = grad
            else:
                ws.grad_a[L] = columns = grad_a_L
                rows = grad_a_L_rows
                # the batch mean: ∇a_L / B, one column per sample
                multiply(grad, 1.0 if scale is None else scale, out=rows)
            for j, h_in, grad_V, W_T, grad_h, g_prime_of, argument, grad_a, grad_a_rows, size in backward:  # j = k-1
                # ∇V_k = [h_{k-1}; 1] ∇a_kᵀ: ∇W_k = ∇a_k h_{k-1}ᵀ and ∇b_k = ∇a_k, summed over samples
                h_in.dot(rows, out=grad_V)
                W_T.dot(columns, out=grad_h)  # ∇h_{k-1} = W_kᵀ ∇a_k
                g_prime[j] = gp = g_prime_of(argument)  # g'(a_{k-1})
                if gp.size != size:  # (see _wrong_shape)
                    _wrong_shape(gp, grad_a.shape, f"g'(a) for a_{j}")
                multiply(grad_h, gp, out=grad_a)  # ∇a_{k-1} = ∇h_{k-1} ⊙ g'(a_{k-1})
                columns, rows = grad_a, grad_a_rows
            h0.dot(rows, out=grad_V1)  # ∇V_1 = [h_0; 1] ∇a_1ᵀ
            if input_gradient:
                W1_T.dot(columns, out=grad_h0)  # ∇h_0 = W_1ᵀ ∇a_1
            if regularized:
                kernel.add_penalty_gradients(parameters, gradients)  # type: ignore[arg-type]  # ∇W_k += λ ∂R/∂W_k
            if few:  # Σ ∇a_L, in Python (as returned, ∇a_L is the 1 × n_L row of the one sample)
                return sum(grad.tolist()[0]) if as_returned else sum(grad_a_L_entries)
            return float(np.add.reduce(grad if as_returned else grad_a_L_flat, axis=None))  # Σ ∇a_L

        return passes


def _wrong_shape(value: Any, shape: tuple[int, ...], what: str) -> None:
    """Raise the error for a plugin result of the wrong shape.

    The passes compare sizes, which is cheaper than shapes (no tuple is made): a result of the
    right size but another shape either fails in the NumPy call that uses it (the shapes do not
    broadcast) or differs only by leading 1s (the same numbers); one of another size could
    broadcast, and would be copied in silently.
    """
    raise ValueError(f"{what} returned shape {np.shape(value)}, expected {shape}")


@dataclass
class Trace:
    """Every quantity of one forward and backward pass over a batch (float64).

    Lists are indexed by layer: ``a[k]`` is a_k (k = 1 … L), ``h[k]`` is h_k
    (k = 0 … L-1), ``grad_W[k]`` is ∇W_k, ``grad_h[k]`` is ∇h_k (k = 0 … L-1).
    Index 0 of ``a``, ``grad_a``, ``grad_W``, ``grad_b`` is None. Arrays hold one row
    per sample (B × n_k). ``X`` holds the raw inputs x; h_0 = φ(x) with input features,
    else x. ``loss`` is the mean of ``losses`` plus ``penalty`` = λ Σ_k R(W_k) (0 without a
    regularizer), and every ∇W_k includes λ ∂R/∂W_k.
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
    activation_specs: list = field(default_factory=list)  # the hidden layers' plugin entries, for their formulas
    feature_specs: list | None = None  # the input features' plugin entries (None: h_0 = x)
    regularizer: Regularizer | None = None  # its plugin entry, for its formulas
    rate: float = 0.0  # λ
    penalty: float = 0.0  # λ Σ_k R(W_k), included in ``loss``
    penalty_gradients: list = field(default_factory=list)  # ∂R/∂W_k (without λ; index 0 None), in ∇W_k

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
        if name == "x":
            return self.X
        if name == "penalty":
            return self.penalty
        if name == "lambda":
            return self.rate
        if name.startswith("dR"):  # ∂R/∂W_k of the regularizer, dR2 for layer 2
            return self.penalty_gradients[int(name[2:])]
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


def run_trace(network: Network, X, Y, registry: Registry,
              regularization: tuple[str, float] | None = None) -> Trace:
    """The full forward and backward pass in float64, keeping every intermediate.

    ``X`` are the raw inputs x (h_0 = φ(x) with input features); ``regularization`` is
    (regularizer name, λ), whose penalty the loss and every ∇W_k include.
    """
    X = as_batch(X, network.input_width, "input")
    Y = as_batch(Y, network.sizes[-1], "target")
    if len(X) != len(Y):
        raise ShapeError(f"{len(X)} input sample(s) but {len(Y)} target(s)")
    kernel = Kernel(network, registry, regularization)
    gradients = FlatParameters(network.sizes)
    parameters = FlatParameters.of(network.weights, network.biases)
    run = kernel.bind(parameters, gradients, len(X))
    ws = run.workspace
    problem = kernel.loss.target_problem(Y)
    if problem:
        raise ShapeError(problem)
    run.load(X)
    run.step(None, Y, input_gradient=True)  # the training step's passes (without the update)
    yhat = ws.yhat
    losses = np.asarray(run.losses(Y), dtype=float)  # loss(y, ŷ) per sample, as training reports it
    L = network.depth
    # the trace shows one row per sample: transposed views of the workspace's columns
    penalty = kernel.penalty(parameters)  # λ Σ_k R(W_k)
    trace = Trace(network, X, Y, [None] + [a.T for a in ws.a[1:]], [h[:-1].T for h in ws.h], yhat, losses,
                  float(losses.mean()) + penalty, loss_spec=kernel.loss, activation_specs=list(kernel.hidden),
                  feature_specs=kernel.features, regularizer=kernel.regularizer, rate=kernel.rate, penalty=penalty)
    if kernel.regularizer is not None:  # ∂R/∂W_k, the part of ∇W_k the step-through shows beside ∇a_k h_{k-1}ᵀ
        trace.penalty_gradients = [None] + [kernel.regularizer_gradient(W) for W in parameters.W]
    trace.grad_a = [None] + [g.T for g in ws.grad_a[1:]]
    trace.grad_W = [None] + gradients.W
    trace.grad_b = [None] + gradients.b
    trace.grad_h = [g.T for g in ws.grad_h]
    trace.g_prime = [None] + [g.T for g in ws.g_prime[1:L]] + [None]
    return trace
