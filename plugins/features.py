"""Built-in input features: TensorFlow Playground's set, h_0 = φ(x) for two inputs x = (x₁, x₂).

Each feature maps the raw inputs X (B × 2, one row per sample) to one column: x₁, x₂,
x₁², x₂², x₁x₂, sin x₁, sin x₂. Registered like any third-party feature plugin; this
module needs only NumPy and pluggy.
"""
from __future__ import annotations

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")

_BUILTINS = (
    # name, φ(x), label, formula, description, φ(x) as NumPy source (for a standalone script)
    ("x1", lambda X: X[:, 0], "x₁", r"x_1", "The first input as it is", "X[:, 0]"),
    ("x2", lambda X: X[:, 1], "x₂", r"x_2", "The second input as it is", "X[:, 1]"),
    ("x1_squared", lambda X: X[:, 0] ** 2, "x₁²", r"x_1^2", "The first input squared", "X[:, 0] ** 2"),
    ("x2_squared", lambda X: X[:, 1] ** 2, "x₂²", r"x_2^2", "The second input squared", "X[:, 1] ** 2"),
    ("x1_x2", lambda X: X[:, 0] * X[:, 1], "x₁x₂", r"x_1 x_2", "The product of the two inputs", "X[:, 0] * X[:, 1]"),
    ("sin_x1", lambda X: np.sin(X[:, 0]), "sin x₁", r"\sin x_1", "The sine of the first input", "np.sin(X[:, 0])"),
    ("sin_x2", lambda X: np.sin(X[:, 1]), "sin x₂", r"\sin x_2", "The sine of the second input", "np.sin(X[:, 1])"),
)


@hookimpl
def register_features(register):
    """Register the built-in features of two inputs.

    Parameters
    ----------
    register : callable
        Called once per feature as ``register(name, fn, *, inputs, label, formula, description,
        numpy_source)``.
    """
    for name, fn, label, formula, description, expression in _BUILTINS:
        register(name=name, fn=fn, inputs=2, label=label, formula=formula, description=description,
                 numpy_source=f"def phi(X):\n    return {expression}  # one column of h_0 = φ(x)\n")
