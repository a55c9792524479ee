"""Built-in regularizers: L1 and L2 penalties on the weights (not the biases), as in Playground.

Training minimises L + λ Σ_k R(W_k); the penalty's gradient λ ∂R/∂W_k is added to ∇W_k.
This module needs only NumPy and pluggy, like any third-party plugin.
"""
from __future__ import annotations

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("backprop_studio")


def l1(W):
    """R(W) = Σ_ij |w_ij|."""
    return float(np.abs(W).sum())


def l1_gradient(W):
    """∂R/∂W = sign(W) (0 at w = 0, the subgradient Playground uses)."""
    return np.sign(W)


def l2(W):
    """R(W) = ½ Σ_ij w_ij²."""
    return 0.5 * float(np.vdot(W, W))


def l2_gradient(W):
    """∂R/∂W = W."""
    return np.array(W, dtype=float, copy=True)


# The same functions as NumPy source for `backprop-studio export --script` (docs/plugins.md)
_NUMPY_SOURCE = {
    "l1": """def penalty(W):
    return float(np.abs(W).sum())  # R(W) = Σ_ij |w_ij|


def gradient(W):
    return np.sign(W)  # ∂R/∂W = sign(W)
""",
    "l2": """def penalty(W):
    return 0.5 * float(np.vdot(W, W))  # R(W) = ½ Σ_ij w_ij²


def gradient(W):
    return W.copy()  # ∂R/∂W = W
""",
}


@hookimpl
def register_regularizers(register):
    """Register L1 and L2.

    Parameters
    ----------
    register : callable
        Called as ``register(name, penalty, gradient, *, formula, gradient_formula, description,
        numpy_source)``.
    """
    register(name="l1", penalty=l1, gradient=l1_gradient,
             formula=r"R(W) = \sum_{ij} |w_{ij}|", gradient_formula=r"\partial R / \partial W = \mathrm{sign}(W)",
             description="L1: pulls every weight towards 0 by the same amount; many end at exactly 0",
             numpy_source=_NUMPY_SOURCE["l1"])
    register(name="l2", penalty=l2, gradient=l2_gradient,
             formula=r"R(W) = \frac{1}{2} \sum_{ij} w_{ij}^2", gradient_formula=r"\partial R / \partial W = W",
             description="L2 (weight decay): shrinks every weight in proportion to its size",
             numpy_source=_NUMPY_SOURCE["l2"])
