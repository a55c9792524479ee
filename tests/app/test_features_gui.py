"""Input features and regularisation in the window, driven as a person does it (issue 11, items 3, 4):
the φ button on the input layer, the step-through's h_0 = φ(x), the maps of the input units, the
regularizer in the training form."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from core.engine.network import Network
from core.io.network_file import load_network


@pytest.fixture
def window(make_window):
    return lambda network, **kwargs: make_window(network, size=(1400, 900), fit=True, **kwargs)


def click_scene_item(qtbot, view, item) -> None:
    """A left click on a canvas item, where it is drawn."""
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.mapFromScene(item.sceneBoundingRect().center()))


def open_feature_menu(qtbot, win) -> QMenu:
    """Click the φ button of the input layer; the menu of features opens under it."""
    button = win.view.scene_.layer_items[0].feature_button
    click_scene_item(qtbot, win.view, button)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=3000)
    return QApplication.activePopupWidget()


def click_menu_entry(qtbot, menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def input_labels(win) -> list[str]:
    scene = win.view.scene_
    return [scene.neurons[(0, i)].feature_label.text() for i in range(win.document.network.sizes[0])]


def test_ticking_features_on_the_canvas_changes_the_input_layer_and_undo_restores_it(qtbot, window):
    win = window(Network([2, 4, 2], "tanh", seed=0))
    network = win.document.network
    W1 = network.W(1).copy()
    assert input_labels(win) == ["x₁", "x₂"]
    menu = open_feature_menu(qtbot, win)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[1:] == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂"]  # Playground's set, from the plugins
    assert [a.isChecked() for a in menu.actions() if a.text()][:3] == [True, True, True]  # raw inputs: x₁, x₂
    click_menu_entry(qtbot, menu, "x₁²")
    qtbot.waitUntil(lambda: network.sizes[0] == 3, timeout=3000)
    assert network.features == ["x1", "x2", "x1_squared"] and network.input_width == 2
    np.testing.assert_array_equal(network.W(1)[:, :2], W1)  # the weights of x₁ and x₂ are kept
    qtbot.waitUntil(lambda: len([k for k in win.view.scene_.neurons if k[0] == 0]) == 3, timeout=3000)
    qtbot.waitUntil(lambda: input_labels(win) == ["x₁", "x₂", "x₁²"], timeout=3000)
    assert win.view.scene_.layer_titles()[0] == "Input · φ(x)"
    assert win.document.trace is not None and win.document.trace.h[0].shape == (1, 3)
    menu = open_feature_menu(qtbot, win)
    click_menu_entry(qtbot, menu, "x₁")  # untick x₁
    qtbot.waitUntil(lambda: network.features == ["x2", "x1_squared"], timeout=3000)
    win.document.undo_stack.undo()
    win.document.undo_stack.undo()
    assert network.features is None and network.sizes == [2, 4, 2]
    np.testing.assert_array_equal(network.W(1), W1)
    qtbot.waitUntil(lambda: input_labels(win) == ["x₁", "x₂"], timeout=3000)


def test_saving_keeps_the_features_and_opening_restores_them(qtbot, window, tmp_path):
    win = window(Network([2, 3, 2], "relu", seed=1))
    menu = open_feature_menu(qtbot, win)
    click_menu_entry(qtbot, menu, "sin x₂")
    qtbot.waitUntil(lambda: win.document.network.sizes[0] == 3, timeout=3000)
    path = tmp_path / "with_features.json"
    assert win.files.save_to(str(path))
    network, _ = load_network(path)
    assert network.features == ["x1", "x2", "sin_x2"] and network.input_width == 2
    np.testing.assert_array_equal(network.W(1), win.document.network.W(1))
    assert win.files.open_path(str(path))
    qtbot.waitUntil(lambda: input_labels(win) == ["x₁", "x₂", "sin x₂"], timeout=3000)


def step_to(qtbot, panel, quantity: str):
    """Press Step until the panel shows ``quantity``; return what it shows."""
    seen = []
    panel.step_changed.connect(seen.append)
    for _ in range(60):
        qtbot.mouseClick(panel.forward_button, Qt.MouseButton.LeftButton)
        if seen and seen[-1].step.quantity == quantity:
            return seen[-1]
    raise AssertionError(f"no step {quantity}")


def test_the_step_through_starts_with_phi_and_the_canvas_shows_the_features(qtbot, window):
    network = Network([4, 3, 2], "tanh", features=["x1_squared", "x2_squared", "sin_x1", "sin_x2"], seed=2)
    win = window(network, example=([0.5, -1.0], [1.0, 0.0]))
    assert input_labels(win) == ["x₁²", "x₂²", "sin x₁", "sin x₂"]
    win.steps_dock.show()
    shown = step_to(qtbot, win.steps, "h0")
    assert shown.step.formula == r"h_0 = \phi(x) = [x_1^2,\ x_2^2,\ \sin x_1,\ \sin x_2]"
    assert win.steps.numbers.text() == "h₀ = φ([0.5, -1]) = [0.25, 1, 0.4794, -0.8415]"
    assert not win.steps.formula.pixmap().isNull()  # typeset
    overlay = win.view.scene_  # the input units are what the step writes
    assert shown.highlight.write_neurons == {(0, i) for i in range(4)}
    assert overlay.tooltip_for(overlay.neurons[(0, 2)]).startswith("h₀,₃ = sin x₁ = 0.4794")


def test_choosing_l2_in_the_training_form_puts_its_term_in_the_loss_and_the_steps(qtbot, window):
    win = window(Network([2, 3, 2], "tanh", seed=4), example=([0.5, -1.0], [1.0, 0.0]))
    form = win.training.form
    plain_loss = win.document.trace.loss
    combo = form.regularization
    assert [combo.itemText(i) for i in range(combo.count())] == ["none", "l1", "l2"]
    combo.setFocus()
    qtbot.keyClicks(combo, "l2")  # typing selects the entry, as in any list
    assert combo.currentText() == "l2" and form.rate.isEnabled()
    form.rate.setFocus()
    form.rate.selectAll()
    qtbot.keyClicks(form.rate, "0.05")
    qtbot.keyClick(form.rate, Qt.Key.Key_Return)
    setup = win.document.setup
    assert (setup.regularization, setup.rate) == ("l2", 0.05) and win.document.is_modified
    trace = win.document.trace
    R = sum(0.5 * float(np.sum(W**2)) for W in win.document.network.weights)
    assert trace.loss == pytest.approx(plain_loss + 0.05 * R, rel=1e-12)
    win.steps_dock.show()
    shown = step_to(qtbot, win.steps, "grad_W1")
    assert shown.step.formula.endswith(r" + \lambda\, W_1")  # l2's ∂R/∂W = W, from the plugin's formula
    W1 = win.document.network.W(1)
    rows = ", ".join("[" + ", ".join(f"{v:.4f}" for v in row) + "]" for row in W1)
    assert f"+ 0.05 [{rows}] = " in win.steps.numbers.text()  # λ and ∂R/∂W₁ = W₁ with their numbers
    assert "regularizer l2" in win.steps.meaning.text()




def test_the_maps_of_the_input_units_show_the_features_over_the_plane(qtbot, window):
    win = window(Network([3, 4, 2], "tanh", features=["x1_squared", "x2", "sin_x1"], seed=1))
    win.training.form.set_dataset("circles")
    qtbot.waitUntil(lambda: win.training.maps.worker.idle and win.plots.boundary.grid_shape is not None
                    and len(win.neuron_maps.items()) == 3 + 4 + 2, timeout=10000)
    square = win.neuron_maps.items()[(0, 0)].image  # x₁²: the same at both sides, least in the middle
    y = square.height() // 2
    left, middle, right = (square.pixelColor(x, y) for x in (1, square.width() // 2, square.width() - 2))
    assert left.red() > left.blue() + 60 and right.red() > right.blue() + 60  # large and positive at both sides
    assert middle.blue() > max(left.blue(), right.blue()) + 60  # pale where x₁² is near 0
    raw = win.neuron_maps.items()[(0, 1)].image  # x₂ grows bottom to top
    top, bottom = raw.pixelColor(raw.width() // 2, 1), raw.pixelColor(raw.width() // 2, raw.height() - 2)
    assert top.red() > top.blue() and bottom.blue() > bottom.red()
    from desktop_app.canvas.selection import Selection

    win.view.scene_.select(Selection("neuron", 0, 2))  # the input unit sin x₁, large in the boundary pane
    plot = win.plots.boundary
    assert plot.focus == (0, 2) and plot.getPlotItem().titleLabel.text == "Input unit 3: sin x₁"


def test_kept_runs_name_their_regularizer(qtbot, window):
    win = window(Network([2, 6, 6, 6, 2], "sigmoid", seed=0))
    panel, form = win.training, win.training.form
    form.set_dataset("xor")
    form.regularization.setFocus()
    qtbot.keyClicks(form.regularization, "l1")
    panel.train_here(3)
    qtbot.mouseClick(panel.controls.keep_button, Qt.MouseButton.LeftButton)
    for k in (1, 2, 3):
        win.document.network.set_activation(k, "relu")
    qtbot.mouseClick(panel.controls.reset_button, Qt.MouseButton.LeftButton)
    panel.train_here(3)
    qtbot.mouseClick(panel.controls.keep_button, Qt.MouseButton.LeftButton)
    labels = [panel.runs.list.item(i).text() for i in range(panel.runs.list.count())]
    assert labels == ["■ sigmoid, 3 layers, sgd, l1 0.001", "■ relu, 3 layers, sgd, l1 0.001"]
    assert "regularisation l1, rate 0.001" in panel.runs.list.item(0).toolTip()
    assert [g.name() for g in win.plots.loss.ghosts] == ["sigmoid, 3 layers, sgd, l1 0.001",
                                                       "relu, 3 layers, sgd, l1 0.001"]
