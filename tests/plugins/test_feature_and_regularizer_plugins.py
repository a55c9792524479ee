"""Feature and regularizer plugins: registered through their hooks, checked on load, and
named when they misbehave in a pass (issue 11, items 3 and 4)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from core.engine.network import Network
from core.engine.passes import run_trace
from core.plugin_host.host import PluginHost
from core.plugin_host.registry import RegistryError
from core.training.data import make_dataset
from core.training.trainer import TrainConfig, Trainer
from plugins import features as builtin_features
from plugins import regularizers as builtin_regularizers

HEADER = """
import numpy as np
import pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
"""


def load_plugin(folder: Path, name: str, body: str) -> PluginHost:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(HEADER + textwrap.dedent(body))
    return PluginHost(plugin_dir=folder, use_entry_points=False, disabled=(), time_limit=2.0).load()


def test_the_builtins_register_through_the_hooks():
    seen: dict[str, dict] = {}
    builtin_features.register_features(register=lambda **kw: seen.setdefault(kw["name"], kw))
    assert list(seen) == ["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]
    X = np.array([[0.5, -2.0], [3.0, 1.0]])
    np.testing.assert_array_equal(seen["x1_x2"]["fn"](X), [-1.0, 3.0])
    np.testing.assert_array_equal(seen["sin_x2"]["fn"](X), np.sin([-2.0, 1.0]))
    regs: dict[str, dict] = {}
    builtin_regularizers.register_regularizers(register=lambda **kw: regs.setdefault(kw["name"], kw))
    W = np.array([[1.5, -2.0], [0.0, 0.5]])
    assert regs["l1"]["penalty"](W) == 4.0 and regs["l2"]["penalty"](W) == pytest.approx(0.5 * 6.5)
    np.testing.assert_array_equal(regs["l1"]["gradient"](W), [[1, -1], [0, 1]])


def test_a_third_party_feature_is_loaded_and_used(tmp_path, registry):
    host = load_plugin(tmp_path, "cosines", """
        @hookimpl
        def register_features(register):
            register(name="cos_x1", fn=lambda X: np.cos(X[:, 0]), inputs=2, label="cos x₁",
                     formula=r"\\cos x_1", description="The cosine of the first input")
        """)
    assert host.record("cosines").state == "loaded"
    assert host.record("cosines").contributes["features"] == ["cos_x1"]
    network = Network([2, 3, 2], "tanh", features=["x1", "cos_x1"])
    trace = run_trace(network, [[0.7, 1.0]], [[1, 0]], host.registry)
    np.testing.assert_allclose(trace.h[0], [[0.7, np.cos(0.7)]])


@pytest.mark.parametrize("body, problem", [
    ("fn=lambda X: X", "shape"),                                   # the whole X, not one column
    ("fn=lambda X: X[:, 0].astype(complex)", "complex"),
    ("fn=lambda X: 1 / 0", "ZeroDivisionError"),
    ("fn=lambda X: np.full(len(X), np.inf)", "non-finite"),
    ("fn=lambda X: X[:, 0], inputs='two'", "inputs"),
])
def test_a_broken_feature_is_flagged_with_a_message_naming_it(tmp_path, body, problem):
    host = load_plugin(tmp_path, "broken", f"""
        @hookimpl
        def register_features(register):
            register(name="bad", {body})
        """)
    record = host.record("broken")
    assert record.state == "flagged"
    assert any("feature 'bad'" in w and problem in w for w in record.warnings), record.warnings
    assert "bad" not in host.registry.usable("features")
    with pytest.raises(RegistryError, match="bad"):
        run_trace(Network([1, 2, 2], "tanh", features=["bad"]), [[0.1, 0.2]], [[1, 0]], host.registry)


@pytest.mark.parametrize("body, problem", [
    ("penalty=lambda W: np.abs(W), gradient=np.sign", "R(W) returned shape"),
    ("penalty=lambda W: float((W**2).sum()), gradient=lambda W: W", "disagrees with finite differences"),
    ("penalty=lambda W: float((W**2).sum()), gradient=lambda W: 2 * W[0]", "∂R/∂W returned shape"),
    ("penalty=lambda W: [][1], gradient=np.sign", "IndexError"),
])
def test_a_broken_regularizer_is_flagged_with_a_message_naming_it(tmp_path, body, problem):
    host = load_plugin(tmp_path, "badreg", f"""
        @hookimpl
        def register_regularizers(register):
            register(name="wrong", {body})
        """)
    record = host.record("badreg")
    assert record.state == "flagged"
    assert any("regularizer 'wrong'" in w and problem in w for w in record.warnings), record.warnings
    assert "wrong" not in host.registry.usable("regularizers")


def test_a_feature_that_fails_in_training_is_named(tmp_path):
    """Passes its checks (batches of 1 and 16) but raises on a whole data set: the message names it."""
    host = load_plugin(tmp_path, "picky", """
        @hookimpl
        def register_features(register):
            def fn(X):
                if len(X) > 50:
                    raise RuntimeError("too many samples")
                return X[:, 0]
            register(name="small_batches", fn=fn, inputs=2)
        """)
    assert host.record("picky").state == "loaded"
    network = Network([2, 2, 2], "tanh", features=["x2", "small_batches"])
    data = make_dataset(host.registry, "xor", seed=0)
    with pytest.raises(RuntimeError) as caught:
        Trainer(network, data, host.registry, TrainConfig(epochs=1))
    message = host.explain_failure(caught.value, host.in_use(features=network.features))
    assert message.startswith("φ(x) of feature 'small_batches' from plugin 'picky' failed")
    assert "too many samples" in message


def test_a_feature_whose_shape_goes_wrong_later_is_named(tmp_path):
    host = load_plugin(tmp_path, "shifty", """
        @hookimpl
        def register_features(register):
            register(name="shifty", fn=lambda X: X[:, 0] if len(X) <= 16 else X[:-1, 0], inputs=2)
        """)
    network = Network([1, 2, 2], "tanh", features=["shifty"])
    data = make_dataset(host.registry, "xor", seed=0)
    with pytest.raises(ValueError, match="feature 'shifty' from plugin 'shifty' returned .* shape"):
        Trainer(network, data, host.registry, TrainConfig(epochs=1))


def test_a_regularizer_that_fails_in_training_is_named(tmp_path):
    host = load_plugin(tmp_path, "fragile", """
        @hookimpl
        def register_regularizers(register):
            def gradient(W):
                if W.shape[0] > 5:
                    raise FloatingPointError("wide layer")
                return np.sign(W)
            register(name="fragile", penalty=lambda W: float(np.abs(W).sum()), gradient=gradient)
        """)
    network = Network([2, 8, 2], "tanh")
    data = make_dataset(host.registry, "xor", seed=0)
    trainer = Trainer(network, data, host.registry, TrainConfig(epochs=1, regularization="fragile", rate=0.1))
    with pytest.raises(FloatingPointError) as caught:
        trainer.run()
    message = host.explain_failure(caught.value, host.in_use(regularizer="fragile"))
    assert message.startswith("∂R/∂W of regularizer 'fragile' from plugin 'fragile' failed")
