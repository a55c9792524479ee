"""The training step and the trace are one implementation; what the fast step keeps for the user.

Training holds the parameters in one flat vector with per-layer views, folds b_k into the
matrices, lets elementwise optimizers update the flat vector in one call and reports the
batch loss and ‖∇W_k‖ only now and then. None of that may change a number.
"""
from __future__ import annotations

import textwrap
import types

import numpy as np
import pluggy
import pytest

from core.engine.buffers import FlatParameters
from core.engine.network import Network
from core.engine.passes import run_trace
from core.plugin_host.host import PluginHost
from core.training.data import Dataset, make_dataset
from core.training.trainer import EpochReport, StepReport, TrainConfig, Trainer, TrainingDiverged

hookimpl = pluggy.HookimplMarker("backprop_studio")


def plugin_module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(textwrap.dedent(source), module.__dict__)
    return module


@pytest.mark.parametrize("activations, loss", [
    (["tanh", "sigmoid"], "softmax_cross_entropy"),  # g' from the output
    (["elu", "gelu"], "squared_error"),  # g' from a_k
    (["relu", "softplus"], "binary_cross_entropy"),
])
def test_float64_training_gradients_are_the_trace_gradients_bit_for_bit(registry, activations, loss):
    network = Network([3, 5, 4, 2], activations, loss, seed=7)
    rng = np.random.default_rng(7)
    for b in network.biases:
        b[...] = rng.normal(0, 0.3, b.shape)
    X = rng.normal(size=(6, 3))
    Y = np.eye(2)[rng.integers(0, 2, 6)]
    data = Dataset("d", X, Y.argmax(axis=1), "classification", 2)
    trainer = Trainer(network, data, registry, TrainConfig("sgd", {"lr": 0.1}, batch_size=6))
    trace = run_trace(network, X, Y, registry)
    report = trainer.train_on(trainer.X, trainer.Y, report=True)
    for k in range(1, network.depth + 1):  # the gradients the optimizer was given
        np.testing.assert_array_equal(trainer.grads[2 * k - 2], trace.grad_W[k])
        np.testing.assert_array_equal(trainer.grads[2 * k - 1], trace.grad_b[k])
    assert report.loss == trace.loss
    np.testing.assert_allclose(report.grad_norms, [np.linalg.norm(trace.grad_W[k]) for k in (1, 2, 3)],
                               rtol=1e-14)


def test_the_trace_matches_an_independent_row_form_computation(registry):
    """a_k = b_k + W_k h_{k-1} and the backward equations of MATH.md, written out here with rows."""
    network = Network([2, 3, 2], ["tanh"], "softmax_cross_entropy", seed=3)
    network.biases[0][...] = [0.1, -0.2, 0.3]
    network.biases[1][...] = [0.05, -0.05]
    X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.3, 0.7]])
    Y = np.eye(2)[[0, 1, 1]]
    trace = run_trace(network, X, Y, registry)
    W1, W2 = network.weights
    b1, b2 = network.biases
    a1 = X @ W1.T + b1
    h1 = np.tanh(a1)
    a2 = h1 @ W2.T + b2
    yhat = np.exp(a2) / np.exp(a2).sum(axis=1, keepdims=True)
    grad_a2 = (yhat - Y) / 3
    grad_h1 = grad_a2 @ W2
    grad_a1 = grad_h1 * (1 - h1**2)
    expected = {"a1": a1, "h1": h1, "a2": a2, "yhat": yhat, "grad_a2": grad_a2, "grad_W2": grad_a2.T @ h1,
                "grad_b2": grad_a2.sum(axis=0), "grad_h1": grad_h1, "grad_a1": grad_a1,
                "grad_W1": grad_a1.T @ X, "grad_b1": grad_a1.sum(axis=0), "grad_h0": grad_a1 @ W1}
    for name, value in expected.items():
        np.testing.assert_allclose(trace.quantity(name), value, rtol=1e-13, atol=1e-15, err_msg=name)


