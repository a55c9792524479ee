"""Built-in activation functions g(a) and their derivatives g'(a).

Every function is elementwise on an array of any shape, returns a new array of the
same shape and keeps the input's floating dtype (float32 stays float32: all constants
are Python floats, which NumPy treats as "weak" scalars). Each function is written for
speed inside a training loop (few NumPy calls, in-place work on temporaries) and is
numerically stable: no overflow, division by zero or invalid operation at |a| = 1000.
Underflow to 0 (e.g. exp(-1000)) is the intended result and is not an error.

This module needs only NumPy and pluggy, like any third-party plugin.
"""

from __future__ import annotations

import math

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")

_LEAKY_SLOPE = 0.01
# 1 as a 0-d array of each float dtype: NumPy subtracts from it faster than from the float 1.0
# (~0.15 µs a call, a tenth of a small network's backward step), and the dtype stays h's
_ONE = {np.dtype(t): np.ones((), dtype=t) for t in (np.float16, np.float32, np.float64)}
_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


def sigmoid(a):
    """Logistic sigmoid, computed stably through tanh.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``1 / (1 + exp(-a))``, same shape and dtype as `a`.
    """
    # σ(a) = ½ (1 + tanh(a/2)): no exp, so no overflow for any a
    s = np.tanh(0.5 * a)
    s += 1.0
    s *= 0.5
    return s


def sigmoid_derivative(a):
    """Derivative of the sigmoid.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``σ(a) (1 - σ(a))``, same shape and dtype as `a`.
    """
    t = np.tanh(0.5 * a)
    # σ'(a) = σ(a)(1 - σ(a)) = ¼ (1 - tanh²(a/2))
    t *= t
    t *= -0.25
    t += 0.25
    return t


def sigmoid_derivative_from_output(h):
    """Derivative of the sigmoid from its output.

    Parameters
    ----------
    h : numpy.ndarray
        ``σ(a)``, any shape.

    Returns
    -------
    numpy.ndarray
        ``σ'(a) = h (1 - h)``, same shape and dtype as `h`.
    """
    d = _ONE.get(h.dtype, 1.0) - h
    # σ'(a) = σ(a) (1 - σ(a))
    d *= h
    return d


def tanh_derivative(a):
    """Derivative of tanh.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``1 - tanh(a)**2``, same shape and dtype as `a`.
    """
    t = np.tanh(a)
    # g'(a) = 1 - tanh²(a)
    return 1.0 - t * t


def tanh_derivative_from_output(h):
    """Derivative of tanh from its output.

    Parameters
    ----------
    h : numpy.ndarray
        ``tanh(a)``, any shape.

    Returns
    -------
    numpy.ndarray
        ``1 - h**2``, same shape and dtype as `h`.
    """
    # g'(a) = 1 - tanh²(a)
    return _ONE.get(h.dtype, 1.0) - h * h


def relu(a):
    """Rectified linear unit.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``max(0, a)``, same shape and dtype as `a`.
    """
    return np.maximum(a, 0.0)


def relu_derivative(a):
    """Derivative of ReLU, with the convention g'(0) = 0.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        1 where ``a > 0``, else 0; same shape and dtype as `a`.
    """
    # g'(a) = 1 if a > 0 else 0
    return (a > 0.0).astype(a.dtype)


def leaky_relu(a):
    """Leaky ReLU with slope 0.01 for negative inputs.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``max(0.01 a, a)``, same shape and dtype as `a`.
    """
    # g(a) = max(0.01 a, a), equal to a for a > 0 and 0.01 a otherwise
    return np.maximum(a, _LEAKY_SLOPE * a)


def leaky_relu_derivative(a):
    """Derivative of leaky ReLU, with the convention g'(0) = 0.01.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        1 where ``a > 0``, else 0.01; same shape and dtype as `a`.
    """
    d = (a > 0.0).astype(a.dtype)
    # g'(a) = 0.01 + 0.99 [a > 0]
    d *= 1.0 - _LEAKY_SLOPE
    d += _LEAKY_SLOPE
    return d


def linear(a):
    """Identity activation (returns a copy, so h and a never share memory).

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        A copy of `a`.
    """
    return np.positive(a)


def linear_derivative(a):
    """Derivative of the identity.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        Ones, same shape and dtype as `a`.
    """
    return np.ones_like(a)


def softplus(a):
    """Softplus, a smooth ReLU.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``log(1 + exp(a))``, same shape and dtype as `a`.
    """
    # g(a) = log(1 + e^a) = max(a, 0) + log(1 + e^{-|a|}): exp never overflows
    s = np.log1p(np.exp(-np.abs(a)))
    s += np.maximum(a, 0.0)
    return s


