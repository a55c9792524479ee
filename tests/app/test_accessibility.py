"""Screen readers and the keyboard: every control has an accessible name, Tab goes in reading order."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from core.io.network_file import example_arrays
from desktop_app import files as files_module
from desktop_app.canvas.selection import Selection
from desktop_app.focus import CONTROLS, accessible_name, empty, regions
from desktop_app.main_window import MainWindow


@pytest.fixture
def window(qtbot, host, monkeypatch, textbook):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    network, extras = textbook
    window = MainWindow(host, network.copy(), None, example_arrays(extras), use_autosave=False,
                        restore_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    QTest.qWaitForWindowActive(window)
    return window


def unnamed(root: QWidget) -> list[str]:
    return [f"{type(w).__name__} {w.toolTip()!r}" for w in root.findChildren(QWidget)
            if isinstance(w, CONTROLS) and w.isVisible() and not w.objectName().startswith("qt_") and not empty(w)
            and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not accessible_name(w)]


@pytest.mark.parametrize("layout", ["build", "step", "train"])
def test_every_control_has_an_accessible_name(window, layout):
    window.layouts.switch(layout)
    window.view.scene_.select(Selection("weight", 2, 0, 1))  # the inspector's weight page too
    QApplication.processEvents()
    assert unnamed(window) == []
    assert accessible_name(window.view) == "Network canvas"
    assert "3-3-3-2 network" in window.view.accessibleDescription()
    selection = window.view.scene_.selection
    assert window.view.accessibleDescription().endswith(f"selected: {selection.label()}")


def test_dialogs_and_the_presentation_name_their_controls(window):
    for dialog in (window.show_preferences(), window.show_shortcuts(), window.show_math()):
        QApplication.processEvents()
        assert unnamed(dialog) == [], dialog.windowTitle()
        dialog.close()
    presentation = window.toggle_presentation(full_screen=False)
    QApplication.processEvents()
    assert unnamed(presentation) == []
    assert accessible_name(presentation.counter) and accessible_name(presentation.board.numbers)
    presentation.close()


def region_of(window: MainWindow, widget: QWidget) -> int:
    order = regions(window)
    return next(n for n, region in enumerate(order) if region is widget or region.isAncestorOf(widget))


@pytest.mark.parametrize("layout", ["build", "step", "train"])
def test_tab_goes_in_reading_order_and_reaches_every_control(window, layout):
    window.layouts.switch(layout)
    window.view.scene_.select(Selection("neuron", 1, 0))
    QApplication.processEvents()
    first = regions(window)[0]
    start = next(w for w in [first, *first.findChildren(QWidget)] if w.focusPolicy() & Qt.FocusPolicy.TabFocus
                 and w.isVisible() and w.focusProxy() is None)
    start.setFocus(Qt.FocusReason.OtherFocusReason)
    visited = [QApplication.focusWidget()]
    for _ in range(200):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is visited[0]:
            break
        visited.append(QApplication.focusWidget())
    else:
        pytest.fail("Tab never came back to where it started")
    areas = [region_of(window, w) for w in visited]
    assert areas == sorted(areas), "Tab jumps back and forth between the panels"
    assert window.view in visited
    expected = {region_of(window, w) for w in visited}
    assert expected == set(range(len(regions(window))))  # every shown panel is reached
    if layout == "train":
        assert window.training.controls.play_button in visited and window.training.form.dataset in visited
    if layout == "step":
        assert window.steps.forward_button in visited
