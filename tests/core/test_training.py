"""The training loop: learning, pause/resume/stop across threads, divergence, float32, metrics."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from core.engine.network import Network
from core.engine.passes import run_trace
from core.training.data import Dataset, DatasetError, make_dataset
from core.training.gate import Gate
from core.training.trainer import (
    EpochReport,
    StepReport,
    TrainConfig,
    Trainer,
    TrainingDiverged,
    accuracy,
)


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return condition()


# -- learning -------------------------------------------------------------------
def test_sgd_on_xor_reduces_the_loss(registry):
    data = make_dataset(registry, "xor", n_samples=200, seed=0)
    network = Network([2, 8, 2], ["tanh"], "softmax_cross_entropy", seed=0)
    trainer = Trainer(network, data, registry, TrainConfig("sgd", {"lr": 0.3}, batch_size=10, epochs=40))
    before, _ = trainer.loss_and_accuracy(trainer.X, trainer.Y)
    history = trainer.run()
    assert len(history.epochs) == 40
    assert history.steps and all(isinstance(s, StepReport) for s in history.steps)
    assert trainer.step_count == len(history.steps) == 40 * 20
    after = history.epochs[-1]
    assert after.train_loss < 0.7 * before
    assert after.train_accuracy > 0.85
    # the trained parameters are synced back into the network (float64)
    assert np.array_equal(network.W(1), trainer.weights[0])


def test_sgd_on_gaussians_with_test_set(registry):
    data = make_dataset(registry, "gaussians", n_samples=120, seed=1)
    train, test = data.split(0.25, seed=1)
    assert len(train) == 90 and len(test) == 30
    network = Network([2, 2], [], "softmax_cross_entropy", seed=1)
    trainer = Trainer(network, train, registry, TrainConfig("sgd", {"lr": 0.1}, batch_size=15, epochs=5),
                      test=test)
    start = trainer.evaluate()
    history = trainer.run()
    losses = [e.train_loss for e in history.epochs]
    assert losses[-1] < start.train_loss
    assert all(e.test_loss is not None and e.test_accuracy is not None for e in history.epochs)
    assert history.epochs[-1].test_accuracy >= 0.8


def test_iter_steps_yields_steps_then_an_epoch_report(registry):
    data = make_dataset(registry, "xor", n_samples=25, seed=0)
    network = Network([2, 3, 2], ["tanh"], seed=0)
    trainer = Trainer(network, data, registry, TrainConfig(batch_size=10, epochs=2))
    kinds = [type(r).__name__ for r in trainer.iter_steps()]
    # 25 samples in batches of 10: 3 steps, then the epoch
    assert kinds == ["StepReport"] * 3 + ["EpochReport"] + ["StepReport"] * 3 + ["EpochReport"]
    assert not trainer.stopped


def test_one_sgd_step_equals_the_trace_update(registry):
    """Independent check of the update: W ← W - η ∇W with ∇W from run_trace on the same batch."""
    data = make_dataset(registry, "xor", n_samples=16, seed=2)
    network = Network([2, 4, 3, 2], ["tanh", "sigmoid"], seed=2)
    trainer = Trainer(network, data, registry, TrainConfig("sgd", {"lr": 0.05}, batch_size=16, epochs=1))
    index = np.arange(5, 12)
    trace = run_trace(network, data.X[index], np.eye(2)[data.y[index]], registry)
    report = trainer.train_batch(index)
    assert report.loss == pytest.approx(trace.loss, rel=1e-12)
    want = np.array([np.linalg.norm(trace.grad_W[k]) for k in range(1, network.depth + 1)])
    assert report.grad_norms.shape == (network.depth,)
    np.testing.assert_allclose(report.grad_norms, want, rtol=1e-12)
    for k in range(1, network.depth + 1):
        np.testing.assert_allclose(trainer.weights[k - 1], network.W(k) - 0.05 * trace.grad_W[k], rtol=1e-12)
        np.testing.assert_allclose(trainer.biases[k - 1], network.b(k) - 0.05 * trace.grad_b[k], rtol=1e-12)


def test_grad_norms_in_history_match_run_trace_on_each_batch(registry):
    """Replay the trainer's own batches: each reported norm is ‖∇W_k‖ of run_trace on that batch."""
    data = make_dataset(registry, "gaussians", n_samples=30, seed=3)
    network = Network([2, 5, 2], ["elu"], seed=3)
    config = TrainConfig("sgd", {"lr": 0.1}, batch_size=7, epochs=1, seed=11)
    trainer = Trainer(network, data, registry, config)
    order = np.random.default_rng(11).permutation(30)  # the trainer's shuffle, reproduced
    probe = network.copy()
    for step, start in enumerate(range(0, 30, 7)):
        index = order[start:start + 7]
        trace = run_trace(probe, data.X[index], np.eye(2)[data.y[index]], registry)
        report = trainer.train_batch(index)
        np.testing.assert_allclose(report.grad_norms,
                                   [np.linalg.norm(trace.grad_W[k]) for k in (1, 2)], rtol=1e-12)
        for k in (1, 2):  # plain SGD, replayed by hand
            probe.W(k)[...] -= 0.1 * trace.grad_W[k]
            probe.b(k)[...] -= 0.1 * trace.grad_b[k]
        assert report.step == step + 1


