"""Input features h_0 = φ(x) and regularisation L + λ Σ_k R(W_k) in the engine, gradient
checks, training and the network file (issue 11, items 3 and 4)."""
from __future__ import annotations

import numpy as np
import pytest

from core.engine.gradcheck import gradient_check
from core.engine.network import Network, NetworkError
from core.engine.passes import Kernel, run_trace
from core.io.network_file import FileFormatError, load_network, network_from_dict, network_to_dict, save_network
from core.plugin_host.registry import Regularizer
from core.training.data import make_dataset
from core.training.trainer import TrainConfig, Trainer

FEATURES = ["x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]


def phi(X: np.ndarray) -> np.ndarray:
    """Playground's seven features, written out by hand."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])


def raw_twin(network: Network) -> Network:
    """The same weights reading h_0 directly (no features)."""
    twin = Network(network.sizes, network.activations, network.loss)
    twin.set_parameters([W.copy() for W in network.weights], [b.copy() for b in network.biases])
    return twin


def test_builtin_features_and_regularizers_are_registered(registry):
    assert set(FEATURES) <= set(registry.usable("features"))
    assert {"l1", "l2"} <= set(registry.usable("regularizers"))
    assert registry.feature("sin_x1").label == "sin x₁"


def test_the_trace_computes_from_h0_equal_to_phi_of_x(registry):
    network = Network([7, 4, 2], "tanh", features=FEATURES, seed=3)
    X = np.array([[0.5, -1.2], [2.0, 0.3], [-0.7, -0.4]])
    Y = np.eye(2)[[0, 1, 1]]
    trace = run_trace(network, X, Y, registry)
    np.testing.assert_allclose(trace.h[0], phi(X), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(trace.X, X)  # the raw inputs stay in the trace
    twin = run_trace(raw_twin(network), phi(X), Y, registry)
    assert trace.loss == pytest.approx(twin.loss, abs=1e-15)
    for k in range(1, network.depth + 1):
        np.testing.assert_allclose(trace.grad_W[k], twin.grad_W[k], atol=1e-15)
        np.testing.assert_allclose(trace.a[k], twin.a[k], atol=1e-15)


def test_a_network_with_features_reads_the_raw_inputs_only(registry):
    network = Network([3, 2, 2], "tanh", features=["x1_squared", "x2_squared", "x1_x2"])
    assert (network.sizes[0], network.input_width) == (3, 2)
    with pytest.raises(ValueError, match="2 value"):
        run_trace(network, [1.0, 2.0, 3.0], [1, 0], registry)


def test_identity_path_makes_no_feature_call(registry):
    """Without features h_0 = x is copied in: no feature plugin is looked up or called."""
    kernel = Kernel(Network([2, 3, 2], "tanh"), registry)
    assert kernel.features is None and kernel.regularizer is None
    X = np.array([[1.0, 2.0]])
    np.testing.assert_array_equal(kernel.input_rows(X), [[1.0, 2.0, 1.0]])


def test_choosing_features_keeps_the_weights_of_inputs_kept_and_the_biases(registry):
    network = Network([2, 3, 2], "tanh", seed=1)
    network.biases[0][:] = [0.1, 0.2, 0.3]
    W1 = network.W(1).copy()
    network.set_features(["x1", "x1_squared", "x2"])
    assert network.sizes[0] == 3 and network.input_width == 2
    np.testing.assert_array_equal(network.W(1)[:, 0], W1[:, 0])  # x1 kept
    np.testing.assert_array_equal(network.W(1)[:, 2], W1[:, 1])  # x2 kept, now third
    np.testing.assert_array_equal(network.b(1), [0.1, 0.2, 0.3])
    assert np.all(network.W(1)[:, 1] != 0)  # x1² drawn fresh
    network.set_features(None)
    assert network.sizes[0] == 2 and network.features is None
    np.testing.assert_array_equal(network.W(1), W1)


def test_bad_feature_lists_are_refused_with_a_message():
    with pytest.raises(NetworkError, match="twice"):
        Network([2, 2, 2], "tanh", features=["x1", "x1"])
    with pytest.raises(NetworkError, match="3 input feature"):
        Network([2, 2, 2], "tanh", features=["x1", "x2", "sin_x1"])
    network = Network([3, 2, 2], "tanh", features=["x1", "x2", "sin_x1"])
    with pytest.raises(NetworkError, match="choose the features"):
        network.set_width(0, 4)


def test_features_are_saved_and_read_back_and_older_files_still_open(tmp_path, textbook):
    network = Network([3, 4, 2], "relu", features=["x1", "sin_x1", "x2_squared"], seed=5)
    path = tmp_path / "features.json"
    save_network(network, path)
    again, _ = load_network(path)
    assert again.features == ["x1", "sin_x1", "x2_squared"] and again.input_width == 2
    np.testing.assert_array_equal(again.W(1), network.W(1))
    old, _ = textbook  # a file written before features existed: h_0 = x
    assert old.features is None and old.input_width == old.sizes[0] == 3
    assert "features" not in network_to_dict(old)["network"]


@pytest.mark.parametrize("features, message", [
    ("x1", "list of names"), ([1, 2, 3], "list of names"), (["x1", "x2"], "2 input feature")])
def test_a_file_with_bad_features_is_refused_naming_them(features, message):
    data = network_to_dict(Network([3, 2, 2], "tanh"))
    data["network"]["features"] = features
    with pytest.raises(FileFormatError, match=message):
        network_from_dict(data)


def test_an_unknown_feature_opens_but_computing_names_it(registry):
    network, _ = network_from_dict(network_to_dict(Network([2, 2, 2], "tanh", features=["x1", "cos_x9"])))
    with pytest.raises(ValueError, match="cos_x9"):
        run_trace(network, [0.1, 0.2], [1, 0], registry)


# -- regularisation ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["l1", "l2"])
def test_the_loss_and_every_grad_W_include_the_penalty_and_the_biases_do_not(registry, name):
    network = Network([2, 5, 3, 2], "tanh", seed=7)
    X, Y, rate = np.array([[0.3, -0.8], [1.1, 0.4]]), np.eye(2)[[1, 0]], 0.05
    plain = run_trace(network, X, Y, registry)
    regular = run_trace(network, X, Y, registry, (name, rate))
    Ws = network.weights
    R = sum(np.abs(W).sum() for W in Ws) if name == "l1" else sum(0.5 * (W**2).sum() for W in Ws)
    assert regular.penalty == pytest.approx(rate * R, rel=1e-14)
    assert regular.loss == pytest.approx(plain.loss + rate * R, rel=1e-14)
    for k, W in enumerate(Ws, start=1):
        dR = np.sign(W) if name == "l1" else W
        np.testing.assert_allclose(regular.grad_W[k], plain.grad_W[k] + rate * dR, atol=1e-15)
        np.testing.assert_array_equal(regular.grad_b[k], plain.grad_b[k])


@pytest.mark.parametrize("name", ["l1", "l2"])
def test_gradient_check_covers_the_penalty_with_features(registry, name):
    network = Network([4, 5, 3], "tanh", "softmax_cross_entropy", features=["x1", "x2", "x1_x2", "sin_x2"], seed=2)
    X = np.array([[0.4, -0.9], [-1.3, 0.2]])
    Y = np.eye(3)[[2, 0]]
    report = gradient_check(network, X, Y, registry, regularization=(name, 0.3))
    assert report.passed(1e-6), report.worst()


def test_gradient_check_catches_a_wrong_penalty_gradient(registry):
    """The check compares the analytic ∇W_k (with λ ∂R/∂W_k) against differences of the full loss."""
    registry.add("regularizers", Regularizer("half_wrong", penalty=lambda W: float((W**2).sum()),
                                             gradient=lambda W: W.copy(), plugin="test"))  # ∂R/∂W is 2W
    network = Network([2, 3, 2], "tanh", seed=4)
    report = gradient_check(network, [[0.5, 0.5]], [[1, 0]], registry, regularization=("half_wrong", 0.5))
    assert not report.passed(1e-4)
    assert report.worst().name.startswith("W")


def test_training_with_l2_keeps_the_weights_smaller(registry):
    data = make_dataset(registry, "spiral", seed=0)
    norms = {}
    for reg in (None, "l2"):
        network = Network([2, 8, 8, 2], "tanh", seed=0)
        config = TrainConfig(optimizer="adam", hyperparameters={"lr": 0.03}, epochs=15, batch_size=10,
                             regularization=reg, rate=0.01)
        Trainer(network, data, registry, config).run()
        norms[reg] = sum(float(np.sum(W**2)) for W in network.weights)
    assert norms["l2"] < 0.7 * norms[None]


def test_the_reported_train_loss_includes_the_penalty(registry):
    data = make_dataset(registry, "xor", seed=0)
    network = Network([2, 4, 2], "tanh", seed=0)
    config = TrainConfig(epochs=1, regularization="l1", rate=0.02)
    trainer = Trainer(network, data, registry, config)
    trainer.run()
    trace = run_trace(network, data.X, data.targets(2), registry, ("l1", 0.02))
    assert trainer.evaluate().train_loss == pytest.approx(trace.loss, rel=1e-10)


def test_training_with_features_evaluates_phi_of_the_raw_inputs(registry):
    """Evaluation and the per-batch steps see the same h_0 = φ(x): one is checked against the trace."""
    data = make_dataset(registry, "circles", seed=1)
    network = Network([3, 2], features=["x1_squared", "x2_squared", "x1_x2"], seed=0)
    trainer = Trainer(network, data, registry, TrainConfig(optimizer="adam", hyperparameters={"lr": 0.1}, epochs=30))
    trainer.run()
    trace = run_trace(network, data.X, data.targets(2), registry)
    report = trainer.evaluate()
    assert report.train_loss == pytest.approx(trace.loss, rel=1e-10)
    # with x₁², x₂² a network without a hidden layer separates a disc from a ring …
    assert report.train_accuracy > 0.9
    # … which a linear model of x₁, x₂ cannot
    linear = Network([2, 2], seed=0)
    plain = Trainer(linear, data, registry, TrainConfig(optimizer="adam", hyperparameters={"lr": 0.1}, epochs=30))
    plain.run()
    assert plain.evaluate().train_accuracy < 0.75