def test_flat_parameters_are_views_of_one_vector():
    weights = [np.arange(6.0).reshape(3, 2), np.arange(3.0).reshape(1, 3)]
    biases = [np.array([7.0, 8.0, 9.0]), np.array([10.0])]
    parameters = FlatParameters.of(weights, biases)
    assert parameters.flat.size == 3 * 3 + 4 * 1
    for W, b, W_view, b_view in zip(weights, biases, parameters.W, parameters.b):
        np.testing.assert_array_equal(W_view, W)
        np.testing.assert_array_equal(b_view, b)
    parameters.flat[...] = 0.0
    assert not any(np.any(p) for p in parameters.arrays)  # every per-layer array is a view
    parameters.W[1][0, 2] = 5.0
    assert parameters.flat.sum() == 5.0


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_the_flat_update_of_a_builtin_optimizer_equals_the_per_layer_update(registry, optimizer):
    """Built-ins are elementwise and get θ in one array; the same optimizer per layer gives the same numbers."""
    data = make_dataset(registry, "spiral", n_samples=60, seed=1)
    runs = []
    for flat in (True, False):
        network = Network([2, 6, 5, 2], "tanh", seed=2)
        trainer = Trainer(network, data, registry, TrainConfig(optimizer, {"lr": 0.05}, batch_size=8, epochs=3))
        assert getattr(trainer.optimizer, "elementwise", False) is True
        if not flat:
            trainer._update_params, trainer._update_grads = trainer.params, trainer.grads  # a plugin's path
        trainer.run()
        runs.append(network)
    for W, V in zip(runs[0].parameters(), runs[1].parameters()):
        np.testing.assert_array_equal(W, V)


SIGN_SGD = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
SEEN = []

class SignSGD:
    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        SEEN.append([(p.shape, g.shape) for p, g in zip(params, grads)])
        for p, g in zip(params, grads):
            p -= self.lr * np.sign(g)

@hookimpl
def register_optimizers(register):
    register(name="signsgd", factory=SignSGD, defaults={"lr": 0.01})
"""


def test_a_plugin_optimizer_gets_per_layer_arrays_and_its_in_place_updates_train(registry):
    host = PluginHost(safe_mode=True).load()
    module = plugin_module("signsgd", SIGN_SGD)
    assert host.add_plugin(module, "signsgd").state == "loaded"
    network = Network([2, 4, 3], "tanh", "softmax_cross_entropy", seed=0)
    data = make_dataset(host.registry, "spiral3", n_samples=30, seed=0)
    start = [p.copy() for p in network.parameters()]
    trainer = Trainer(network, data, host.registry, TrainConfig("signsgd", {"lr": 0.01}, batch_size=30, epochs=2))
    trace = run_trace(network, data.X, np.eye(3)[data.y], host.registry)
    trainer.run()
    assert module.SEEN[-1] == [((4, 2), (4, 2)), ((4,), (4,)), ((3, 4), (3, 4)), ((3,), (3,))]
    # one full-batch step per epoch: the first one is θ - 0.01 sign(∇θ) of the trace
    first = [p - 0.01 * np.sign(g) for p, g in zip(start, [trace.grad_W[1], trace.grad_b[1],
                                                            trace.grad_W[2], trace.grad_b[2]])]
    assert not all(np.array_equal(p, q) for p, q in zip(first, network.parameters()))  # two steps were taken
    second = Trainer(Network([2, 4, 3], "tanh", "softmax_cross_entropy", seed=0), data, host.registry,
                     TrainConfig("signsgd", {"lr": 0.01}, batch_size=30, epochs=1))
    second.run()
    for p, q in zip(first, second.network.parameters()):
        np.testing.assert_allclose(q, p, rtol=0, atol=1e-15)


# -- step reports ------------------------------------------------------------------------
def step_numbers(reports) -> list[int]:
    return [r.step for r in reports if isinstance(r, StepReport)]


def test_reports_every_n_steps_and_at_each_epoch_end(registry):
    data = make_dataset(registry, "xor", n_samples=50, seed=0)  # 50 samples, batches of 8: 7 steps an epoch
    config = TrainConfig(batch_size=8, epochs=2)
    every_third = Trainer(Network([2, 3, 2], "tanh"), data, registry, config, report_every=3)
    assert step_numbers(every_third.iter_steps()) == [3, 6, 7, 9, 12, 14]
    at_epoch_ends = Trainer(Network([2, 3, 2], "tanh"), data, registry, config, report_every=None)
    reports = list(at_epoch_ends.iter_steps())
    assert [type(r).__name__ for r in reports] == ["StepReport", "EpochReport"] * 2
    assert step_numbers(reports) == [7, 14]
    assert at_epoch_ends.step_count == 14


def test_a_requested_report_is_the_next_step(registry):
    data = make_dataset(registry, "xor", n_samples=80, seed=0)
    trainer = Trainer(Network([2, 3, 2], "tanh"), data, registry, TrainConfig(batch_size=8, epochs=1),
                      report_every=None)
    steps = trainer.iter_steps()
    trainer.request_report()
    first = next(steps)
    assert isinstance(first, StepReport) and first.step == 1
    trainer.request_report()
    assert next(steps).step == 2
    assert step_numbers(steps) == [10]  # then only the epoch's last step


def test_an_unreported_step_is_still_checked_for_nan_and_names_the_layer(registry):
    """The NaN test of test_training, with no step reports at all: the check runs every step."""
    network = Network([2, 3, 2], ["linear"], "softmax_cross_entropy", seed=0)
    network.set_weight(1, 0, 0, 1e308)
    network.set_weight(1, 0, 1, 1e308)
    data = Dataset("big", np.array([[5.0, 5.0]] * 4), np.array([0, 1, 0, 1]), n_classes=2)
    trainer = Trainer(network, data, registry, TrainConfig(batch_size=2), report_every=None)
    with pytest.raises(TrainingDiverged) as info, np.errstate(all="ignore"):
        trainer.run(1)
    assert (info.value.layer, info.value.quantity) == (1, "a1")
    assert trainer.step_count == 0


def test_epoch_reports_are_exact_without_step_reports(registry):
    data = make_dataset(registry, "gaussians", n_samples=40, seed=6)
    network = Network([2, 3, 2], ["tanh"], seed=6)
    trainer = Trainer(network, data, registry, TrainConfig(epochs=2, batch_size=5), report_every=None)
    reports = [r for r in trainer.iter_steps() if isinstance(r, EpochReport)]
    trace = run_trace(network, data.X, np.eye(2)[data.y], registry)  # the network is synced
    assert reports[-1].train_loss == pytest.approx(trace.loss, rel=1e-12)
    assert reports[-1].step == 16


# -- activations: g' from the output, ufuncs written in place ----------------------------
FROM_OUTPUT = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
@hookimpl
def register_activations(register):
    register(name="tanh_out", fn=lambda a: np.tanh(a), derivative=lambda a: 1 - np.tanh(a) ** 2,
             derivative_from_output=lambda h: 1 - h * h)
    register(name="tanh_wrong_out", fn=np.tanh, derivative=lambda a: 1 - np.tanh(a) ** 2,
             derivative_from_output=lambda h: 1 - h)
"""


