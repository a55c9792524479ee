"""What the screen says while building and training (issue 11's item 8): a refusal does not
outlive a successful drop, the width buttons stay under the pointer between clicks, a
learning rate far outside the usual range is warned about."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.engine.network import Network
from desktop_app.canvas.synthetic import drag_and_drop, gap_point, layer_point
from desktop_app.training.plots import GradientPlot


@pytest.fixture
def window(make_window):
    return lambda network: make_window(network, size=(1280, 800))


def test_a_refusal_does_not_outlive_a_successful_drop(qtbot, window):
    win = window(Network([2, 4, 2], "tanh", seed=1))
    view = win.view
    drag_and_drop(view, "activation:relu", layer_point(view, 0))  # the input layer has no activation
    assert view.message(), "the refusal is shown"
    drag_and_drop(view, "layer:dense", gap_point(view, 1))
    assert win.document.network.depth == 3
    assert view.message() == "", "the refusal is still shown after a drop that worked"


def button_point(view, button) -> QPoint:
    return view.mapFromScene(button.sceneBoundingRect().center())


def test_the_width_buttons_stay_under_the_pointer_between_clicks(qtbot, window):
    win = window(Network([2, 3, 2], "tanh", seed=1))
    view, network = win.view, win.document.network
    plus = view.scene_.layer_items[1].plus
    where = button_point(view, plus)
    for width in range(4, 12):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
        QTest.qWait(150)  # longer than the canvas waits before it re-fits
        assert network.sizes[1] == width, "a click on the same spot adds one more unit"
        moved = button_point(view, view.scene_.layer_items[1].plus) - where
        assert moved.manhattanLength() <= 2, f"the + button moved {moved} under the pointer"
    minus = view.scene_.layer_items[1].minus
    where = button_point(view, minus)
    for width in range(10, 5, -1):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
        QTest.qWait(150)
        assert network.sizes[1] == width
    assert view.network_visible()
    shrunk = view.transform().m11()
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))  # the pointer leaves the canvas
    assert view.transform().m11() > shrunk, "the smaller network is fitted (larger) again"
    assert view.network_visible()


def type_into(spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), text)
    QTest.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def test_a_learning_rate_far_outside_the_usual_range_is_warned_about(qtbot, window):
    win = window(Network([2, 4, 2], "tanh", seed=1))
    panel = win.training
    lr = panel.form.hyper["lr"]
    type_into(lr, "50")
    qtbot.waitUntil(lambda: "unusually large" in panel.status.text(), timeout=3000)
    assert panel.setup.hyperparameters["lr"] == 50  # a warning, not a refusal
    type_into(lr, "0.00000001")
    qtbot.waitUntil(lambda: "unusually small" in panel.status.text(), timeout=3000)
    type_into(lr, "0.05")
    qtbot.waitUntil(lambda: "unusually" not in panel.status.text(), timeout=3000)
    assert panel.setup.hyperparameters["lr"] == 0.05


def test_the_gradient_axis_labels_decades_not_the_crowd_between_them(qtbot):
    plot = GradientPlot()
    qtbot.addWidget(plot)
    plot.resize(300, 400)
    plot.show()
    axis, view = plot.getPlotItem().getAxis("left"), plot.getPlotItem().getViewBox()
    between = [float(np.log10(v)) for v in (2, 3, 5)]
    view.setYRange(-3, 1, padding=0)  # 0.001 … 10: four decades in view
    assert axis.tickStrings([-2.0, -1.0, 0.0], 1, 1.0) == ["0.01", "0.1", "1"]
    assert axis.tickStrings(between, 1, None) == ["", "", ""]
    view.setYRange(np.log10(0.15), np.log10(0.9), padding=0)  # no power of ten in view: 0.2 … 0.8 are all it has
    assert all(axis.tickStrings(between, 1, None))


def test_the_status_line_says_when_the_losses_include_a_penalty(qtbot, window):
    win = window(Network([2, 4, 2], "tanh", seed=1))
    panel = win.training
    form = panel.form
    form.regularization.setFocus()
    qtbot.keyClicks(form.regularization, "l2")
    type_into(form.rate, "0.01")
    assert (panel.setup.regularization, panel.setup.rate) == ("l2", 0.01)
    qtbot.mouseClick(panel.controls.epoch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.history.n_epochs == 1 and not panel.is_training
                    and not panel.live.timer.isActive(), timeout=10000)
    assert "train loss" in panel.status.text()
    assert "losses include λ Σₖ R(Wₖ) of l2, λ = 0.01" in panel.status.text()


def test_the_input_title_with_a_warning_stays_clear_of_the_phi_button(qtbot, window):
    network = Network([2, 3, 2], "tanh", seed=0, features=["x1", "no_such_feature"], input_width=2)
    win = window(network)  # a file naming a feature plugin that is not installed
    layer = win.view.scene_.layer_items[0]
    assert layer.title().endswith("⚠")
    title, button = layer.title_item.sceneBoundingRect(), layer.feature_button.sceneBoundingRect()
    assert title.right() < button.left(), "the title runs under the φ button"
    assert "no_such_feature" in win.document.trace_error
