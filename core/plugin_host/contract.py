"""What a contribution must be before any of its functions is trusted (docs/plugins.md).

Checked when a plugin registers, on top of the mathematical checks of
:mod:`core.plugin_host.validation`: names are identifiers, texts are text, optimizer
defaults are numbers, and functions return real numbers of the right shape for inputs
of several shapes (a batch of one, a wide batch, a vector), so a plugin that only works
for the check's (3, 4) array is refused at load instead of failing in training.
Also computes the curves the GUI draws for an activation, so drawing never calls the plugin.
"""
from __future__ import annotations

import keyword
import math
import warnings
from typing import Any

import numpy as np

from core.plugin_host.registry import Activation, DatasetSpec, Feature, Loss, Optimizer, Regularizer

TEXT_FIELDS = ("formula", "derivative_formula", "output_formula", "gradient_formula", "description", "numpy_source",
               "label")
PROBE_SHAPES = ((1, 1), (5,), (16, 7))  # a batch of one, a vector, a wide batch
CURVE_INTERVAL = (-4.0, 4.0)
CURVE_POINTS = 161


def name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a contribution (it must be an identifier), or None."""
    if not isinstance(name, str):
        return f"the name must be text, not {type(name).__name__} {name!r}"
    if not name.isidentifier() or keyword.iskeyword(name):
        return f"the name {name!r} is not an identifier (letters, digits and _, e.g. 'soft_sign')"
    if len(name) > 64:
        return f"the name {name[:20]!r}… is longer than 64 characters"
    return None


def text_problem(item: Any) -> str | None:
    """Formulas and descriptions must be text."""
    for field in TEXT_FIELDS:
        value = getattr(item, field, "")
        if value is None:
            setattr(item, field, "")
        elif not isinstance(value, str):
            return f"{field} must be text, not {type(value).__name__}"
    return None


def _real(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def defaults_problem(defaults: Any, *, numbers_only: bool) -> str | None:
    """Defaults must map identifier names to finite numbers (optimizers) or plain values."""
    if not isinstance(defaults, dict):
        return f"defaults must be a dict of name -> value, not {type(defaults).__name__}"
    for key, value in defaults.items():
        problem = name_problem(key)
        if problem is not None:
            return f"hyperparameter {key!r}: {problem}"
        if numbers_only and not _real(value):
            return f"the default of {key!r} must be a finite number, not {value!r}"
        if not numbers_only and not (_real(value) or isinstance(value, (str, bool)) or value is None):
            return f"the default of {key!r} must be a number, text, true/false or None, not {type(value).__name__}"
    return None


def _checked(result: Any, label: str, shape: tuple[int, ...], elementwise: bool = False) -> np.ndarray:
    """``result`` as an array of real numbers of ``shape``, else a ValueError naming it."""
    array = np.asarray(result)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{label} returned values of type {array.dtype} (real numbers are needed)")
    if array.shape != shape:
        if elementwise:
            raise ValueError(f"{label} returned shape {array.shape} for an input of shape {shape} "
                             "(it must work elementwise on any shape)")
        raise ValueError(f"{label} returned shape {array.shape}, expected {shape}")
    return array


class _Broken(ValueError):
    """A probe of a plugin function failed; the message names the function."""


def _probe(label: str, function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except (ValueError, TypeError, ArithmeticError, IndexError, AttributeError) as exc:
        raise _Broken(f"{label} raised {type(exc).__name__}: {exc}") from None


def elementwise_problem(act: Activation) -> str | None:
    """g and g' must return real arrays of their input's shape, for any shape."""
    rng = np.random.default_rng(1)
    try:
        for shape in PROBE_SHAPES:
            a = rng.uniform(-3, 3, size=shape)
            _checked(_probe("g(a)", act.fn, a.copy()), "g(a)", shape, elementwise=True)
            _checked(_probe("g'(a)", act.derivative, a.copy()), "g'(a)", shape, elementwise=True)
            if act.derivative_from_output is not None:
                h = np.asarray(act.fn(a.copy()), dtype=float)
                label = "derivative_from_output(h)"
                _checked(_probe(label, act.derivative_from_output, h), label, shape, elementwise=True)
    except ValueError as exc:
        return str(exc)
    return None


def loss_shape_problem(loss: Loss) -> str | None:
    """O, the value and the gradient must have the documented shapes for any batch."""
    rng = np.random.default_rng(2)
    try:
        for batch, width in ((1, 2), (9, 4)):
            a_L = rng.normal(size=(batch, width))
            y = np.eye(width)[rng.integers(0, width, size=batch)]
            label = "output O(a_L)"
            yhat = _checked(_probe(label, loss.output, a_L.copy()), label, (batch, width)).astype(float)
            label = "value(y, ŷ)"
            _checked(_probe(label, loss.value, y, yhat), label, (batch,))
            label = "gradient(y, ŷ, a_L)"
            _checked(_probe(label, loss.gradient, y, yhat, a_L.copy()), label, (batch, width))
            if loss.value_from_logits is not None:
                label = "value_from_logits(y, a_L)"
                _checked(_probe(label, loss.value_from_logits, y, a_L.copy()), label, (batch,))
    except ValueError as exc:
        return str(exc)
    return None


def feature_shape_problem(feature: Feature) -> str | None:
    """φ must map raw inputs X (B × ``inputs``) to one real number per sample, for any B."""
    inputs = feature.inputs
    if isinstance(inputs, bool) or not isinstance(inputs, int) or not 1 <= inputs <= 64:
        return f"inputs must be a whole number from 1 to 64, not {inputs!r}"
    rng = np.random.default_rng(3)
    try:
        for batch in (1, 16):
            X = rng.uniform(-6, 6, size=(batch, inputs))
            _checked(_probe("φ(x)", feature.fn, X), "φ(x)", (batch,))
    except ValueError as exc:
        return str(exc)
    return None


def regularizer_shape_problem(reg: Regularizer) -> str | None:
    """R(W) must be one real number and ∂R/∂W shaped like W, for any W_k."""
    rng = np.random.default_rng(4)
    try:
        for shape in ((1, 1), (5, 3)):
            W = rng.normal(size=shape)
            _checked(_probe("R(W)", reg.penalty, W.copy()), "R(W)", ())
            _checked(_probe("∂R/∂W", reg.gradient, W.copy()), "∂R/∂W", shape)
    except ValueError as exc:
        return str(exc)
    return None


def activation_curves(act: Activation) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """a, g(a) and g'(a) over [-4, 4] for drawing (None where the plugin fails; NaN gaps)."""
    a = np.linspace(*CURVE_INTERVAL, CURVE_POINTS)

    def evaluate(function) -> np.ndarray | None:
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # complex or object results: drawn as far as they go
                values = np.asarray(function(a.copy()), dtype=float)
        except (Exception, SystemExit):  # drawn as no curve; the checks say why
            return None
        if values.shape != a.shape:
            return None
        return np.where(np.isfinite(values), values, np.nan)

    return a, evaluate(act.fn), evaluate(act.derivative)


def contract_problem(kind: str, item: Any) -> str | None:
    """Why ``item`` breaks the plugin contract beyond the maths, or None.

    ``kind`` ("activations", …) is implied by the item's type; it is kept for the host.
    """
    problem = text_problem(item)
    if problem is not None:
        return problem
    if isinstance(item, Optimizer):
        return defaults_problem(item.defaults, numbers_only=True)
    if isinstance(item, DatasetSpec):
        return defaults_problem(item.defaults, numbers_only=False)
    if isinstance(item, Activation):
        return elementwise_problem(item)
    if isinstance(item, Loss):
        return loss_shape_problem(item)
    if isinstance(item, Feature):
        return feature_shape_problem(item)
    if isinstance(item, Regularizer):
        return regularizer_shape_problem(item)
    return None


def misbehaviour(item: Any) -> str | None:
    """:func:`contract_problem` for a contribution found in use (the probe of ``guard.blame``)."""
    return contract_problem("", item)
