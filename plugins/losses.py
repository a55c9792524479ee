"""Built-in losses: each is an output function O, a per-sample loss and its gradient.

For a batch of B samples (rows) with n_L outputs:

- ``output(a_L)`` returns ŷ = O(a_L), shape (B, n_L);
- ``value(y, y_hat)`` returns the loss of each sample, shape (B,);
- ``gradient(y, y_hat, a_L)`` returns ∇_{a_L} L of each sample, shape (B, n_L),
  *not* divided by B (the engine applies the batch convention).

y is the target with the same shape as ŷ (one-hot rows for softmax cross-entropy).
All functions keep float32 as float32 and stay finite for |a_L| up to 1000 and
for predictions of exactly 0 or 1.

This module needs only NumPy and pluggy, like any third-party plugin.
"""

from __future__ import annotations

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")

_TINY = {np.dtype(t): np.finfo(t).tiny for t in (np.float16, np.float32, np.float64)}


def _tiny(dtype):
    """Smallest positive normal number of `dtype`: the floor used before taking a log."""
    tiny = _TINY.get(dtype)
    return np.finfo(dtype).tiny if tiny is None else tiny


# --- softmax + cross-entropy -------------------------------------------------

def softmax(a_L):
    """Row-wise softmax, stable for large inputs.

    Parameters
    ----------
    a_L : numpy.ndarray
        Output pre-activations, shape (B, n_L).

    Returns
    -------
    numpy.ndarray
        ŷ with rows summing to 1, same shape and dtype as `a_L`.
    """
    # (this runs every training step: the ufunc reductions skip ndarray.max/sum's Python wrappers,
    # and the work is done on the columns a_Lᵀ, one per sample, because the app's a_L is the
    # transpose of a C-contiguous array, and NumPy reduces and broadcasts over those faster)
    columns = a_L.T
    # softmax(a) = softmax(a - max a): the largest exponent is e^0 = 1, so no overflow
    e = columns - np.maximum.reduce(columns, axis=0, keepdims=True)
    np.exp(e, out=e)
    # ŷ_i = e^{a_i} / Σ_j e^{a_j}
    e /= np.add.reduce(e, axis=0, keepdims=True)
    return e.T


def cross_entropy(y, y_hat):
    """Cross-entropy of each sample.

    Parameters
    ----------
    y : numpy.ndarray
        Targets, shape (B, n_L), rows one-hot (or probability vectors).
    y_hat : numpy.ndarray
        Predicted probabilities, shape (B, n_L).

    Returns
    -------
    numpy.ndarray
        ``-Σ_i y_i log ŷ_i`` per sample, shape (B,). A ŷ of 0 is floored at the
        smallest normal number of its dtype, so the loss stays finite.
    """
    log_p = np.log(np.maximum(y_hat, _tiny(y_hat.dtype)))
    # L = -Σ_i y_i log ŷ_i
    log_p *= y
    return -np.add.reduce(log_p, axis=1)


def cross_entropy_gradient(y, y_hat, a_L):
    """Gradient of softmax cross-entropy with respect to a_L.

    Parameters
    ----------
    y, y_hat : numpy.ndarray
        Targets and softmax outputs, shape (B, n_L).
    a_L : numpy.ndarray
        Output pre-activations (unused: the result needs only ŷ).

    Returns
    -------
    numpy.ndarray
        ``ŷ - y``, shape (B, n_L), per sample.
    """
    # ∇_{a_L} L = -(y - ŷ)
    return y_hat - y


# --- identity + squared error ------------------------------------------------

def identity(a_L):
    """Identity output function (returns a copy of `a_L`).

    Parameters
    ----------
    a_L : numpy.ndarray
        Output pre-activations, shape (B, n_L).

    Returns
    -------
    numpy.ndarray
        A copy of `a_L`.
    """
    return np.positive(a_L)