def softplus_derivative_from_output(h):
    """Derivative of softplus from its output.

    Parameters
    ----------
    h : numpy.ndarray
        ``log(1 + exp(a))``, any shape.

    Returns
    -------
    numpy.ndarray
        ``σ(a) = 1 - exp(-h)``, same shape and dtype as `h`.
    """
    # e^h = 1 + e^a, so σ(a) = e^a / (1 + e^a) = 1 - e^{-h} (expm1: exact also for tiny h)
    d = np.expm1(-h)
    np.negative(d, out=d)
    return d


def elu(a):
    """Exponential linear unit with alpha = 1.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``a`` where ``a > 0``, else ``exp(a) - 1``; same shape and dtype as `a`.
    """
    # g(a) = max(a, e^{min(a,0)} - 1): since e^a - 1 >= a, this is a for a > 0
    # and e^a - 1 otherwise, and exp never sees a large positive argument
    return np.maximum(a, np.expm1(np.minimum(a, 0.0)))


def elu_derivative(a):
    """Derivative of ELU (alpha = 1).

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        1 where ``a > 0``, else ``exp(a)``; same shape and dtype as `a`.
    """
    # g'(a) = e^{min(a, 0)}: 1 for a > 0, e^a otherwise
    return np.exp(np.minimum(a, 0.0))


def gelu(a):
    """GELU, tanh approximation (Hendrycks & Gimpel; used by GPT-2 and BERT).

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``0.5 a (1 + tanh(c (a + 0.044715 a^3)))`` with ``c = sqrt(2/pi)``.
    """
    u = a * a
    # u = c (a + k a³) = a (c + c k a²)
    u *= _GELU_C * _GELU_K
    u += _GELU_C
    u *= a
    t = np.tanh(u)
    # g(a) = ½ a (1 + tanh(u))
    t += 1.0
    t *= a
    t *= 0.5
    return t


def gelu_derivative(a):
    """Exact derivative of the tanh approximation of GELU.

    Parameters
    ----------
    a : numpy.ndarray
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        ``0.5 (1 + t) + 0.5 a (1 - t^2) c (1 + 3 k a^2)`` with
        ``t = tanh(c (a + k a^3))``, ``c = sqrt(2/pi)``, ``k = 0.044715``.
    """
    a2 = a * a
    # u = a (c + c k a²)
    u = a2 * (_GELU_C * _GELU_K)
    u += _GELU_C
    u *= a
    t = np.tanh(u)
    # du/da = c (1 + 3 k a²)
    a2 *= 3.0 * _GELU_C * _GELU_K
    a2 += _GELU_C
    # g'(a) = ½ (1 + t) + ½ a (1 - t²) du/da
    d = 1.0 - t * t
    d *= a2
    d *= a
    d += t
    d += 1.0
    d *= 0.5
    return d


_BUILTINS = (
    (
        "sigmoid", sigmoid, sigmoid_derivative,
        r"g(a) = \frac{1}{1 + e^{-a}}",
        r"g'(a) = g(a)\,(1 - g(a))",
        "Logistic sigmoid: squashes to (0, 1); saturates, so gradients vanish for large |a|.",
    ),
    (
        "tanh", np.tanh, tanh_derivative,  # the ufunc itself: the engine writes h_k in place
        r"g(a) = \tanh(a)",
        r"g'(a) = 1 - \tanh^2(a)",
        "Hyperbolic tangent: squashes to (-1, 1), zero-centred.",
    ),
    (
        "relu", relu, relu_derivative,
        r"g(a) = \max(0, a)",
        r"g'(a) = 1 \ \mathrm{if}\ a > 0 \ \mathrm{else}\ 0",
        "Rectified linear unit: zero for negative inputs, identity otherwise (g'(0) = 0).",
    ),
    (
        "leaky_relu", leaky_relu, leaky_relu_derivative,
        r"g(a) = \max(0.01\,a,\ a)",
        r"g'(a) = 1 \ \mathrm{if}\ a > 0 \ \mathrm{else}\ 0.01",
        "Leaky ReLU: like ReLU but with slope 0.01 for negative inputs, so it never dies.",
    ),
    (
        "linear", linear, linear_derivative,
        r"g(a) = a",
        r"g'(a) = 1",
        "Identity: no non-linearity (a stack of linear layers is still linear).",
    ),
    (
        "softplus", softplus, sigmoid,
        r"g(a) = \log(1 + e^{a})",
        r"g'(a) = \frac{1}{1 + e^{-a}}",
        "Softplus: a smooth ReLU; its derivative is the sigmoid.",
    ),
    (
        "elu", elu, elu_derivative,
        r"g(a) = a \ \mathrm{if}\ a > 0 \ \mathrm{else}\ e^{a} - 1",
        r"g'(a) = 1 \ \mathrm{if}\ a > 0 \ \mathrm{else}\ e^{a}",
        "Exponential linear unit (alpha = 1): smooth for negative inputs, saturating at -1.",
    ),
    (
        "gelu", gelu, gelu_derivative,
        r"g(a) = \frac{a}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(a + 0.044715\,a^3)\right)\right)",
        r"g'(a) = \frac{1 + t}{2} + \frac{a}{2}(1 - t^2)\sqrt{2/\pi}\,(1 + 0.134145\,a^2),"
        r"\ t = \tanh\left(\sqrt{2/\pi}\,(a + 0.044715\,a^3)\right)",
        "Gaussian error linear unit, tanh approximation (as in GPT-2 and BERT).",
    ),
)


