"""Swish and mish for Backprop Studio: smooth, self-gated relatives of the ReLU.

    swish(a) = a σ(a)                 swish'(a) = σ(a) (1 + a (1 − σ(a)))
    mish(a)  = a tanh(softplus(a))    mish'(a)  = tanh(s) + a σ(a) (1 − tanh²(s)),  s = softplus(a)

(softplus(a) = log(1 + eᵃ) and d softplus/da = σ(a).) Only numpy and pluggy are needed.
"""
import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")
__version__ = "0.1.0"


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(−a)), written with tanh so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def softplus(a):
    """log(1 + eᵃ) without overflow."""
    return np.logaddexp(0.0, a)


def swish(a):
    return a * sigmoid(a)


def swish_derivative(a):
    s = sigmoid(a)
    return s * (1.0 + a * (1.0 - s))


def mish(a):
    return a * np.tanh(softplus(a))


def mish_derivative(a):
    t = np.tanh(softplus(a))
    return t + a * sigmoid(a) * (1.0 - t ** 2)


@hookimpl
def register_activations(register):
    register(
        name="swish",
        fn=swish,
        derivative=swish_derivative,
        formula=r"g(a) = a\,\sigma(a)",
        derivative_formula=r"g'(a) = \sigma(a)\,(1 + a\,(1 - \sigma(a)))",
        description="Self-gated: smooth, non-monotonic just below 0",
    )
    register(
        name="mish",
        fn=mish,
        derivative=mish_derivative,
        formula=r"g(a) = a\,\tanh(\mathrm{softplus}(a))",
        derivative_formula=r"g'(a) = \tanh(s) + a\,\sigma(a)\,(1 - \tanh^2(s)),\ s = \mathrm{softplus}(a)",
        description="Like swish, a little smoother; softplus(a) = log(1 + e^a)",
    )