def squared_error(y, y_hat):
    """Sum of squared errors of each sample.

    Parameters
    ----------
    y, y_hat : numpy.ndarray
        Targets and predictions, shape (B, n_L).

    Returns
    -------
    numpy.ndarray
        ``Σ_i (y_i - ŷ_i)^2`` per sample, shape (B,).
    """
    d = y_hat - y
    # L = Σ_i (y_i - ŷ_i)²
    d *= d
    return d.sum(axis=1)


def squared_error_gradient(y, y_hat, a_L):
    """Gradient of the squared error (identity output) with respect to a_L.

    Parameters
    ----------
    y, y_hat : numpy.ndarray
        Targets and predictions, shape (B, n_L).
    a_L : numpy.ndarray
        Output pre-activations (unused: ŷ = a_L).

    Returns
    -------
    numpy.ndarray
        ``-2 (y - ŷ)``, shape (B, n_L), per sample.
    """
    g = y_hat - y
    # ∇_{a_L} L = -2(y - ŷ)
    g *= 2.0
    return g


# --- sigmoid + binary cross-entropy ------------------------------------------

def sigmoid(a_L):
    """Elementwise logistic sigmoid, stable for large |a_L|.

    Parameters
    ----------
    a_L : numpy.ndarray
        Output pre-activations, shape (B, n_L).

    Returns
    -------
    numpy.ndarray
        ŷ in [0, 1], same shape and dtype as `a_L`.
    """
    # σ(a) = ½ (1 + tanh(a/2)): no exp, so no overflow
    s = np.tanh(0.5 * a_L)
    s += 1.0
    s *= 0.5
    return s


def binary_cross_entropy(y, y_hat):
    """Binary cross-entropy of each sample, summed over the outputs.

    Parameters
    ----------
    y : numpy.ndarray
        Targets in [0, 1], shape (B, n_L).
    y_hat : numpy.ndarray
        Predicted probabilities, shape (B, n_L).

    Returns
    -------
    numpy.ndarray
        ``-Σ_i [y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i)]`` per sample, shape (B,).
        Both logs are floored at the smallest normal number of the dtype, so a
        ŷ of exactly 0 or 1 gives a large but finite loss.
    """
    tiny = _tiny(y_hat.dtype)
    log_p = np.log(np.maximum(y_hat, tiny))
    log_q = np.log(np.maximum(1.0 - y_hat, tiny))
    # y log ŷ + (1 - y) log(1 - ŷ) = log(1 - ŷ) + y (log ŷ - log(1 - ŷ))
    log_p -= log_q
    log_p *= y
    log_p += log_q
    # L = -Σ_i [y_i log ŷ_i + (1 - y_i) log(1 - ŷ_i)]
    return -log_p.sum(axis=1)


# --- exact values from the logits (no log of an underflowed ŷ) ---------------

def cross_entropy_from_logits(y, a_L):
    """-Σ y log softmax(a_L) per sample, exact where ŷ underflows (a target row sums to 1).

    log ŷ_i = (a_i - m) - log Σ_j e^{a_j - m} with m = max a, so L = log Σ e^{a - m} - Σ y (a - m).
    """
    shifted = a_L - np.maximum.reduce(a_L, axis=1, keepdims=True)
    lse = np.log(np.add.reduce(np.exp(shifted), axis=1))
    shifted *= y
    # L = log Σ_j e^{a_j - m} - Σ_i y_i (a_i - m)
    return lse - np.add.reduce(shifted, axis=1)


def binary_cross_entropy_from_logits(y, a_L):
    """-Σ [y log σ(a) + (1 - y) log(1 - σ(a))] = Σ [log(1 + e^a) - y a] per sample, exact for any a."""
    # -log σ(a) … = softplus(a) - y a, with softplus(a) = log(1 + e^a) computed without overflow
    value = np.logaddexp(0.0, a_L)
    value -= y * a_L
    return np.add.reduce(value, axis=1)


def probability_rows(y):
    """A softmax cross-entropy target must be a probability vector (one-hot y = e(ℓ))."""
    y = np.asarray(y, dtype=float)
    if np.any(y < 0) or not np.allclose(y.sum(axis=1), 1.0, atol=1e-9):
        row = y[0] if len(y) else y
        return (f"the target of softmax_cross_entropy must be a probability vector summing to 1, "
                f"such as one-hot 1 0; got {np.round(row, 6).tolist()}")
    return None


