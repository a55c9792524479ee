"""Presentation mode: F5, full screen, the canvas and the formula only, driven by a clicker's keys."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMenuBar, QToolBar

from core.io.network_file import example_arrays, load_network
from desktop_app import files as files_module
from desktop_app.canvas.items import CACHED
from desktop_app.colours import q
from desktop_app.main_window import MainWindow
from desktop_app.presentation import FormulaBoard, StageView
from tests.conftest import ROOT

SPIRAL = ROOT / "resources" / "examples" / "spiral-classifier.json"


@pytest.fixture
def make_window(qtbot, host, monkeypatch, textbook):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")

    def make(network_and_extras=textbook) -> MainWindow:
        network, extras = network_and_extras
        window = MainWindow(host, network.copy(), None, example_arrays(extras), use_autosave=False,
                            restore_layout=False)
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        QTest.qWaitForWindowActive(window)
        return window
    return make


def clicker(presentation, *keys) -> None:
    for key in keys:
        QTest.keyClick(presentation, key)


def test_f5_presents_the_step_through_and_a_clicker_drives_it(make_window, qtbot):
    window = make_window()
    assert window.layouts.current == "build"
    QTest.keyClick(window, Qt.Key.Key_F5)
    presentation = window.presentation
    assert presentation is not None and presentation.isVisible()
    assert QTest.qWaitForWindowActive(presentation)  # it takes the keys
    assert presentation.windowState() & Qt.WindowState.WindowFullScreen
    assert window.layouts.current == "step"  # the step player runs the show
    # the canvas and the formula only: no menus, toolbars or buttons
    assert presentation.findChildren(StageView) and presentation.findChildren(FormulaBoard)
    assert not presentation.findChildren(QMenuBar) and not presentation.findChildren(QToolBar)
    assert not [b for b in presentation.findChildren(QAbstractButton) if b.isVisible()]
    board = presentation.board
    clicker(presentation, Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space)
    player = window.steps.player
    assert player.position == 3 and player.current.quantity == "a2"
    assert board.numbers.text().endswith("= [0.4196, -0.2480, 1.2425]")
    assert presentation.counter.text() == f"forward · 3 / {len(player)}"
    overlay = window.view.step_overlay  # the stage shows the canvas's own highlights
    assert overlay.marked("ring", q("write")) == {(2, 0), (2, 1), (2, 2)}
    assert presentation.stage.scene() is window.view.scene_
    clicker(presentation, Qt.Key.Key_Left, Qt.Key.Key_PageUp)
    assert player.position == 1 and presentation.counter.text().startswith("forward · 1 /")
    clicker(presentation, Qt.Key.Key_End)
    assert player.at_end and presentation.counter.text() == f"update · {len(player)} / {len(player)}"
    clicker(presentation, Qt.Key.Key_Home)
    assert player.position == 0 and board.meaning.text().startswith("Press →")
    clicker(presentation, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.presentation is None)
    assert not presentation.isVisible() if _alive(presentation) else True
    assert all(item.cacheMode() == CACHED for item in window.view.scene_.neuron_items())


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_check_yourself_waits_while_presenting(make_window):
    window = make_window()
    window.layouts.switch("step")
    window.steps.quiz_toggle.setChecked(True)  # in the window a question comes before each step
    presentation = window.toggle_presentation(full_screen=False)
    assert QTest.qWaitForWindowActive(presentation)
    clicker(presentation, Qt.Key.Key_Right, Qt.Key.Key_Right)
    assert window.steps.player.position == 2  # the class sees the steps
    clicker(presentation, Qt.Key.Key_Escape)
    assert window.steps.quiz_toggle.isChecked()  # and the questions come back afterwards


def test_presentation_scales_the_network_and_the_formula_for_the_back_of_the_room(make_window):
    window = make_window()
    window.layouts.switch("step")
    window.steps.seek_quantity("a2")
    presentation = window.toggle_presentation(full_screen=False)
    presentation.resize(1920, 1080)
    QApplication.processEvents()
    stage_scale = presentation.stage.transform().m11()
    assert stage_scale > 1.6 * window.view.transform().m11()  # neurons drawn larger
    assert presentation.board.numbers.font_.pixelSize() >= 2 * window.steps.numbers.font_.pixelSize()
    formula = presentation.board.formula.pixmap()
    panel_formula = window.steps.formula.pixmap()
    assert formula.width() / formula.devicePixelRatio() > 1.8 * panel_formula.width() / panel_formula.devicePixelRatio()
    window.toggle_presentation()  # F5 again leaves
    assert window.presentation is None


def test_presenting_while_training_shows_the_plots_large_and_keys_drive_training(make_window, qtbot):
    window = make_window(load_network(SPIRAL))
    window.layouts.switch("train")
    window.training.form.set_dataset("spiral")
    presentation = window.toggle_presentation(full_screen=False)
    presentation.resize(1280, 720)
    assert QTest.qWaitForWindowActive(presentation)
    plots = window.plots
    assert plots.window() is presentation and plots.height() >= 0.3 * presentation.height()
    assert not presentation.board.isVisible()
    clicker(presentation, Qt.Key.Key_Right)  # one epoch
    qtbot.waitUntil(lambda: window.training.history.last_epoch == 1 and not window.training.is_training,
                    timeout=10000)
    clicker(presentation, Qt.Key.Key_Space)  # play
    assert window.training.is_training
    qtbot.waitUntil(lambda: window.training.history.last_epoch >= 3, timeout=10000)
    clicker(presentation, Qt.Key.Key_Space)  # pause
    assert not window.training.is_training
    presentation._count()
    assert presentation.counter.text().startswith(f"epoch {window.training.history.last_epoch}")
    clicker(presentation, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.presentation is None)
    assert window.plots_dock.widget() is plots and plots.window() is window
