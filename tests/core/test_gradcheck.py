"""Finite differences agree with the analytic gradients of the engine, for random networks."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.engine.gradcheck import GradientEntry, gradient_check, numeric_derivative
from core.engine.network import Network
from core.engine.passes import run_trace
from core.plugin_host.registry import Activation, Registry

KINKED = {"relu", "leaky_relu"}  # g' jumps at 0: sample only away from the kink
LOSSES = ["softmax_cross_entropy", "squared_error", "binary_cross_entropy"]
SETTINGS = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def make_targets(loss: str, rng: np.random.Generator, batch: int, n_out: int) -> np.ndarray:
    if loss == "softmax_cross_entropy":
        return np.eye(n_out)[rng.integers(0, n_out, size=batch)]
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, size=(batch, n_out)).round(1)
    return rng.normal(size=(batch, n_out))


def test_builtin_names_present(registry):
    """The names the property test below is about are really registered and usable."""
    usable = set(registry.usable("activations"))
    assert {"sigmoid", "tanh", "softplus", "gelu", "linear", "elu", "relu", "leaky_relu"} <= usable
    assert set(LOSSES) <= set(registry.usable("losses"))


@SETTINGS
@given(data=st.data(),
       widths=st.lists(st.integers(1, 5), min_size=3, max_size=5),  # 2 – 4 weight layers
       loss=st.sampled_from(LOSSES),
       batch=st.integers(1, 4),
       seed=st.integers(0, 2**16))
def test_gradient_check_random_architectures(registry, data, widths, loss, batch, seed):
    names = sorted(registry.usable("activations"))
    hidden = len(widths) - 2
    activations = [data.draw(st.sampled_from(names), label=f"g{k}") for k in range(1, hidden + 1)]
    if loss == "softmax_cross_entropy" and widths[-1] == 1:
        widths = widths[:-1] + [2]  # a one-unit softmax has a constant output
    network = Network(widths, activations, loss, seed=seed)
    rng = np.random.default_rng(seed)
    for k in range(1, network.depth + 1):  # non-zero biases, so b_k is checked for real
        network.set_bias(k, 0, float(rng.normal(scale=0.3)))
    X = rng.uniform(-2, 2, size=(batch, widths[0]))
    Y = make_targets(loss, rng, batch, widths[-1])
    if any(g in KINKED for g in activations):
        trace = run_trace(network, X, Y, registry)
        assume(all(np.min(np.abs(trace.a[k])) > 1e-3
                   for k in range(1, network.depth) if activations[k - 1] in KINKED))
    report = gradient_check(network, X, Y, registry)
    n_params = sum(W.size + b.size for W, b in zip(network.weights, network.biases))
    assert len(report.entries) == n_params + (widths[0] if batch == 1 else 0)
    worst = report.worst()
    assert report.max_error < 1e-6, f"{activations} {loss}: worst {worst}"
    assert report.passed()


def test_gradient_check_catches_a_wrong_derivative():
    """The check can fail: a derivative that lies gives a large error."""
    from core.plugin_host.host import PluginHost

    host = PluginHost(safe_mode=True).load()
    registry = Registry()
    registry.losses.update(host.registry.losses)
    registry.add("activations", Activation("lying_tanh", np.tanh, lambda a: np.ones_like(a)))
    network = Network([3, 4, 2], ["lying_tanh"], "softmax_cross_entropy", seed=3)
    report = gradient_check(network, [[1.0, -2.0, 0.5]], [[0, 1]], registry)
    assert report.max_error > 1e-3
    assert not report.passed()
    assert report.worst().name in ("W1", "b1", "h0")


def test_textbook_gradients_pass(textbook, registry):
    network, _ = textbook
    report = gradient_check(network, [2, 5, 3], [1, 0], registry)
    assert report.passed(1e-6)
    # ∇h_0 is part of the check for one sample
    assert {e.name for e in report.entries} == {"W1", "b1", "W2", "b2", "W3", "b3", "h0"}


def test_max_entries_limits_the_check(registry):
    network = Network([5, 6, 4], ["tanh"], "squared_error", seed=1)
    report = gradient_check(network, np.ones((2, 5)), np.zeros((2, 4)), registry, max_entries=3)
    # 4 arrays (W1, b1, W2, b2), at most 3 entries each, no h0 with a batch of 2
    counts = {name: sum(e.name == name for e in report.entries) for name in ("W1", "b1", "W2", "b2")}
    assert counts == {"W1": 3, "b1": 3, "W2": 3, "b2": 3}
    assert report.passed()


def test_gradient_check_does_not_change_the_network(registry):
    network = Network([2, 3, 2], ["sigmoid"], "softmax_cross_entropy", seed=5)
    before = [W.copy() for W in network.weights] + [b.copy() for b in network.biases]
    gradient_check(network, [0.3, -0.7], [0, 1], registry)
    after = network.weights + network.biases
    assert all(np.array_equal(p, q) for p, q in zip(before, after))


def test_numeric_derivative_restores_and_differentiates():
    array = np.array([1.0, 2.0, 3.0])
    value = numeric_derivative(lambda: float(np.sum(array ** 3)), array, (1,), 1e-5)
    assert value == pytest.approx(3 * 2.0 ** 2, rel=1e-8)
    np.testing.assert_array_equal(array, [1.0, 2.0, 3.0])


def test_entry_error_is_relative_for_large_values_absolute_for_small():
    assert GradientEntry("W1", (0, 0), 100.0, 101.0).error == pytest.approx(1 / 101)
    assert GradientEntry("W1", (0, 0), 0.001, 0.002).error == pytest.approx(0.001)
