"""The plugins' NumPy source: every built-in gives it and it computes the plugin's numbers;
a third-party plugin without it, or with source that disagrees, is refused by name."""
from __future__ import annotations

import types

import numpy as np
import pluggy
import pytest

from core.engine.network import Network
from core.engine.passes import run_trace
from core.export.script import script_source
from core.export.sources import (
    ExportError,
    check_activation_source,
    check_feature_source,
    check_loss_source,
    check_regularizer_source,
    loaded_script,
)
from core.stepthrough.steps import to_jsonable

hookimpl = pluggy.HookimplMarker("backprop_studio")


def test_every_builtin_plugin_gives_source_that_computes_its_numbers(registry):
    activations, losses = registry.usable("activations"), registry.usable("losses")
    assert {"tanh", "sigmoid", "relu", "gelu"} <= set(activations)
    for name in activations:
        check_activation_source(registry.activation(name))
    for name in losses:
        check_loss_source(registry.loss(name))
    assert {"x1", "x1_squared", "sin_x2"} <= set(registry.usable("features"))
    for name in registry.usable("features"):
        check_feature_source(registry.feature(name))
    assert {"l1", "l2"} <= set(registry.usable("regularizers"))
    for name in registry.usable("regularizers"):
        check_regularizer_source(registry.regularizer(name))


@pytest.mark.parametrize("loss", ["softmax_cross_entropy", "squared_error", "binary_cross_entropy"])
def test_the_script_traces_a_batch_like_the_engine(registry, loss):
    activations = registry.usable("activations")
    network = Network([3, 4, 5, 4, 2], [activations[0], activations[-1], "tanh"], loss, seed=4)
    rng = np.random.default_rng(8)
    X = rng.normal(size=(3, 3))
    Y = np.eye(2)[[0, 1, 1]] if loss != "squared_error" else rng.normal(size=(3, 2))
    script = loaded_script(script_source(network, registry))
    ours = script["trace"](X, Y)
    trace = run_trace(network, X, Y, registry)
    for name in ours["forward"].keys() | ours["backward"].keys():
        expected = trace.loss if name == "loss" else to_jsonable(trace.quantity(name))
        got = ours["forward"].get(name, ours["backward"].get(name))
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15, err_msg=name)


def plugin(**activation) -> types.SimpleNamespace:
    @hookimpl
    def register_activations(register):
        register(name="softsign", fn=lambda a: a / (1 + np.abs(a)), derivative=lambda a: 1 / (1 + np.abs(a)) ** 2,
                 **activation)

    return types.SimpleNamespace(register_activations=register_activations)


def softsign_network() -> Network:
    return Network([2, 3, 2], ["softsign"], "softmax_cross_entropy", seed=0)


def test_a_third_party_activation_without_source_is_refused_by_name(host):
    host.add_plugin(plugin(), "softsign_plugin")
    with pytest.raises(ExportError, match="activation 'softsign' from the plugin 'softsign_plugin' gives no NumPy "
                                          "source.*docs/plugins.md"):
        script_source(softsign_network(), host.registry)


def test_a_third_party_activation_with_source_exports(host):
    source = "def g(a):\n    return a / (1 + np.abs(a))\n\n\ndef g_prime(a):\n    return 1 / (1 + np.abs(a)) ** 2\n"
    host.add_plugin(plugin(numpy_source=source), "softsign_plugin")
    network = softsign_network()
    script = loaded_script(script_source(network, host.registry))
    trace = run_trace(network, [0.3, -2.0], [1, 0], host.registry)
    np.testing.assert_allclose(script["trace"](np.array([[0.3, -2.0]]), np.array([[1.0, 0.0]]))["backward"]["grad_h0"],
                               trace.grad_h[0][0], rtol=1e-12)


@pytest.mark.parametrize("source, words", [
    ("def g(a):\n    return a / (1 + np.abs(a))\n\ndef g_prime(a):\n    return np.ones_like(a)\n",
     "its g_prime\\(a\\) computes other numbers"),
    ("def g(a):\n    return a\n", "does not define g_prime"),
    ("def g(a) return a", "is not valid Python"),
    ("raise SystemExit(3)\ndef g(a): pass\ndef g_prime(a): pass\n", "failed: SystemExit"),
])
def test_source_that_does_not_compute_the_plugins_numbers_is_refused(host, source, words):
    host.add_plugin(plugin(numpy_source=source), "softsign_plugin")
    with pytest.raises(ExportError, match=f"numpy_source of the activation 'softsign' \\(plugin 'softsign_plugin'\\)"
                                          f".*{words}"):
        script_source(softsign_network(), host.registry)


def test_source_must_be_text(host):
    record = host.add_plugin(plugin(numpy_source=42), "softsign_plugin")
    assert "numpy_source must be text" in " ".join(record.warnings)


def test_the_documented_softsign_plugin_exports(host, tmp_path):
    import importlib.util
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text(encoding="utf-8")
    code = re.search(r"<!-- file: softsign.py -->\s*```python\n(.*?)```", doc, re.S).group(1)
    (tmp_path / "softsign.py").write_text(code)
    spec = importlib.util.spec_from_file_location("documented_softsign", tmp_path / "softsign.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert host.add_plugin(module, "softsign").state == "loaded"
    assert "def g_prime(a):" in script_source(softsign_network(), host.registry)


def test_a_feature_or_regularizer_without_source_is_refused_by_name(host):
    from core.training.setup import TrainingSetup

    @hookimpl
    def register_features(register):
        register(name="x1_cubed", fn=lambda X: X[:, 0] ** 3, inputs=2)

    @hookimpl
    def register_regularizers(register):
        register(name="l4", penalty=lambda W: float((W ** 4).sum()), gradient=lambda W: 4 * W ** 3)

    host.add_plugin(types.SimpleNamespace(register_features=register_features,
                                          register_regularizers=register_regularizers), "cubes")
    cubed = Network([2, 3, 2], ["tanh"], "softmax_cross_entropy", features=["x1", "x1_cubed"], input_width=2)
    with pytest.raises(ExportError, match="input feature 'x1_cubed' from the plugin 'cubes' gives no NumPy source"):
        script_source(cubed, host.registry)
    plain = Network([2, 3, 2], ["tanh"], "softmax_cross_entropy")
    script_source(plain, host.registry, extras={"setup": TrainingSetup(regularization="l2", rate=0.1)})
    with pytest.raises(ExportError, match="regularizer 'l4' from the plugin 'cubes' gives no NumPy source"):
        script_source(plain, host.registry, extras={"setup": TrainingSetup(regularization="l4", rate=0.1)})
