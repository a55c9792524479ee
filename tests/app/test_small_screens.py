"""Projector and laptop sizes: at 1024×700 and 1280×720 the whole network is on the canvas in
every task layout (on open, resize, insert, undo and redo), the window is not forced larger than
the screen, no dock is squeezed below its minimum and the toolbar needs no overflow menu."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from core.engine.network import Network
from core.io.network_file import save_network
from desktop_app.canvas.selection import Selection
from desktop_app.screenshot import staged_window
from tests.conftest import ROOT, TEXTBOOK

SIZES = [(1024, 700), (1280, 720)]
SPIRAL = ROOT / "resources" / "examples" / "spiral-classifier.json"


@pytest.fixture(scope="module")
def deep_file(tmp_path_factory):
    """Six layers, one of them wide (collapsed with an ellipsis)."""
    path = tmp_path_factory.mktemp("net") / "deep.json"
    save_network(Network([4, 16, 40, 12, 8, 3], ["relu", "tanh", "relu", "sigmoid"], seed=1), path)
    return path


def assert_fits(window, size) -> None:
    QApplication.processEvents()
    assert (window.width(), window.height()) == size, "the docks' minimum sizes force a larger window"
    assert window.minimumSizeHint().width() <= size[0] and window.minimumSizeHint().height() <= size[1]
    view = window.view
    viewport = view.viewport().rect()
    for item in view.scene_.layer_items:
        box = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert viewport.contains(box), f"layer {item.k} at {box} is outside the canvas {viewport}"
    for dock in window.docks():
        if dock.isVisible():
            widget, least = dock.widget(), dock.widget().minimumSizeHint()
            assert widget.width() >= least.width() and widget.height() >= least.height(), dock.objectName()
    extension = window.actions_.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible(), "the toolbar is cut off"


@pytest.mark.parametrize("size", SIZES, ids=["1024x700", "1280x720"])
@pytest.mark.parametrize("layout, file, options", [
    ("build", TEXTBOOK, {}),
    ("step", TEXTBOOK, {"step": "grad_W2"}),
    ("train", SPIRAL, {"dataset": "spiral", "train_epochs": 3}),
    ("build", "deep", {}),
    ("step", "deep", {"step": "a3"}),
], ids=["build-textbook", "step-textbook", "train-spiral", "build-deep", "step-deep"])
def test_screenshot_shows_every_layer_inside_the_canvas(qapp, size, layout, file, options, deep_file, tmp_path):
    app, window = staged_window(str(deep_file if file == "deep" else file), size, layout=layout, **options)
    try:
        assert window.layouts.current == layout
        assert_fits(window, size)
        shot = window.grab()
        assert shot.save(str(tmp_path / "shot.png"))
        assert (shot.width(), shot.height()) == (size[0] * shot.devicePixelRatio(),
                                                 size[1] * shot.devicePixelRatio())
    finally:
        window.document.undo_stack.setClean()
        window.close()


def test_the_canvas_fits_itself_on_resize_insert_undo_and_redo(qapp, qtbot):
    app, window = staged_window(str(TEXTBOOK), (1280, 720), layout="build")
    try:
        view, stack = window.view, window.document.undo_stack
        window.resize(1024, 700)
        qtbot.waitUntil(lambda: window.width() == 1024)
        assert_fits(window, (1024, 700))
        view.setFocus()
        view.scene_.select(Selection("layer", 2))
        for _ in range(3):
            QTest.keyClick(view, Qt.Key.Key_A)  # three more hidden layers: 7 layers wide
        for _ in range(9):
            QTest.keyClick(view, Qt.Key.Key_Plus)  # and a tall one
        qtbot.waitUntil(view.network_visible)
        assert window.document.network.depth == 6
        assert_fits(window, (1024, 700))
        while stack.canUndo():
            stack.undo()
        QTest.qWait(50)
        assert_fits(window, (1024, 700))
        small = view.transform().m11()  # the 4-layer network, fitted
        while stack.canRedo():
            stack.redo()
        QTest.qWait(50)
        assert view.transform().m11() < small  # refitted: smaller, to show the 7 layers
        assert_fits(window, (1024, 700))
    finally:
        window.document.undo_stack.setClean()
        window.close()


def test_a_hand_zoom_is_kept_until_zoom_to_fit(qapp, qtbot):
    app, window = staged_window(str(TEXTBOOK), (1280, 720), layout="build")
    try:
        view = window.view
        view.zoom(3.0)  # the user looks closely
        window.resize(1200, 700)
        QTest.qWait(50)
        assert not view.network_visible() and not view.auto_fit
        window.actions_.zoom_fit.trigger()
        assert view.network_visible() and view.auto_fit
    finally:
        window.document.undo_stack.setClean()
        window.close()


def test_plots_with_kept_runs_fit_their_width_at_1024(qapp, qtbot):
    """Three layers' norms and two kept runs: each plot (title, legend, axes) is no wider than
    its view, so nothing is clipped on the right; the legends wrap instead."""
    app, window = staged_window(str(SPIRAL), (1024, 700), dataset="spiral", train_epochs=3, layout="train")
    try:
        keep = window.training.controls.keep_button
        for _ in range(2):
            qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
        QTest.qWait(50)
        plots = window.plots
        assert len(plots.loss.ghosts) == 2 and plots.gradients.legend.items
        for plot in (plots.loss, plots.gradients):
            item, view = plot.getPlotItem(), plot.viewport()
            assert item.geometry().width() <= view.width(), f"{plot.getPlotItem().titleLabel.text} is clipped"
            legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
            assert legend.right() <= view.width() and legend.bottom() <= view.height()
            assert plot.legend.columnCount < len(plot.legend.items)  # wrapped to fit
            for _, label in plot.legend.items:  # elided, but still readable
                assert not label.text.endswith("…") or len(label.text) >= 5, label.text
    finally:
        window.document.undo_stack.setClean()
        window.close()
