"""Training through the panel, as a person does it: choose data, press Play, watch the plots."""
from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.engine.network import Network
from core.engine.passes import run_trace
from core.training.setup import PACES
from desktop_app import files as files_module
from desktop_app.main_window import MainWindow


@pytest.fixture
def window(qtbot, host, monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")

    def make(network: Network) -> MainWindow:
        win = MainWindow(host, network, use_autosave=False)
        qtbot.addWidget(win)
        win.show()
        return win
    return make


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fastest(panel) -> None:
    """Drag the pace slider to its end: as fast as possible."""
    panel.controls.pace.setValue(len(PACES) - 1)


def test_play_trains_and_the_loss_curve_grows_and_falls(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel, controls = win.training, win.training.controls
    panel.form.set_dataset("xor")
    panel.form.hyper["lr"].setValue(0.3)
    fastest(panel)
    before = [W.copy() for W in win.document.network.weights]
    click(qtbot, controls.play_button)
    assert panel.is_training and controls.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: panel.history.n_epochs >= 8, timeout=20000)
    click(qtbot, controls.play_button)  # pause
    assert not panel.is_training and controls.play_button.text() == "Play"
    curve_x, curve_y = win.plots.loss.train_curve.getData()
    assert len(curve_y) >= 8
    assert curve_y[-1] < curve_y[0]
    steps_x, _ = win.plots.loss.step_curve.getData()
    assert len(steps_x) > 1 and panel.history.n_steps > panel.history.n_epochs
    assert len(curve_y) <= 601  # long histories are thinned before drawing
    assert len(win.plots.gradients.curves) == 3  # one curve per weight layer
    assert controls.epoch_label.text() == f"Epoch {panel.history.last_epoch:,}"
    assert not all(np.array_equal(a, b) for a, b in zip(before, win.document.network.weights))
    assert win.isWindowModified()  # training is an undoable edit
    win.document.undo_stack.undo()
    assert all(np.allclose(a, b) for a, b in zip(before, win.document.network.weights))


def test_pause_and_play_go_on_with_the_same_optimizer_state(qtbot, window):
    win = window(Network([2, 6, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    panel.form.optimizer.setCurrentText("adam")
    fastest(panel)
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.history.n_epochs >= 2, timeout=10000)
    click(qtbot, panel.controls.play_button)
    session, steps = panel.session, panel.session.trainer.step_count
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.session.trainer.step_count > steps + 10, timeout=10000)
    assert panel.session is session  # resumed, not restarted
    click(qtbot, panel.controls.play_button)


def test_stop_stops_promptly(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("spiral")
    fastest(panel)
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.session.trainer.step_count > 0, timeout=5000)
    started = time.perf_counter()
    click(qtbot, panel.controls.stop_button)
    assert time.perf_counter() - started < 2.0  # does not wait for the worker (generous: CI may be busy)
    assert panel.session is None and not panel.is_training
    steps = panel.history.n_steps
    qtbot.wait(200)
    assert panel.history.n_steps == steps
    assert panel.controls.play_button.text() == "Play"


def test_step_one_batch_advances_exactly_one_step(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    before = [W.copy() for W in win.document.network.weights]
    click(qtbot, panel.controls.step_button)
    qtbot.waitUntil(lambda: panel.history.n_steps == 1 and not panel.is_training
                    and not panel.live.timer.isActive(), timeout=5000)
    qtbot.wait(100)
    assert panel.session.trainer.step_count == 1
    assert not all(np.array_equal(a, b) for a, b in zip(before, win.document.network.weights))
    assert panel.controls.step_label.text() == "step 1"
    click(qtbot, panel.controls.step_button)
    qtbot.waitUntil(lambda: panel.history.n_steps == 2, timeout=5000)
    qtbot.wait(100)
    assert panel.session.trainer.step_count == 2


def test_step_one_epoch(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    click(qtbot, panel.controls.epoch_button)
    qtbot.waitUntil(lambda: panel.history.n_epochs == 1 and not panel.is_training
                    and not panel.live.timer.isActive(), timeout=10000)
    assert panel.history.last_step == 16  # 160 training samples in batches of 10
    assert panel.session.trainer.step_count == 16
    assert panel.controls.epoch_label.text() == "Epoch 1"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's overflow warnings are the point here
def test_nan_names_the_layer_and_the_app_stays_alive(qtbot, window):
    network = Network([2, 8, 8, 2], "tanh", "squared_error", seed=1)
    win = window(network)
    panel = win.training
    panel.form.set_dataset("xor")
    panel.form.hyper["lr"].setValue(1e6)
    assert "unusually large" in panel.status.text()  # said before anything runs
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.last_error is not None, timeout=10000)
    assert "layer" in panel.last_error
    assert panel.error_box is not None and "layer" in panel.error_box.text()
    assert not panel.error_box.isModal()
    assert "layer" in win.statusBar().currentMessage()
    assert not panel.is_training and panel.session is None
    assert all(np.all(np.isfinite(W)) for W in win.document.network.weights)
    panel.error_box.close()
    panel.form.hyper["lr"].setValue(0.1)  # the app goes on: fresh weights, train again
    click(qtbot, panel.controls.reset_button)
    click(qtbot, panel.controls.step_button)
    qtbot.waitUntil(lambda: panel.history.n_steps == 1, timeout=5000)
    assert panel.last_error is None


def test_structure_edit_stops_training(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.history.n_steps > 0, timeout=5000)
    win.document.network.set_width(1, 5)
    assert not panel.is_training and panel.session is None
    assert win.document.network.sizes == [2, 5, 8, 2]


def test_mismatched_dataset_is_explained(qtbot, window, textbook):
    win = window(textbook[0])  # 3 inputs: no toy dataset fits
    assert "input layer is 3 wide" in win.training.status.text()
    click(qtbot, win.training.controls.play_button)
    assert not win.training.is_training


def test_optimizer_form_follows_the_plugin_defaults_and_keeps_a_typed_learning_rate(qtbot, window, host):
    win = window(Network([2, 4, 2]))
    form = win.training.form
    form.optimizer.setCurrentText("adam")
    assert set(form.hyper) == set(host.registry.optimizers["adam"].defaults)
    assert form.hyper["eps"].text() == "1e-08"
    assert form.hyper["lr"].value() == pytest.approx(0.001)  # adam's own default
    assert win.document.setup.hyperparameters["beta1"] == pytest.approx(0.9)
    form.hyper["lr"].setValue(0.02)  # typed by the user …
    form.optimizer.setCurrentText("momentum")
    assert form.hyper["lr"].value() == pytest.approx(0.02)  # … and kept for the next optimizer
    assert win.document.setup.optimizer == "momentum" and win.document.setup.hyperparameters["lr"] == 0.02


def test_while_training_the_trace_follows_the_weights_a_few_times_a_second_and_exactly_after_pause(
        qtbot, window, registry):
    """New weights during training do not recompute the example's trace in the tick that brings them
    (a wide network's trace would lengthen every tick): it follows within a fifth of a second, and on
    Pause it is the trace of the final weights."""
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel, document = win.training, win.document
    panel.form.set_dataset("spiral")  # at the default pace: new weights in every tick (25 a second)
    traces = []
    document.trace_changed.connect(lambda: traces.append(time.perf_counter()))
    weights = []
    document.parameters_changed.connect(lambda k: weights.append(time.perf_counter()))
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: len(traces) >= 3, timeout=10000)
    click(qtbot, panel.controls.play_button)  # pause
    assert len(weights) > 2 * len(traces)  # far fewer traces than weight changes while training …
    assert all(b - a > 0.15 for a, b in zip(traces[:-2], traces[1:-1]))  # … and at most ~5 a second
    x, y = document.default_example()
    fresh = run_trace(document.network, x, y, registry)  # … but after Pause: the final weights' trace
    for k in range(1, document.network.depth + 1):
        np.testing.assert_array_equal(document.trace.grad_W[k], fresh.grad_W[k])