# g'(a) from h = g(a), where that is cheaper than from a (the optional derivative_from_output)
_FROM_OUTPUT = {
    "sigmoid": sigmoid_derivative_from_output,
    "tanh": tanh_derivative_from_output,
    "softplus": softplus_derivative_from_output,
}


# The NumPy source of g and g' for the standalone script of `backprop-studio export --script`
# (the optional numpy_source of docs/plugins.md): written to be read, computing the same
# numbers as the functions above (the export checks that it does).
_NUMPY_SOURCE = {
    "sigmoid": """\
def g(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # g(a) = 1 / (1 + e^-a), written with tanh: no overflow


def g_prime(a):
    s = g(a)
    return s * (1.0 - s)  # g'(a) = g(a) (1 - g(a))
""",
    "tanh": """\
def g(a):
    return np.tanh(a)  # g(a) = tanh(a)


def g_prime(a):
    return 1.0 - np.tanh(a) ** 2  # g'(a) = 1 - tanh²(a)
""",
    "relu": """\
def g(a):
    return np.maximum(a, 0.0)  # g(a) = max(0, a)


def g_prime(a):
    return np.where(a > 0, 1.0, 0.0)  # g'(a) = 1 if a > 0 else 0
""",
    "leaky_relu": """\
def g(a):
    return np.where(a > 0, a, 0.01 * a)  # g(a) = a if a > 0 else 0.01 a


def g_prime(a):
    return np.where(a > 0, 1.0, 0.01)  # g'(a) = 1 if a > 0 else 0.01
""",
    "linear": """\
def g(a):
    return a.copy()  # g(a) = a


def g_prime(a):
    return np.ones_like(a)  # g'(a) = 1
""",
    "softplus": """\
def g(a):
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))  # g(a) = log(1 + e^a), without overflow


def g_prime(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # g'(a) = 1 / (1 + e^-a), the sigmoid
""",
    "elu": """\
def g(a):
    return np.where(a > 0, a, np.expm1(np.minimum(a, 0.0)))  # g(a) = a if a > 0 else e^a - 1


def g_prime(a):
    return np.where(a > 0, 1.0, np.exp(np.minimum(a, 0.0)))  # g'(a) = 1 if a > 0 else e^a
""",
    "gelu": """\
C = np.sqrt(2.0 / np.pi)


def g(a):
    t = np.tanh(C * (a + 0.044715 * a ** 3))
    return 0.5 * a * (1.0 + t)  # g(a) = a/2 (1 + tanh(√(2/π) (a + 0.044715 a³)))


def g_prime(a):
    t = np.tanh(C * (a + 0.044715 * a ** 3))
    # g'(a) = (1 + t)/2 + a/2 (1 - t²) √(2/π) (1 + 3 · 0.044715 a²)
    return 0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * C * (1.0 + 3 * 0.044715 * a ** 2)
""",
}


@hookimpl
def register_activations(register):
    """Register the built-in activations.

    Parameters
    ----------
    register : callable
        Called once per activation with the keywords ``name``, ``fn``,
        ``derivative``, ``formula``, ``description`` and ``derivative_formula``,
        ``derivative_from_output`` where g'(a) is cheaper from h = g(a), and
        ``numpy_source`` (g and g' for the standalone script).
    """
    for name, fn, derivative, formula, derivative_formula, description in _BUILTINS:
        register(
            name=name,
            fn=fn,
            derivative=derivative,
            formula=formula,
            description=description,
            derivative_formula=derivative_formula,
            numpy_source=_NUMPY_SOURCE[name],
            **({"derivative_from_output": _FROM_OUTPUT[name]} if name in _FROM_OUTPUT else {}),
        )
