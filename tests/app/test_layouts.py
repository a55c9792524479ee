"""Task layouts: Build, Step through and Train from the toolbar, remembered, reset; the inspector
collapses while nothing is selected."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QApplication

from core.io.network_file import example_arrays
from desktop_app import files as files_module
from desktop_app.canvas.selection import Selection
from desktop_app.main_window import MainWindow
from desktop_app.settings import app_settings

DOCKS = ("palette", "inspector", "training", "plots", "steps")


@pytest.fixture
def make_window(qtbot, host, monkeypatch, textbook):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    network, extras = textbook

    def make(restore_layout: bool = False) -> MainWindow:
        window = MainWindow(host, network.copy(), None, example_arrays(extras), use_autosave=False,
                            restore_layout=restore_layout)
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        QApplication.processEvents()
        return window
    return make


def shown(window: MainWindow) -> set[str]:
    return {name for name in DOCKS if getattr(window, f"{name}_dock").isVisible()}


def toolbar_button(window: MainWindow, title: str):
    action = window.layouts.actions[{"Build": "build", "Step through": "step", "Train": "train"}[title]]
    assert action in window.actions_.toolbar.actions()
    return window.actions_.toolbar.widgetForAction(action)


def test_the_toolbar_switches_between_the_three_task_layouts(make_window, qtbot):
    window = make_window()
    assert shown(window) == {"palette"}  # Build, nothing selected: the inspector is collapsed
    qtbot.mouseClick(toolbar_button(window, "Step through"), Qt.MouseButton.LeftButton)
    assert shown(window) == {"steps"}
    QApplication.processEvents()
    assert window.steps_dock.height() >= 0.35 * window.height()  # the formula panel is large
    assert window.view.network_visible()
    qtbot.mouseClick(toolbar_button(window, "Train"), Qt.MouseButton.LeftButton)
    assert shown(window) == {"training", "plots"}
    assert window.layouts.actions["train"].isChecked()
    qtbot.mouseClick(toolbar_button(window, "Build"), Qt.MouseButton.LeftButton)
    assert shown(window) == {"palette"}


def test_the_inspector_collapses_while_nothing_is_selected(make_window):
    window = make_window()
    scene = window.view.scene_
    scene.select(Selection("neuron", 1, 0))
    assert "inspector" in shown(window)
    scene.select(None)
    assert "inspector" not in shown(window)
    window.inspector_dock.toggleViewAction().trigger()  # View ▸ Inspector: the user wants it
    scene.select(Selection("layer", 2))
    window.inspector_dock.close()  # its close button: the user does not want it
    scene.select(Selection("layer", 1))
    assert "inspector" not in shown(window)
    window.inspector_dock.toggleViewAction().trigger()
    assert "inspector" in shown(window)


def test_each_layout_is_remembered_as_the_user_left_it_and_reset_restores_it(make_window):
    window = make_window(restore_layout=True)
    layouts = window.layouts
    layouts.switch("train")
    window.plots_dock.close()  # rearranged by hand
    layouts.switch("build")
    assert shown(window) == {"palette"}
    layouts.switch("train")
    assert shown(window) == {"training"}  # as it was left
    layouts.reset()
    assert shown(window) == {"training", "plots"}
    window.plots_dock.close()
    window.close()
    again = make_window(restore_layout=True)  # the next start: the same layout, as it was left
    assert again.layouts.current == "train" and again.layouts.actions["train"].isChecked()
    assert shown(again) == {"training"}
    again.close()
    pristine = make_window(restore_layout=False)  # tests and screenshots: the defaults, whatever was saved
    assert pristine.layouts.current == "build" and shown(pristine) == {"palette"}
    pristine.layouts.switch("train")
    assert shown(pristine) == {"training", "plots"}


@pytest.mark.parametrize("key, value", [
    ("layouts/current", "no-such-layout"),
    ("layouts/current", 7),
    ("layouts/build/state", "not bytes"),
    ("layouts/build/state", QByteArray(b"\x00garbage")),
    ("window/geometry", ["a", "list"]),
    ("layouts/inspector_wanted", "maybe"),
])
def test_bad_layout_settings_give_the_default_layout(make_window, key, value):
    settings = app_settings()
    settings.setValue(key, value)
    settings.sync()
    window = make_window(restore_layout=True)
    assert window.layouts.current == "build"
    assert shown(window) == {"palette"}


def test_the_start_screen_choices_open_their_layout(make_window):
    window = make_window()
    window._welcome_chosen("textbook")
    assert window.layouts.current == "step" and "steps" in shown(window)
    window._welcome_chosen("spiral")
    assert window.layouts.current == "train" and {"training", "plots"} <= shown(window)
    window._welcome_chosen("new")
    assert window.layouts.current == "build"


def test_view_menu_offers_the_layouts_and_reset(make_window):
    window = make_window()
    menu = window.actions_.layout_menu
    texts = [a.text().replace("&", "") for a in menu.actions() if a.text()]
    assert texts == ["Build", "Step through", "Train", "Reset Layout"]
    assert [a.shortcut().toString() for a in window.layouts.actions.values()] == ["Ctrl+1", "Ctrl+2", "Ctrl+3"]