def unit_interval(y):
    """A binary cross-entropy target lies in [0, 1] per output."""
    y = np.asarray(y, dtype=float)
    if np.any(y < 0) or np.any(y > 1):
        return "the target of binary_cross_entropy must lie between 0 and 1 for every output"
    return None


_LOGITS = {"softmax_cross_entropy": (cross_entropy_from_logits, probability_rows),
           "binary_cross_entropy": (binary_cross_entropy_from_logits, unit_interval)}


_BUILTINS = (
    {
        "name": "softmax_cross_entropy", "output": softmax, "value": cross_entropy,
        "gradient": cross_entropy_gradient,
        "formula": r"L = -\sum_i y_i \log \hat{y}_i",
        "output_formula": r"\hat{y} = \mathrm{softmax}(a_L)",
        "gradient_formula": r"\nabla_{a_L} L = -(y - \hat{y})",
        "description": "Softmax output with cross-entropy: for one-hot y, L = -log of the probability "
                       "given to the true class. The usual choice for classification.",
        "output_name": "softmax",
        "output_explanation": "Softmax turns the output scores into probabilities that add up to 1.",
        "explanation": "The loss is small when the network gives the true class a high probability: "
                       "for one-hot y it is -log of that probability.",
        "gradient_explanation": "The error signal at the output: prediction minus target, how much each "
                                "output score should move.",
        "output_element_formula": r"\hat{y}_i = \frac{e^{a_{L,i}}}{\sum_m e^{a_{L,m}}}",
        "gradient_element_formula": r"\frac{\partial L}{\partial a_{L,i}} = \sum_m \frac{\partial L}"
                                    r"{\partial \hat{y}_m} \frac{\partial \hat{y}_m}{\partial a_{L,i}} = "
                                    r"-(1_{\ell=i} - \hat{y}_i) = -(y_i - \hat{y}_i)",
        "gradient_element_note": "With L = -log ŷ_ℓ (ℓ the true class): ∂L/∂ŷ_m is -1/ŷ_ℓ for m = ℓ and 0 "
                                 "otherwise, and ∂ŷ_ℓ/∂a_i = ŷ_ℓ(1_{ℓ=i} - ŷ_i); the product is "
                                 "-(1_{ℓ=i} - ŷ_i).",
    },
    {
        "name": "squared_error", "output": identity, "value": squared_error, "gradient": squared_error_gradient,
        "formula": r"L = \sum_i (y_i - \hat{y}_i)^2",
        "output_formula": r"\hat{y} = a_L",
        "gradient_formula": r"\nabla_{a_L} L = -2(y - \hat{y})",
        "description": "Identity output with the sum of squared errors. The usual choice for regression.",
        "output_name": "identity",
        "output_explanation": "The output is the pre-activation itself (a regression output).",
        "explanation": "The loss adds up the squared differences between the target and the prediction.",
        "gradient_explanation": "The error signal at the output: twice the prediction minus the target.",
        "output_element_formula": r"\hat{y}_i = a_{L,i}",
        "gradient_element_formula": r"\frac{\partial L}{\partial a_{L,i}} = \frac{\partial}{\partial \hat{y}_i}"
                                    r"(y_i - \hat{y}_i)^2 = -2(y_i - \hat{y}_i)",
    },
    {
        "name": "binary_cross_entropy", "output": sigmoid, "value": binary_cross_entropy,
        "gradient": cross_entropy_gradient,
        "formula": r"L = -\sum_i \left[y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i)\right]",
        "output_formula": r"\hat{y} = \sigma(a_L) = \frac{1}{1 + e^{-a_L}}",
        "gradient_formula": r"\nabla_{a_L} L = -(y - \hat{y})",
        "description": "Sigmoid outputs with binary cross-entropy: each output is an independent "
                       "yes/no probability (multi-label, or one output for two classes).",
        "output_name": "sigmoid",
        "output_explanation": "The sigmoid turns each output score into a probability between 0 and 1.",
        "explanation": "Each output is scored on its own: -log of the probability it gives the right answer.",
        "gradient_explanation": "The error signal at the output: prediction minus target, for each output.",
        "output_element_formula": r"\hat{y}_i = \frac{1}{1 + e^{-a_{L,i}}}",
        "gradient_element_formula": r"\frac{\partial L}{\partial a_{L,i}} = \frac{\partial L}{\partial \hat{y}_i}"
                                    r"\, \hat{y}_i (1 - \hat{y}_i) = -(y_i - \hat{y}_i)",
    },
)


