"""Checks run on every contribution when it is loaded, so no plugin silently teaches wrong math."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from core.plugin_host.registry import Activation, DatasetSpec, Feature, Loss, Optimizer, Regularizer

# Sample points for the derivative check, away from 0 where relu-like kinks sit.
# what a plugin's code may raise that must not stop the program (KeyboardInterrupt still does)
PLUGIN_ERRORS = (Exception, SystemExit, GeneratorExit)

SAMPLE_POINTS = np.array([-3.7, -2.1, -1.3, -0.77, -0.31, -0.05, 0.05, 0.29, 0.83, 1.4, 2.6, 3.9])
STEP = 1e-5  # central-difference step
TOLERANCE = 1e-4  # allowed |g'(a) - finite difference| / (1 + |g'(a)|)


def _as_array(value, name: str, shape: tuple[int, ...]) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.shape != shape:
        raise ValueError(f"{name} returned shape {array.shape} for an input of shape {shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} returned a non-finite value (NaN or inf) at a finite input")
    return array


def check_activation(act: Activation) -> str | None:
    """Return why ``act`` is unusable (shape, finiteness or a wrong derivative), or None.

    Also stores the largest derivative error seen in ``act.max_derivative_error``.
    """
    a = SAMPLE_POINTS.reshape(3, 4)
    try:
        g = _as_array(act.fn(a.copy()), "g(a)", a.shape)
        dg = _as_array(act.derivative(a.copy()), "derivative g'(a)", a.shape)
        # g'(a) ≈ (g(a + h) - g(a - h)) / 2h, with one-sided differences to allow a kink
        up = _as_array(act.fn(a + STEP), "g(a)", a.shape)
        down = _as_array(act.fn(a - STEP), "g(a)", a.shape)
        from_output = None
        if act.derivative_from_output is not None:
            from_output = _as_array(act.derivative_from_output(g.copy()), "derivative_from_output(g(a))", a.shape)
    except PLUGIN_ERRORS as exc:  # a plugin may raise anything, sys.exit() included
        return f"{type(exc).__name__}: {exc}"
    central = (up - down) / (2 * STEP)
    right = (up - g) / STEP
    left = (g - down) / STEP
    act.max_derivative_error = float(np.max(np.abs(dg - central)))
    for name, said, values in (("derivative g'(a)", "g'(a) =", dg),
                               ("derivative_from_output(h)", "at h = g(a) it gives", from_output)):
        if values is None:
            continue
        scale = 1 + np.abs(values)
        error = np.minimum(np.abs(values - central),
                           np.minimum(np.abs(values - right), np.abs(values - left))) / scale
        worst = int(np.argmax(error))
        if error.flat[worst] > TOLERANCE:
            point = a.flat[worst]
            return (
                f"its {name} disagrees with finite differences: at a = {point:g}, {said} "
                f"{values.flat[worst]:.6g} but (g(a+h) - g(a-h))/2h = {central.flat[worst]:.6g}"
            )
    return None


def check_loss(loss: Loss) -> str | None:
    """Check ŷ = O(a_L), the per-sample value and ∇_{a_L} L against finite differences."""
    rng = np.random.default_rng(0)
    a_L = rng.normal(size=(2, 3))
    y = np.eye(3)[[0, 2]]
    try:
        yhat = _as_array(loss.output(a_L.copy()), "output O(a_L)", a_L.shape)
        value = _as_array(loss.value(y, yhat), "value(y, ŷ)", (2,))
        grad = _as_array(loss.gradient(y, yhat, a_L.copy()), "gradient(y, ŷ, a_L)", a_L.shape)
        numeric = np.empty_like(a_L)
        for index in np.ndindex(a_L.shape):
            up, down = a_L.copy(), a_L.copy()
            up[index] += STEP
            down[index] -= STEP
            # ∂L/∂a ≈ (L(a + h) - L(a - h)) / 2h, per sample
            numeric[index] = (
                loss.value(y, loss.output(up))[index[0]] - loss.value(y, loss.output(down))[index[0]]
            ) / (2 * STEP)
        if loss.value_from_logits is not None:
            exact = _as_array(loss.value_from_logits(y, a_L.copy()), "value_from_logits(y, a_L)", (2,))
            if np.max(np.abs(exact - value)) > TOLERANCE * (1 + np.max(np.abs(value))):
                return "value_from_logits(y, a_L) disagrees with value(y, O(a_L))"
    except PLUGIN_ERRORS as exc:
        return f"{type(exc).__name__}: {exc}"
    del value
    error = np.abs(grad - numeric) / (1 + np.abs(grad))
    if np.max(error) > TOLERANCE:
        return (
            "its gradient (the derivative of the loss with respect to a_L) disagrees with "
            f"finite differences by up to {np.max(np.abs(grad - numeric)):.3g}"
        )
    return None


def check_optimizer(opt: Optimizer) -> str | None:
    """An optimizer must build from its defaults and update parameters in place."""
    try:
        if not isinstance(opt.defaults, dict):
            raise TypeError("defaults must be a dict of hyperparameter name -> value")
        optimizer = opt.factory(**opt.defaults)
        params = [np.ones((2, 2)), np.ones(2)]
        optimizer.step(params, [np.ones((2, 2)), np.ones(2)])
    except PLUGIN_ERRORS as exc:
        return f"{type(exc).__name__}: {exc}"
    if np.all(params[0] == 1):
        return "step(params, grads) did not change the parameters (they must be updated in place)"
    return None


def check_dataset(spec: DatasetSpec) -> str | None:
    """A dataset must generate (X, y) of consistent shapes."""
    try:
        params = {k: v for k, v in spec.defaults.items() if k not in ("n_samples", "seed")}
        X, y = spec.generate(12, 0, **params)
        X, y = np.asarray(X), np.asarray(y)
        if X.ndim != 2 or X.shape[0] != 12 or len(y) != 12:
            raise ValueError(f"generate(12, seed) returned X {X.shape} and y {y.shape}")
    except PLUGIN_ERRORS as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def check_feature(feature: Feature) -> str | None:
    """A feature must give finite numbers for inputs in the range datasets use (the shapes are
    checked by the contract: :func:`core.plugin_host.contract.feature_shape_problem`)."""
    try:
        X = np.random.default_rng(0).uniform(-6, 6, size=(7, feature.inputs))
        _as_array(feature.fn(X.copy()), "φ(x)", (7,))  # finite, one number per sample
    except PLUGIN_ERRORS as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def check_regularizer(reg: Regularizer) -> str | None:
    """R(W) must be a finite number and its gradient ∂R/∂W agree with finite differences."""
    W = SAMPLE_POINTS.reshape(3, 4)
    try:
        value = np.asarray(reg.penalty(W.copy()), dtype=float)
        if value.shape != () or not np.isfinite(value):
            raise ValueError(f"penalty(W) must return one finite number, not an array of shape {value.shape}")
        grad = _as_array(reg.gradient(W.copy()), "gradient(W)", W.shape)
        numeric = np.empty_like(W)
        for index in np.ndindex(W.shape):
            up, down = W.copy(), W.copy()
            up[index] += STEP
            down[index] -= STEP
            numeric[index] = (float(reg.penalty(up)) - float(reg.penalty(down))) / (2 * STEP)  # ∂R/∂w ≈ ΔR/2h
    except PLUGIN_ERRORS as exc:
        return f"{type(exc).__name__}: {exc}"
    error = np.abs(grad - numeric) / (1 + np.abs(grad))
    if np.max(error) > TOLERANCE:
        return ("its gradient (∂R/∂W) disagrees with finite differences of its penalty by up to "
                f"{np.max(np.abs(grad - numeric)):.3g}")
    return None


CHECKS: dict[str, Callable[[Any], str | None]] = {
    "activations": check_activation,
    "losses": check_loss,
    "optimizers": check_optimizer,
    "datasets": check_dataset,
    "features": check_feature,
    "regularizers": check_regularizer,
}
