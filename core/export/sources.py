"""The plugins' NumPy source (``numpy_source``), checked before it goes into a script.

An activation's source defines ``g(a)`` and ``g_prime(a)``; a loss's defines
``output(a_L)``, ``value(y, y_hat)``, ``gradient(y, y_hat, a_L)`` and, when the plugin has
``value_from_logits``, that too; an input feature's defines ``phi(X)``; a regularizer's
``penalty(W)`` and ``gradient(W)`` (docs/plugins.md). Each may use ``np`` and define helpers.
The source is plugin code: it runs under the plugin host's guard (a time limit, no exit)
and must compute what the plugin's own functions compute at sample points.
"""
from __future__ import annotations

import ast
import builtins
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from core.engine.network import Network
from core.plugin_host.guard import PluginHang, call_with_time_limit, exits_refused
from core.plugin_host.registry import Activation, Feature, Loss, Registry, Regularizer
from core.plugin_host.validation import PLUGIN_ERRORS

ACTIVATION_NAMES = ("g", "g_prime")
LOSS_NAMES = ("output", "value", "gradient")
FEATURE_NAMES = ("phi",)
REGULARIZER_NAMES = ("penalty", "gradient")
RTOL, ATOL = 1e-9, 1e-12
# points where g and g' are compared: both signs, the flat tails, and away from 0 (kinks)
SAMPLE_A = np.concatenate([np.linspace(-6.1, 6.1, 41), [-40.3, -12.7, 12.7, 40.3]]).reshape(5, 9)


class ExportError(ValueError):
    """A network, lesson or view that cannot be exported, with the reason."""


def defined_functions(source: str) -> set[str]:
    """The names of the functions ``source`` defines at its top level (raises SyntaxError)."""
    tree = ast.parse(source)
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def run_source(source: str) -> dict[str, Any]:
    """The namespace after running ``source`` with ``np`` available."""
    namespace: dict[str, Any] = {"np": np, "__builtins__": builtins, "__name__": "numpy_source"}
    exec(compile(source, "<numpy_source>", "exec"), namespace)  # plugin code, run under the guard
    return namespace


def _missing(kind: str, item: Activation | Loss | Feature | Regularizer) -> ExportError:
    return ExportError(
        f"the {kind} {item.name!r} from the plugin {item.plugin!r} gives no NumPy source (numpy_source), so it "
        "cannot be written into a standalone script; docs/plugins.md says how a plugin adds it")


def _functions(kind: str, item: Activation | Loss | Feature | Regularizer,
               names: tuple[str, ...]) -> dict[str, Callable]:
    if not item.numpy_source.strip():
        raise _missing(kind, item)
    where = f"the numpy_source of the {kind} {item.name!r} (plugin {item.plugin!r})"
    try:
        defined = defined_functions(item.numpy_source)
    except SyntaxError as exc:
        raise ExportError(f"{where} is not valid Python: {exc.msg} (line {exc.lineno})") from None
    absent = [n for n in names if n not in defined]
    if absent:
        raise ExportError(f"{where} does not define {', '.join(absent)}")
    namespace = _guarded(where, run_source, item.numpy_source)
    return {name: namespace[name] for name in defined if callable(namespace.get(name))}


def _guarded(where: str, function: Callable, *args: Any) -> Any:
    try:
        with exits_refused():
            return call_with_time_limit(function, *args, what=where)
    except PluginHang as exc:
        raise ExportError(f"{where} did not finish: {exc}") from None
    except PLUGIN_ERRORS as exc:
        raise ExportError(f"{where} failed: {type(exc).__name__}: {exc}") from None


def _agree(where: str, label: str, ours: Callable, theirs: Callable, *args: np.ndarray) -> None:
    """``ours(*args)`` (the source) must equal ``theirs(*args)`` (the plugin's function)."""
    expected = np.asarray(theirs(*(a.copy() for a in args)), dtype=float)
    got = np.asarray(_guarded(where, ours, *(a.copy() for a in args)), dtype=float)
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True):
        raise ExportError(f"{where}: its {label} computes other numbers than the plugin's own function")


def check_activation_source(act: Activation) -> None:
    where = f"the numpy_source of the activation {act.name!r} (plugin {act.plugin!r})"
    functions = _functions("activation", act, ACTIVATION_NAMES)
    with np.errstate(all="ignore"):
        _agree(where, "g(a)", functions["g"], act.fn, SAMPLE_A)
        _agree(where, "g_prime(a)", functions["g_prime"], act.derivative, SAMPLE_A)


def check_loss_source(loss: Loss) -> None:
    where = f"the numpy_source of the loss {loss.name!r} (plugin {loss.plugin!r})"
    needed = LOSS_NAMES + (("value_from_logits",) if loss.value_from_logits is not None else ())
    functions = _functions("loss", loss, needed)
    rng = np.random.default_rng(3)
    for width in (1, 2, 4):
        a_L = rng.normal(scale=3.0, size=(5, width))
        y = np.eye(width)[rng.integers(0, width, size=5)] if width > 1 else rng.uniform(size=(5, 1))
        with np.errstate(all="ignore"):
            yhat = np.asarray(loss.output(a_L.copy()), dtype=float)
            _agree(where, "output(a_L)", functions["output"], loss.output, a_L)
            _agree(where, "value(y, y_hat)", functions["value"], loss.value, y, yhat)
            _agree(where, "gradient(y, y_hat, a_L)", functions["gradient"], loss.gradient, y, yhat, a_L)
            if "value_from_logits" in functions:
                reference = loss.value_from_logits or (lambda y, a: loss.value(y, loss.output(a)))
                _agree(where, "value_from_logits(y, a_L)", functions["value_from_logits"], reference, y, a_L)


def check_feature_source(feature: Feature) -> None:
    where = f"the numpy_source of the input feature {feature.name!r} (plugin {feature.plugin!r})"
    functions = _functions("input feature", feature, FEATURE_NAMES)
    X = np.random.default_rng(4).uniform(-6.0, 6.0, size=(9, feature.inputs))
    with np.errstate(all="ignore"):
        _agree(where, "phi(X)", functions["phi"], feature.fn, X)


def check_regularizer_source(regularizer: Regularizer) -> None:
    where = f"the numpy_source of the regularizer {regularizer.name!r} (plugin {regularizer.plugin!r})"
    functions = _functions("regularizer", regularizer, REGULARIZER_NAMES)
    W = SAMPLE_A.copy()
    W[0, :3] = 0.0  # a kink of L1 and the like
    with np.errstate(all="ignore"):
        _agree(where, "penalty(W)", functions["penalty"], regularizer.penalty, W)
        _agree(where, "gradient(W)", functions["gradient"], regularizer.gradient, W)


def check_sources(network: Network, registry: Registry, regularizer: str | None = None) -> None:
    """Every plugin the network uses (and ``regularizer``, the training setup's) gives NumPy source
    that computes its numbers; else ExportError."""
    for name in dict.fromkeys(network.activations):
        check_activation_source(registry.activation(name))
    check_loss_source(registry.loss(network.loss))
    for name in network.features or ():
        check_feature_source(registry.feature(name))
    if regularizer:
        check_regularizer_source(registry.regularizer(regularizer))


def loaded_script(source: str) -> dict[str, Any]:
    """The namespace of a generated script, loaded as a module (its ``main`` is not run)."""
    module = types.ModuleType("backprop_studio_exported_script")
    exec(compile(source, "<exported script>", "exec"), module.__dict__)  # our own text: its plugin parts are checked
    return module.__dict__