# -- control from another thread: the gate -------------------------------------------
def gated_run(registry, epochs: int = 10_000):
    """A trainer behind a gate, run in a thread; returns (trainer, gate, step numbers, thread, errors)."""
    data = make_dataset(registry, "xor", n_samples=200, seed=0)
    gate = Gate()
    trainer = Trainer(Network([2, 6, 2], ["tanh"], seed=0), data, registry,
                      TrainConfig(batch_size=1, epochs=epochs), gate=gate)
    steps: list[int] = []
    errors: list[BaseException] = []

    def work():
        try:
            for report in trainer.iter_steps():
                if isinstance(report, StepReport):
                    steps.append(report.step)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    return trainer, gate, steps, worker, errors


def test_the_gate_pauses_resumes_and_stops_training_from_another_thread(registry):
    trainer, gate, steps, worker, errors = gated_run(registry)
    try:
        time.sleep(0.1)
        assert steps == [] and worker.is_alive()  # a new gate is paused
        gate.run()
        assert wait_until(lambda: len(steps) >= 5)
        gate.pause()
        paused_at = len(steps)
        time.sleep(0.3)
        settled = len(steps)
        assert settled <= paused_at + 1  # only a step in progress when pausing may finish
        time.sleep(0.2)
        assert len(steps) == settled, "training went on while paused"
        gate.run()
        assert wait_until(lambda: len(steps) >= settled + 5)
        gate.stop()
        stopped_at = len(steps)
        worker.join(timeout=5)
        assert not worker.is_alive(), "stop did not end the loop"
        assert len(steps) <= stopped_at + 1  # at most the step that was running
    finally:
        gate.stop()
        worker.join(timeout=5)
    assert errors == [] and trainer.stopped and trainer.epoch < 10_000
    assert np.array_equal(trainer.network.W(1), trainer.weights[0])  # the network has the last step's weights


def test_a_step_budget_and_a_pace(registry):
    trainer, gate, steps, worker, errors = gated_run(registry)
    try:
        gate.run(steps=3)
        assert wait_until(lambda: len(steps) == 3)
        time.sleep(0.2)
        assert len(steps) == 3 and gate.paused  # the budget spent, the gate paused itself
        gate.set_rate(20)  # steps per second
        gate.run()
        time.sleep(0.5)
        assert 3 + 6 <= len(steps) <= 3 + 14  # about ten steps in half a second
        gate.hold()
        held = len(steps)
        time.sleep(0.2)
        assert len(steps) <= held + 1
        gate.release()
        assert wait_until(lambda: len(steps) >= held + 3)
    finally:
        gate.stop()
        worker.join(timeout=5)
    assert errors == []


def test_stop_while_paused_ends_promptly(registry):
    trainer, gate, steps, worker, errors = gated_run(registry, epochs=1000)
    time.sleep(0.1)
    assert worker.is_alive() and trainer.step_count == 0
    started = time.monotonic()
    gate.stop()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert time.monotonic() - started < 3.0
    assert trainer.step_count == 0 and errors == []


