"""Menus, toolbar and keyboard shortcuts of the main window."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSizePolicy, QStyle, QToolBar, QWidget

from core.io.resources import example_files

if TYPE_CHECKING:
    from .main_window import MainWindow

Key = QKeySequence.StandardKey


def _action(window: MainWindow, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcuts(QKeySequence.keyBindings(shortcut) if isinstance(shortcut, Key)
                            else [QKeySequence(shortcut)])
    if icon is not None:
        action.setIcon(window.style().standardIcon(icon))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(lambda checked=False: slot())
    return action


def build_actions(window: MainWindow) -> SimpleNamespace:
    """Create the menu bar and the toolbar; returns the actions by name."""
    files, SP = window.files, QStyle.StandardPixmap
    a = SimpleNamespace()
    a.new = _action(window, "&New", files.new, Key.New, SP.SP_FileIcon, "Start a new 2-4-2 network")
    a.open = _action(window, "&Open…", files.open, Key.Open, SP.SP_DialogOpenButton, "Open a network file")
    a.save = _action(window, "&Save", files.save, Key.Save, SP.SP_DialogSaveButton, "Save the network")
    a.save_as = _action(window, "Save &As…", files.save_as, Key.SaveAs, tip="Save under a new name")
    a.export = _action(window, "&Export Image…", files.export_image, "Ctrl+E",
                       tip="Export the canvas as PNG or SVG")
    a.quit = _action(window, "&Quit", window.close, Key.Quit)
    a.undo = window.undo_group.createUndoAction(window, "&Undo")
    a.undo.setShortcuts(QKeySequence.keyBindings(Key.Undo))
    a.undo.setIcon(window.style().standardIcon(SP.SP_ArrowBack))
    a.redo = window.undo_group.createRedoAction(window, "&Redo")
    a.redo.setShortcuts(QKeySequence.keyBindings(Key.Redo))
    a.redo.setIcon(window.style().standardIcon(SP.SP_ArrowForward))
    a.zoom_fit = _action(window, "Zoom to &Fit", lambda: window.view.zoom_to_fit(), "Ctrl+0",
                         tip="Fit the whole network into the canvas")
    a.zoom_in = _action(window, "Zoom &In", lambda: window.zoom(1.25), Key.ZoomIn)
    a.zoom_out = _action(window, "Zoom &Out", lambda: window.zoom(0.8), Key.ZoomOut)
    a.preferences = _action(window, "&Preferences…", window.show_preferences, "Ctrl+,",
                            tip="Colours (a colour-blind safe scheme) and other settings")
    a.present = _action(window, "&Presentation Mode", window.toggle_presentation, "F5",
                        SP.SP_DesktopIcon, "Full screen: the network and the formula, large; → ← step, Esc leaves")
    a.present.setIconText("Present")
    a.about = _action(window, "&About Backprop Studio", window.show_about)
    a.shortcuts = _action(window, "&Keyboard Shortcuts", window.show_shortcuts, "F1",
                          tip="Every key of the app, what it does and where")
    a.math = _action(window, "The &Math", window.show_math,
                     tip="The notation, the order of the steps and the worked example with every number")
    a.worked_example = _action(window, "Open the &Worked Example", window.open_worked_example, "Ctrl+Shift+E",
                               tip="The textbook network of the notes, ready to step through")
    a.plugin_manager = _action(window, "&Manage Plugins…", lambda: window.plugins.open_manager(),
                               tip="Every plugin, its state and what it adds; install and remove plugins")
    a.paths = _action(window, "Every &Path of the Selected Weight…", window.show_weight_paths, "Ctrl+P",
                      tip="The chain rule along every path from the selected weight to the loss")

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a.new, a.open])
    file_menu.addAction(a.worked_example)
    a.recent_menu = file_menu.addMenu("Open &Recent")
    a.examples_menu = file_menu.addMenu("Open E&xample")
    for path in example_files():
        title = path.stem.replace("-", " ").replace("_", " ").capitalize()
        a.examples_menu.addAction(title, partial(files.open_example, path))
    file_menu.addSeparator()
    file_menu.addActions([a.save, a.save_as])
    file_menu.addSeparator()
    file_menu.addAction(a.export)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([a.undo, a.redo])
    edit_menu.addSeparator()
    edit_menu.addAction(a.preferences)
    a.view_menu = bar.addMenu("&View")
    a.view_menu.addActions([a.zoom_fit, a.zoom_in, a.zoom_out])
    a.view_menu.addSeparator()
    a.view_menu.addAction(a.present)
    a.layout_menu = a.view_menu.addMenu("&Layout")
    a.layout_menu.addActions(list(window.layouts.actions.values()))
    a.layout_menu.addSeparator()
    a.layout_menu.addAction(window.layouts.reset_action)
    a.view_menu.addSeparator()
    for dock in window.docks():
        a.view_menu.addAction(dock.toggleViewAction())
    step_menu = bar.addMenu("&Step")
    steps = window.steps
    for text, slot, key in (("Step &Forward", steps.step_forward, "Ctrl+Right"),
                            ("Step &Back", steps.step_back, "Ctrl+Left"),
                            ("&Play / Pause", steps.toggle_play, "Ctrl+Space"),
                            ("Jump to &Start", steps.to_start, "Ctrl+Home"),
                            ("Jump to &End", steps.to_end, "Ctrl+End")):
        step_menu.addAction(_action(window, text, slot, key))
    step_menu.addSeparator()
    step_menu.addAction(a.paths)
    plugins_menu = bar.addMenu("&Plugins")
    plugins_menu.addAction(a.plugin_manager)
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([a.shortcuts, a.math])
    help_menu.addSeparator()
    help_menu.addAction(a.about)

    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addActions([a.new, a.open, a.save])
    toolbar.addSeparator()
    toolbar.addActions([a.undo, a.redo])
    toolbar.addSeparator()
    toolbar.addAction(a.zoom_fit)
    spacer = QWidget(toolbar)
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)
    toolbar.addActions(list(window.layouts.actions.values()))  # the task layouts, at the right
    toolbar.addSeparator()
    toolbar.addAction(a.present)
    window.addToolBar(toolbar)
    a.toolbar = toolbar
    update_recent_menu(window, a.recent_menu, window.files.recent())
    window.files.recent_changed.connect(lambda paths: update_recent_menu(window, a.recent_menu, paths))
    return a


def update_recent_menu(window: MainWindow, menu: QMenu, paths: list[str]) -> None:
    """Fill File ▸ Open Recent with ``paths`` (Ctrl+1 … for the first nine)."""
    menu.clear()
    for number, path in enumerate(paths, start=1):
        label = f"&{number} {Path(path).name}" if number < 10 else Path(path).name
        action = menu.addAction(label, partial(window.files.open_path, path))
        action.setStatusTip(path)
    menu.setEnabled(bool(paths))
