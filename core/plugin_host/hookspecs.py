"""The hooks a Backprop Studio plugin may implement.

Every hook receives a ``register`` callback (the pattern of simonw/llm), so a plugin
module needs nothing from this project: only ``pluggy`` and ``numpy``.
"""
from __future__ import annotations

import pluggy

PROJECT_NAME = "backprop_studio"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_activations(register):
    """Register activations: ``register(name, fn, derivative, *, formula, description)``.

    ``fn(a)`` is g(a) and ``derivative(a)`` is g'(a), both elementwise.
    """


@hookspec
def register_losses(register):
    """Register losses: ``register(name, output, value, gradient, *, formula, description)``.

    ``output(a_L)`` is ŷ = O(a_L); ``value(y, ŷ)`` the loss per sample, shape (B,);
    ``gradient(y, ŷ, a_L)`` is ∇_{a_L} L per sample, shape (B, n_L).
    """


@hookspec
def register_optimizers(register):
    """Register optimizers: ``register(name, factory, defaults, *, description)``.

    ``factory(**hyperparameters)`` returns an object whose ``step(params, grads)`` updates
    the parameter arrays in place.
    """


@hookspec
def register_datasets(register):
    """Register datasets: ``register(name, generate, *, defaults, task, n_inputs, n_classes)``.

    ``generate(n_samples, seed, **params)`` returns ``(X, y)``.
    """


@hookspec
def register_features(register):
    """Register input features: ``register(name, fn, *, inputs, label, formula, description)``.

    ``fn(X)`` maps the raw inputs X (B × ``inputs``) to one column (B,): one unit of
    h_0 = φ(x).
    """


@hookspec
def register_regularizers(register):
    """Register penalties on the weights: ``register(name, penalty, gradient, *, formula,
    gradient_formula, description)``.

    ``penalty(W)`` is R(W) for one W_k (a number), ``gradient(W)`` is ∂R/∂W (shaped like W);
    training minimises L + λ Σ_k R(W_k).
    """