# -- divergence -------------------------------------------------------------------
def regression_data(n: int = 20, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return Dataset("line", X, (X @ [1.5, -2.0] + 0.3)[:, None], task="regression")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_huge_learning_rate_diverges_with_a_named_layer(registry):
    network = Network([2, 4, 1], ["tanh"], "squared_error", seed=0)
    trainer = Trainer(network, regression_data(), registry,
                      TrainConfig("sgd", {"lr": 1e10}, batch_size=5, epochs=50))
    with pytest.raises(TrainingDiverged) as info:
        trainer.run()
    exc = info.value
    assert exc.layer is not None and exc.quantity is not None
    message = str(exc)
    assert f"layer {exc.layer}" in message
    assert exc.quantity in message
    assert "NaN or infinite" in message
    assert trainer.step_count < 50 * 4
    # the network was not overwritten with non-finite numbers
    assert all(np.all(np.isfinite(p)) for p in network.parameters())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_huge_weight_is_reported_at_its_layer(registry):
    network = Network([2, 3, 1], ["linear"], "squared_error", seed=0)
    network.set_weight(2, 0, 1, 1e300)
    trainer = Trainer(network, regression_data(), registry, TrainConfig("sgd", {"lr": 0.01}, batch_size=4))
    with pytest.raises(TrainingDiverged) as info:
        trainer.run(1)
    exc = info.value
    assert trainer.step_count == 0  # caught before the first update
    # h_1 is finite; a_2 = W_2 h_1 ≈ 1e300 and the squared error overflows
    assert exc.layer == 2
    assert f"layer {exc.layer}" in str(exc)
    assert exc.quantity in ("a2", "yhat", "loss")
    assert exc.quantity in str(exc)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_in_the_forward_pass_names_the_first_quantity(registry):
    """Overflow inside layer 1 (1e308 · 5 + 1e308 · 5 = inf) is named at a1, not later."""
    network = Network([2, 3, 2], ["linear"], "softmax_cross_entropy", seed=0)
    network.set_weight(1, 0, 0, 1e308)
    network.set_weight(1, 0, 1, 1e308)
    X = np.array([[5.0, 5.0]] * 4)
    data = Dataset("big", X, np.array([0, 1, 0, 1]), n_classes=2)
    trainer = Trainer(network, data, registry, TrainConfig(batch_size=4))
    with pytest.raises(TrainingDiverged) as info:
        trainer.run(1)
    assert (info.value.layer, info.value.quantity) == (1, "a1")
    assert "a1 of layer 1" in str(info.value)


# -- float32 ----------------------------------------------------------------------
def test_float32_keeps_float32_and_tracks_float64(registry):
    data = make_dataset(registry, "xor", n_samples=40, seed=4)
    runs = {}
    for dtype in ("float32", "float64"):
        network = Network([2, 5, 2], ["tanh"], seed=4)
        trainer = Trainer(network, data, registry,
                          TrainConfig("sgd", {"lr": 0.2}, batch_size=8, epochs=2, seed=5, dtype=dtype))
        reports = list(trainer.iter_steps())
        runs[dtype] = (trainer, network, [r.loss for r in reports if isinstance(r, StepReport)])
    t32, net32, losses32 = runs["float32"]
    _, _, losses64 = runs["float64"]
    assert t32.X.dtype == t32.Y.dtype == np.float32
    assert all(p.dtype == np.float32 for p in t32.params)
    _, grads = t32.kernel.loss_and_gradients(t32.weights, t32.biases, t32.X[:8], t32.Y[:8])
    assert all(g.dtype == np.float32 for g in grads)
    assert len(losses32) == len(losses64) == 10
    np.testing.assert_allclose(losses32[:5], losses64[:5], rtol=1e-4)
    assert all(W.dtype == np.float64 for W in net32.weights)  # synced back as float64


# -- accuracy -------------------------------------------------------------------
def test_accuracy_one_hot_by_hand():
    Y = np.eye(3)[[0, 1, 2, 1]]
    yhat = np.array([[0.8, 0.1, 0.1],  # right
                     [0.5, 0.3, 0.2],  # wrong (says 0)
                     [0.1, 0.2, 0.7],  # right
                     [0.2, 0.6, 0.2]])  # right
    assert accuracy("classification", Y, yhat) == 0.75


def test_accuracy_single_output_threshold_by_hand():
    Y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
    yhat = np.array([[0.9], [0.4], [0.3], [0.6], [0.51]])  # right, right, wrong, wrong, right
    assert accuracy("classification", Y, yhat) == pytest.approx(3 / 5)


def test_accuracy_is_none_for_regression():
    assert accuracy("regression", np.zeros((3, 1)), np.ones((3, 1))) is None


def test_epoch_report_accuracy_matches_a_hand_count(registry):
    data = make_dataset(registry, "gaussians", n_samples=50, seed=6)
    network = Network([2, 3, 2], ["tanh"], seed=6)
    trainer = Trainer(network, data, registry, TrainConfig(epochs=1))
    report = trainer.run().epochs[0]
    assert isinstance(report, EpochReport)
    trace = run_trace(network, data.X, np.eye(2)[data.y], registry)  # network is synced
    assert report.train_accuracy == pytest.approx(np.mean(trace.yhat.argmax(axis=1) == data.y))
    assert report.train_loss == pytest.approx(trace.loss, rel=1e-12)


# -- configuration errors -------------------------------------------------------------
def test_bad_configurations_are_refused(registry):
    data = make_dataset(registry, "xor", n_samples=20, seed=0)
    with pytest.raises(ValueError, match="batch size"):
        Trainer(Network([2, 2], []), data, registry, TrainConfig(batch_size=0))
    with pytest.raises(ValueError, match="epochs"):
        Trainer(Network([2, 2], []), data, registry, TrainConfig(epochs=-1))
    with pytest.raises(DatasetError, match="input layer is 3 wide"):
        Trainer(Network([3, 2], []), data, registry)
    with pytest.raises(DatasetError, match="2 classes"):
        Trainer(Network([2, 3], []), data, registry)


def test_the_gate_knows_a_step_is_running_on_the_fast_path():
    """Open (no pace, no hold), the trainer skips wait(): the gate must not say it rests, or Stop
    would not notice a step stuck in plugin code."""
    gate = Gate()
    assert gate.resting  # nobody stepping yet
    gate.set_rate(None)
    gate.run()
    assert gate.open and not gate.resting
    assert not gate.wait_until_resting(0.05)
    gate.stop()
    assert not gate.open