def test_derivative_from_output_is_checked_and_used(registry):
    host = PluginHost(safe_mode=True).load()
    record = host.add_plugin(plugin_module("from_output", FROM_OUTPUT), "from_output")
    assert host.registry.activations["tanh_out"].problem is None
    wrong = host.registry.activations["tanh_wrong_out"].problem
    assert wrong is not None and "derivative_from_output" in wrong and "finite differences" in wrong
    assert record.state == "flagged"
    X, Y = [[0.3, -1.2]], [[0.0, 1.0]]
    traces = {name: run_trace(Network([2, 4, 2], [name], seed=1), X, Y, host.registry)
              for name in ("tanh", "tanh_out")}
    for quantity in ("grad_a1", "grad_W1", "grad_h0"):
        np.testing.assert_allclose(traces["tanh_out"].quantity(quantity), traces["tanh"].quantity(quantity),
                                   rtol=1e-15, atol=1e-17)


LATE_G_PRIME = """
import numpy as np, pluggy
hookimpl = pluggy.HookimplMarker("backprop_studio")
calls = [0]

def d_tanh(a):
    calls[0] += 1
    t = 1.0 - np.tanh(a) ** 2
    return t[:, :1] if calls[0] > 40 else t  # one column: it would broadcast over the batch

@hookimpl
def register_activations(register):
    register(name="late_g_prime", fn=np.tanh, derivative=d_tanh)
"""


def test_a_g_prime_that_later_returns_a_shape_that_broadcasts_stops_training_with_a_message(host):
    """The passes check what plugins return on every step (by size): a wrong shape is never copied in."""
    assert host.add_plugin(plugin_module("late_g_prime", LATE_G_PRIME), "late_g_prime").state == "loaded"
    data = make_dataset(host.registry, "xor", n_samples=40, seed=0)
    network = Network([2, 4, 3, 2], "late_g_prime", "softmax_cross_entropy", seed=0)
    trainer = Trainer(network, data, host.registry, TrainConfig("sgd", {"lr": 0.1}, batch_size=8, epochs=20))
    with pytest.raises(ValueError, match=r"g'\(a\) for a_\d returned shape \(\d, 1\), expected \(\d, 8\)"):
        trainer.run()
    assert 2 < trainer.step_count < 40  # it trained until the plugin went wrong, and not one step further