# The NumPy source of O, the loss and its gradient for the standalone script of
# `backprop-studio export --script` (the optional numpy_source of docs/plugins.md): written to
# be read, computing the same numbers as the functions above (the export checks that it does).
_NUMPY_SOURCE = {
    "softmax_cross_entropy": """\
TINY = np.finfo(float).tiny  # the smallest normal float: log ŷ is floored there


def output(a_L):
    e = np.exp(a_L - a_L.max(axis=1, keepdims=True))  # shifted by the largest: exp never overflows
    return e / e.sum(axis=1, keepdims=True)  # ŷ_i = e^{a_i} / Σ_j e^{a_j}


def value(y, y_hat):
    return -np.sum(y * np.log(np.maximum(y_hat, TINY)), axis=1)  # L = -Σ_i y_i log ŷ_i (ŷ floored: no log 0)


def value_from_logits(y, a_L):
    shifted = a_L - a_L.max(axis=1, keepdims=True)
    # L = -Σ_i y_i log ŷ_i = log Σ_j e^{a_j} - Σ_i y_i a_i  (exact even where ŷ_i rounds to 0)
    return np.log(np.exp(shifted).sum(axis=1)) - np.sum(y * shifted, axis=1)


def gradient(y, y_hat, a_L):
    return -(y - y_hat)  # ∇a_L = -(y - ŷ)
""",
    "squared_error": """\
def output(a_L):
    return a_L.copy()  # ŷ = a_L


def value(y, y_hat):
    return np.sum((y - y_hat) ** 2, axis=1)  # L = Σ_i (y_i - ŷ_i)²


def gradient(y, y_hat, a_L):
    return -2.0 * (y - y_hat)  # ∇a_L = -2(y - ŷ)
""",
    "binary_cross_entropy": """\
TINY = np.finfo(float).tiny  # the smallest normal float: log ŷ is floored there


def output(a_L):
    return 0.5 * (1.0 + np.tanh(0.5 * a_L))  # ŷ = σ(a_L) = 1 / (1 + e^-a_L), without overflow


def value(y, y_hat):
    p, q = np.maximum(y_hat, TINY), np.maximum(1.0 - y_hat, TINY)  # no log 0
    return -np.sum(y * np.log(p) + (1.0 - y) * np.log(q), axis=1)  # L = -Σ_i [y_i log ŷ_i + (1-y_i) log(1-ŷ_i)]


def value_from_logits(y, a_L):
    return np.sum(np.logaddexp(0.0, a_L) - y * a_L, axis=1)  # the same L, exact: Σ_i [log(1 + e^{a_i}) - y_i a_i]


def gradient(y, y_hat, a_L):
    return -(y - y_hat)  # ∇a_L = -(y - ŷ)
""",
}


@hookimpl
def register_losses(register):
    """Register the built-in losses.

    Parameters
    ----------
    register : callable
        Called once per loss as ``register(name, output, value, gradient, *,
        formula, description, output_formula, gradient_formula, numpy_source)``.
    """
    for entry in _BUILTINS:
        logits = _LOGITS.get(entry["name"])
        extra = {"value_from_logits": logits[0], "validate_target": logits[1]} if logits else {}
        register(**entry, **extra, numpy_source=_NUMPY_SOURCE[entry["name"]])
