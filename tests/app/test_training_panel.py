"""Training through the panel, as a person does it: choose data, press Play, watch the plots."""
from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.engine.network import Network
from desktop_app import files as files_module
from desktop_app.main_window import MainWindow
from desktop_app.training.boundary import GRID


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


def test_play_trains_and_the_loss_curve_grows_and_falls(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    panel.form.hyper["lr"].setValue(0.3)
    before = [W.copy() for W in win.document.network.weights]
    click(qtbot, panel.play_button)
    assert panel.is_training and panel.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: panel.history.n_epochs >= 8, timeout=20000)
    click(qtbot, panel.play_button)  # pause
    assert not panel.is_training
    curve_x, curve_y = win.plots.loss.train_curve.getData()
    assert len(curve_y) >= 8
    assert curve_y[-1] < curve_y[0]
    steps_x, _ = win.plots.loss.step_curve.getData()
    assert len(steps_x) > 1 and panel.history.n_steps > panel.history.n_epochs
    assert len(curve_y) <= 601  # long histories are thinned before drawing
    assert len(win.plots.gradients.curves) == 3  # one curve per weight layer
    assert not all(np.array_equal(a, b) for a, b in zip(before, win.document.network.weights))
    assert win.isWindowModified()  # training is an undoable edit
    win.document.undo_stack.undo()
    assert all(np.allclose(a, b) for a, b in zip(before, win.document.network.weights))


def test_stop_stops_promptly(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("spiral")
    click(qtbot, panel.play_button)
    qtbot.waitUntil(lambda: panel.history.n_steps > 0 or len(panel.session.pending) > 0, timeout=5000)
    started = time.perf_counter()
    click(qtbot, panel.stop_button)
    assert time.perf_counter() - started < 2.0  # does not wait for the worker (generous: CI may be busy)
    assert panel.session is None and not panel.is_training
    steps = panel.history.n_steps
    qtbot.wait(200)
    assert panel.history.n_steps == steps
    assert panel.play_button.text() == "Play"


def test_step_one_batch_advances_exactly_one_step(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    before = [W.copy() for W in win.document.network.weights]
    click(qtbot, panel.step_button)
    assert panel.history.n_steps == 1
    assert panel.session.trainer.step_count == 1
    assert not all(np.array_equal(a, b) for a, b in zip(before, win.document.network.weights))
    click(qtbot, panel.step_button)
    assert panel.history.n_steps == 2


def test_step_one_epoch(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    click(qtbot, panel.epoch_button)
    qtbot.waitUntil(lambda: panel.history.n_epochs == 1 and not panel.is_training, timeout=5000)
    assert panel.history.last_step == 16  # 160 training samples in batches of 10
    assert panel.session.trainer.step_count == 16


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's overflow warnings are the point here
def test_nan_names_the_layer_and_the_app_stays_alive(qtbot, window):
    network = Network([2, 8, 8, 2], "tanh", "squared_error", seed=1)
    win = window(network)
    panel = win.training
    panel.form.set_dataset("xor")
    panel.form.hyper["lr"].setValue(1e6)
    click(qtbot, panel.play_button)
    qtbot.waitUntil(lambda: panel.last_error is not None, timeout=10000)
    assert "layer" in panel.last_error
    assert panel.error_box is not None and "layer" in panel.error_box.text()
    assert not panel.error_box.isModal()
    assert "layer" in win.statusBar().currentMessage()
    assert not panel.is_training and panel.session is None
    assert all(np.all(np.isfinite(W)) for W in win.document.network.weights)
    panel.error_box.close()
    panel.form.hyper["lr"].setValue(0.1)  # the app goes on: fresh weights, train again
    click(qtbot, panel.reset_button)
    click(qtbot, panel.step_button)
    assert panel.last_error is None and panel.history.n_steps == 1


def test_boundary_image_has_the_grid_shape(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("spiral")
    assert win.plots.boundary.grid_shape == (GRID, GRID)
    click(qtbot, panel.step_button)
    image = win.plots.boundary.image.image
    assert image.shape == (GRID, GRID, 3)
    assert len(win.plots.boundary.points.data) == len(panel.data[0])


def test_structure_edit_stops_training(qtbot, window):
    win = window(Network([2, 8, 8, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    click(qtbot, panel.play_button)
    qtbot.waitUntil(lambda: panel.history.n_steps > 0, timeout=5000)
    win.document.network.set_width(1, 5)
    assert not panel.is_training and panel.session is None
    assert win.document.network.sizes == [2, 5, 8, 2]


def test_mismatched_dataset_is_explained(qtbot, window, textbook):
    win = window(textbook[0])  # 3 inputs: no toy dataset fits
    assert "input layer is 3 wide" in win.training.status.text()
    click(qtbot, win.training.play_button)
    assert not win.training.is_training


def test_optimizer_form_follows_the_plugin_defaults(qtbot, window, host):
    win = window(Network([2, 4, 2]))
    form = win.training.form
    form.optimizer.setCurrentText("adam")
    assert set(form.hyper) == set(host.registry.optimizers["adam"].defaults)
    assert form.hyper["eps"].text() == "1e-08"
    assert form.config().hyperparameters["beta1"] == pytest.approx(0.9)
