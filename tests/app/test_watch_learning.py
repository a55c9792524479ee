"""Watching a network learn: the pace, stop conditions, every neuron's map, kept runs, the setup saved."""
from __future__ import annotations

import json
import textwrap
import time
import types

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from core.engine.network import Network
from core.io.resources import example_path
from core.plugin_host.host import PluginHost
from core.training.setup import PACES, StopWhen
from desktop_app.training import maps as maps_module
from desktop_app.training.maps import GRID


@pytest.fixture
def window(make_window):
    return lambda network=None, host_=None, **kwargs: make_window(network, host=host_, **kwargs)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def set_pace(panel, pace) -> None:
    panel.controls.pace.setValue(PACES.index(pace))


def idle(panel) -> bool:
    """Training has paused and the window shows it all (the Play button is back, the last reports drawn)."""
    return (not panel.is_training and panel.controls.play_button.text() == "Play"
            and not panel.live.timer.isActive())


def maps_drawn(win) -> bool:
    return win.training.maps.worker.idle and win.plots.boundary.grid_shape is not None


# -- the pace ---------------------------------------------------------------------------
def test_a_slow_pace_shows_every_step(qtbot, window):
    win = window(Network([2, 6, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    set_pace(panel, 1)
    assert panel.controls.pace_text.text() == "1 step/s" and win.document.setup.pace == 1
    applied: list[np.ndarray] = []
    panel.weights_applied.connect(lambda: applied.append(win.document.network.W(1).copy()))
    started = time.perf_counter()
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.history.n_steps >= 3, timeout=8000)
    elapsed = time.perf_counter() - started
    click(qtbot, panel.controls.play_button)
    assert elapsed >= 1.9  # 3 steps at 1 per second take two seconds (the first goes at once)
    steps = panel.history.step.values * panel.history.steps_per_epoch
    assert np.allclose(steps[:3], [1, 2, 3])  # every step is on the plots (none thinned out), and …
    assert len(applied) >= 3 and not np.array_equal(applied[0], applied[1])  # … the canvas got its weights


def test_the_pace_changes_while_training(qtbot, window):
    win = window(Network([2, 6, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    set_pace(panel, 1)
    click(qtbot, panel.controls.play_button)
    qtbot.wait(500)
    assert panel.session.trainer.step_count <= 2
    set_pace(panel, None)  # as fast as possible, without stopping
    qtbot.waitUntil(lambda: panel.session.trainer.step_count > 200, timeout=10000)
    click(qtbot, panel.controls.play_button)


# -- stop conditions and the epoch counter ------------------------------------------------
def test_training_pauses_after_the_epoch_limit(qtbot, window):
    win = window(Network([2, 6, 2], "tanh", seed=1))
    panel, controls = win.training, win.training.controls
    panel.form.set_dataset("xor")
    set_pace(panel, None)
    controls.stop_epochs.check.setChecked(True)
    controls.stop_epochs.spin.setValue(7)
    assert win.document.setup.stop == StopWhen(epochs=7)
    click(qtbot, controls.play_button)
    qtbot.waitUntil(lambda: idle(panel), timeout=10000)
    assert panel.history.last_epoch == 7 and controls.epoch_label.text() == "Epoch 7"
    assert "after 7 epochs" in panel.status.text()
    assert controls.play_button.text() == "Play"
    controls.stop_epochs.spin.setValue(9)  # a higher limit: Play goes on to it
    click(qtbot, controls.play_button)
    qtbot.waitUntil(lambda: idle(panel), timeout=10000)
    assert panel.history.last_epoch == 9


def test_training_pauses_at_a_test_accuracy_target(qtbot, window):
    win = window(Network([2, 8, 2], "tanh", seed=1))
    panel, controls = win.training, win.training.controls
    panel.form.set_dataset("gaussians")
    set_pace(panel, None)
    controls.stop_accuracy.check.setChecked(True)
    controls.stop_accuracy.spin.setValue(90)
    click(qtbot, controls.play_button)
    qtbot.waitUntil(lambda: idle(panel), timeout=20000)
    assert panel.history.test_accuracy.values[-1] >= 0.9
    assert "test-accuracy target 90%" in panel.status.text()


# -- what every neuron computes ---------------------------------------------------------------
def test_every_visible_neuron_shows_its_map_and_the_boundary_is_100_by_100(qtbot, window):
    win = window(Network([2, 5, 3, 2], "tanh", seed=1))
    win.training.form.set_dataset("spiral")
    qtbot.waitUntil(lambda: maps_drawn(win) and len(win.neuron_maps.items()) == 12, timeout=10000)
    assert win.plots.boundary.grid_shape == (GRID, GRID) and GRID >= 100
    items = win.neuron_maps.items()
    assert set(items) == {(0, 0), (0, 1)} | {(1, i) for i in range(5)} | {(2, i) for i in range(3)} | {(3, 0), (3, 1)}
    # the input x_1 grows left to right: the right of its map is orange (positive), the left blue
    image = items[(0, 0)].image
    left, right = image.pixelColor(0, image.height() // 2), image.pixelColor(image.width() - 1, image.height() // 2)
    assert right.red() > right.blue() and left.blue() > left.red()
    # the maps follow the weights: an edit of W_1 changes a hidden neuron's map
    before = items[(1, 0)].image.copy()
    win.document.network.set_weight(1, 0, 0, -3 * win.document.network.W(1)[0, 0] - 2)
    qtbot.waitUntil(lambda: win.neuron_maps.items()[(1, 0)].image != before, timeout=10000)


def test_hovering_or_selecting_a_neuron_shows_its_map_large(qtbot, window):
    win = window(Network([2, 4, 2], "tanh", seed=1))
    win.training.form.set_dataset("circles")
    qtbot.waitUntil(lambda: maps_drawn(win) and bool(win.neuron_maps.items()), timeout=10000)
    plot = win.plots.boundary
    assert plot.getPlotItem().titleLabel.text == "Decision boundary"
    output = plot.image.image.copy()
    item = win.neuron_maps.items()[(1, 2)]
    view = win.view
    centre = view.mapFromScene(item.mapToScene(0, 0))
    qtbot.mouseMove(view.viewport(), QPoint(centre.x() + 1, centre.y() + 1))
    qtbot.waitUntil(lambda: plot.focus == (1, 2), timeout=3000)
    assert "Layer 1, unit 3" in plot.getPlotItem().titleLabel.text
    assert not np.array_equal(plot.image.image, output)
    qtbot.mouseMove(view.viewport(), QPoint(2, 2))  # away: the output again
    qtbot.waitUntil(lambda: plot.focus is None, timeout=3000)
    from desktop_app.canvas.selection import Selection

    view.scene_.select(Selection("neuron", 2, 1))  # the output unit 2, selected
    assert plot.focus == (2, 1) and "Output unit 2" in plot.getPlotItem().titleLabel.text


def test_show_test_data_and_discretize_output(qtbot, window):
    win = window(Network([2, 4, 2], "tanh", seed=1))
    panel, pane = win.training, win.plots.boundary_pane
    panel.form.set_dataset("xor")
    qtbot.waitUntil(lambda: maps_drawn(win), timeout=10000)
    assert len(pane.plot.test_points.data) == 0
    pane.show_test.setChecked(True)
    assert len(pane.plot.test_points.data) == len(panel.data[2]) == 40
    shaded = pane.plot.image.image.copy()
    pane.discretize.setChecked(True)  # coloured afresh in the maps' thread

    def colours_shown() -> int:
        return len(np.unique(pane.plot.image.image.reshape(-1, 3), axis=0))
    qtbot.waitUntil(lambda: colours_shown() == 2, timeout=5000)  # two classes, two colours
    assert len(np.unique(shaded.reshape(-1, 3), axis=0)) > 10  # shades of confidence before


HANGING = textwrap.dedent("""
    import time
    import numpy as np
    import pluggy
    hookimpl = pluggy.HookimplMarker("backprop_studio")
    calls = {"n": 0}
    def slow(a):
        calls["n"] += 1
        if calls["n"] > 40:   # passes the load-time checks, then hangs
            time.sleep(3600)
        return np.tanh(a)
    @hookimpl
    def register_activations(register):
        register(name="hangs", fn=slow, derivative=lambda a: 1 - np.tanh(a) ** 2)
""")


def test_a_plugin_that_hangs_never_freezes_the_window(qtbot, window, monkeypatch):
    plugin = types.ModuleType("hangs")
    exec(HANGING, plugin.__dict__)
    host = PluginHost(safe_mode=True).load()
    host.add_plugin(plugin, "hangs")
    monkeypatch.setattr(maps_module, "HANG_AFTER", 0.5)
    win = window(Network([2, 3, 2], "hangs", seed=1), host_=host)
    win.training.form.set_dataset("xor")
    qtbot.waitUntil(lambda: maps_drawn(win), timeout=10000)
    plugin.calls["n"] = 100  # from now on g never returns
    win.training.form.set_dataset("circles")  # new maps are asked for: their job hangs
    started = time.perf_counter()
    while time.perf_counter() - started < 2.0:  # the event loop goes on: the window answers
        qtbot.wait(50)
    assert time.perf_counter() - started < 3.0
    note = win.plots.boundary.note.textItem.toPlainText
    qtbot.waitUntil(lambda: "it hangs" in note(), timeout=3000)  # said on the pane, naming the activation
    assert "activation 'hangs'" in note()
    assert host.registry.activations["hangs"].problem is not None  # flagged: never called again


# -- the setup in the file -----------------------------------------------------------------
def test_the_setup_is_saved_with_the_network_and_restored(qtbot, window, tmp_path):
    win = window(Network([2, 6, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("circles")
    panel.form.noise.setValue(0.35)
    panel.form.optimizer.setCurrentText("momentum")
    panel.form.hyper["lr"].setValue(0.05)
    panel.form.batch_size.setValue(16)
    set_pace(panel, 10)
    panel.controls.stop_loss.check.setChecked(True)
    assert win.isWindowModified()  # the setup is part of the file
    assert win.files.save_to(tmp_path / "lesson.json")
    assert not win.isWindowModified()
    saved = json.loads((tmp_path / "lesson.json").read_text())["setup"]
    assert saved["dataset"]["name"] == "circles" and saved["dataset"]["noise"] == 0.35
    assert saved["optimizer"]["name"] == "momentum" and saved["optimizer"]["hyperparameters"]["lr"] == 0.05
    assert saved["batch_size"] == 16 and saved["pace"] == {"steps_per_second": 10}
    assert saved["stop"]["train_loss"] == 0.05

    other = window()
    assert other.files.open_path(tmp_path / "lesson.json", ask=False)
    form = other.training.form
    assert form.dataset.currentText() == "circles" and form.noise.value() == pytest.approx(0.35)
    assert form.optimizer.currentText() == "momentum" and form.hyper["lr"].value() == pytest.approx(0.05)
    assert form.batch_size.value() == 16 and other.training.controls.pace_text.text() == "10 steps/s"
    assert other.training.controls.stop_loss.check.isChecked()
    assert other.document.setup == win.document.setup and not other.isWindowModified()


def test_an_example_brings_its_own_dataset(qtbot, window):
    win = window(Network([2, 4, 2], seed=1))
    assert win.training.form.dataset.currentText() == "xor"
    assert win.files.open_example(example_path("spiral-classifier"))
    assert win.training.form.dataset.currentText() == "spiral"
    assert win.training.form.optimizer.currentText() == "adam"
    assert win.document.setup.dataset == "spiral" and not win.isWindowModified()


# -- compare runs ------------------------------------------------------------------------------
def test_two_kept_runs_are_drawn_labelled_and_can_be_removed(qtbot, window):
    win = window(Network([2, 6, 6, 2], "sigmoid", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    set_pace(panel, None)
    panel.controls.stop_epochs.check.setChecked(True)
    panel.controls.stop_epochs.spin.setValue(5)
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.history.last_epoch == 5 and idle(panel), timeout=10000)
    click(qtbot, panel.controls.keep_button)
    for k in (1, 2):  # relu instead of sigmoid, fresh weights, the same 5 epochs
        win.document.network.set_activation(k, "relu")
    click(qtbot, panel.controls.reset_button)
    assert panel.history.n_steps == 0
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: panel.history.last_epoch == 5 and idle(panel), timeout=10000)
    click(qtbot, panel.controls.keep_button)
    labels = [panel.runs.list.item(i).text() for i in range(panel.runs.list.count())]
    assert labels == ["■ sigmoid, 2 layers, sgd", "■ relu, 2 layers, sgd"]
    assert "network 2-6-6-2" in panel.runs.list.item(0).toolTip()
    ghosts = win.plots.loss.ghosts
    assert [g.name() for g in ghosts] == ["sigmoid, 2 layers, sgd", "relu, 2 layers, sgd"]
    assert len(ghosts[0].yData) == 5 and not np.array_equal(ghosts[0].yData, ghosts[1].yData)
    assert len(win.plots.gradients.ghosts) == 2 * 3  # every layer of each run
    panel.runs.list.setCurrentRow(0)
    click(qtbot, panel.runs.remove_button)
    assert [g.name() for g in win.plots.loss.ghosts] == ["relu, 2 layers, sgd"]


# -- what the screen says -------------------------------------------------------------------
def test_the_loss_axis_stays_at_or_above_zero_has_a_log_scale_and_resets(qtbot, window):
    win = window(Network([2, 6, 2], "tanh", seed=1))
    panel, loss = win.training, win.plots.loss
    panel.form.set_dataset("xor")
    set_pace(panel, None)
    panel.controls.stop_epochs.check.setChecked(True)
    panel.controls.stop_epochs.spin.setValue(6)
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: idle(panel) and panel.history.n_epochs == 6, timeout=10000)
    (x0, x1), (y0, y1) = loss.getPlotItem().getViewBox().viewRange()
    assert y0 >= 0 and y1 > 0
    win.plots.log_loss.setChecked(True)
    assert loss.getPlotItem().getAxis("left").logMode
    (_, _), (ly0, ly1) = loss.getPlotItem().getViewBox().viewRange()
    assert ly0 < np.log10(panel.history.train_loss.values.min()) < ly1
    click(qtbot, panel.controls.reset_button)
    assert len(loss.train_curve.getData()[0] or []) == 0 and panel.controls.epoch_label.text() == "Epoch 0"


def test_status_line_labels_train_and_test(qtbot, window):
    win = window(Network([2, 6, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    click(qtbot, panel.controls.epoch_button)
    qtbot.waitUntil(lambda: panel.history.n_epochs == 1 and idle(panel), timeout=10000)
    text = panel.status.text()
    assert "train loss" in text and "test loss" in text and "train accuracy" in text and "test accuracy" in text
    assert "example loss" not in win.summary.text()  # the step-through's sample says what it is
    assert "step-through sample" in win.summary.text()


def test_a_growing_loss_is_reported_before_any_nan(qtbot, window):
    win = window(Network([1, 6, 1], "tanh", "squared_error", seed=1))
    panel = win.training
    panel.form.set_dataset("sine")
    panel.form.optimizer.setCurrentText("momentum")  # with far too large a step for this regression
    panel.form.hyper["lr"].setValue(0.3)
    set_pace(panel, None)
    panel.controls.stop_epochs.check.setChecked(True)
    panel.controls.stop_epochs.spin.setValue(12)
    click(qtbot, panel.controls.play_button)
    qtbot.waitUntil(lambda: idle(panel), timeout=20000)
    assert panel.last_error is None  # no NaN yet …
    text = panel.status.text()
    assert "after 12 epochs" in text and "diverging" in text and "smaller learning rate" in text  # … but said


def test_a_weight_typed_while_paused_is_where_training_goes_on_from(qtbot, window):
    win = window(Network([2, 4, 2], "tanh", seed=1))
    panel = win.training
    panel.form.set_dataset("xor")
    click(qtbot, panel.controls.step_button)
    qtbot.waitUntil(lambda: panel.history.n_steps == 1 and idle(panel), timeout=5000)
    first = panel.session
    from desktop_app.commands import SetWeight

    win.document.undo_stack.push(SetWeight(win.document.network, 1, 0, 0, 2.5))
    click(qtbot, panel.controls.step_button)
    qtbot.waitUntil(lambda: panel.history.n_steps == 2 and idle(panel), timeout=5000)
    assert panel.session is not first  # a fresh run from the typed weight, not the old trainer's copy
    assert win.document.network.W(1)[0, 0] == pytest.approx(2.5, abs=0.5)
    assert panel.session.trainer.step_count == 1
