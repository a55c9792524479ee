"""Help that helps: Keyboard Shortcuts from the actions, The Math in the app, About, recent files."""
from __future__ import annotations

import importlib.metadata
import re

import pluggy
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton

from core.engine.network import Network
from core.io.network_file import save_network
from desktop_app import files as files_module
from desktop_app.help import math_path
from desktop_app.main_window import MainWindow
from desktop_app.settings import add_recent_file
from tests.conftest import ROOT

hookimpl = pluggy.HookimplMarker("backprop_studio")


@pytest.fixture
def make_window(qtbot, host, monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")

    def make(plugin_host=host) -> MainWindow:
        window = MainWindow(plugin_host, use_autosave=False, restore_layout=False)
        qtbot.addWidget(window)
        window.show()
        return window
    return make


def native(key: QKeySequence) -> str:
    return key.toString(QKeySequence.SequenceFormat.NativeText)


def menu_actions(window: MainWindow) -> list[QAction]:
    found, menus = [], [a.menu() for a in window.menuBar().actions() if a.menu()]
    while menus:
        for action in menus.pop().actions():
            if action.menu() is not None:
                menus.append(action.menu())
            elif action.shortcuts():
                found.append(action)
    return found


def test_keyboard_shortcuts_lists_every_key_the_actions_define(make_window):
    window = make_window()
    dialog = window.show_shortcuts()
    keys = {row[0] for row in dialog.rows}
    texts = {row[1] for row in dialog.rows}
    for action in menu_actions(window) + window.view.actions():
        assert ", ".join(native(k) for k in action.shortcuts()) in keys, action.text()
    for button in window.findChildren(QAbstractButton):
        if not button.shortcut().isEmpty():
            assert native(button.shortcut()) in keys
    assert {"F5", "F1", "Ctrl+1", "Ins, A", "G", "Del, Backspace"} <= keys
    assert {"Presentation Mode", "Add layer after", "Keyboard Shortcuts"} <= texts
    assert any(row[2] == "Presentation mode (F5)" and "Page Down" in row[0] for row in dialog.rows)
    dialog.close()
    window.actions_.zoom_fit.setShortcut(QKeySequence("Ctrl+Shift+9"))  # generated, not written down
    again = window.show_shortcuts()
    assert ("Ctrl+Shift+9", "Zoom to Fit", "View") in again.rows
    again.filter.setText("presentation")
    assert again.visible_rows() and all("resentation" in "".join(row) for row in again.visible_rows())


def test_no_two_window_shortcuts_share_a_key(make_window):
    window = make_window()
    owners: dict[str, str] = {}
    window_wide = [a for a in menu_actions(window) + window.actions_.toolbar.actions()
                   if a.shortcutContext() != Qt.ShortcutContext.WidgetWithChildrenShortcut]
    for action in dict.fromkeys(window_wide):
        for key in action.shortcuts():
            assert native(key) not in owners, f"{native(key)}: {owners.get(native(key))} and {action.text()}"
            owners[native(key)] = action.text()
    for button in window.findChildren(QAbstractButton):
        if not button.shortcut().isEmpty():
            assert native(button.shortcut()) not in owners, button.text()


def test_the_math_shows_the_projects_math_md_with_the_worked_example(make_window):
    window = make_window()
    assert math_path().resolve() == (ROOT / "docs" / "math.md").resolve()
    source = math_path().read_text(encoding="utf-8")
    example = source[source.index("## The worked example"):]
    numbers = re.findall(r"^\s{4}(∇?[a-zW]_\d\s*=\s*\[.*\])$", example, re.MULTILINE)
    assert len(numbers) >= 15  # every value of the worked example, forward and backward
    dialog = window.show_math()
    shown = dialog.text()
    assert "The mathematics Backprop Studio teaches" in shown and "The worked example" in shown
    for line in numbers:
        assert line.strip() in shown
    assert "∇h_2 = [-0.2843, 0.0355, -0.1066]" in shown


class Broken:
    @hookimpl
    def register_activations(self, register):
        raise RuntimeError("this plugin is broken on purpose")


def test_about_gives_the_version_and_the_plugin_count(make_window, host):
    host.add_plugin(Broken(), "broken-demo")
    window = make_window(host)
    box = window.show_about()
    text = box.text()
    assert importlib.metadata.version("backprop-studio") in text
    loaded = [r for r in host.records if r.state not in ("failed", "disabled")]
    assert f"{len(loaded)} plugins loaded" in text
    assert "1 failed to load" in text
    assert f"{len(host.registry.usable('activations'))} activations" in text
    box.close()


def test_the_start_screen_lists_recent_files_and_opens_one(make_window, tmp_path, qtbot):
    first, second = tmp_path / "xor-net.json", tmp_path / "<h1>big.json"
    save_network(Network([2, 5, 2], ["relu"], seed=1), first)
    save_network(Network([2, 3, 2], ["tanh"], seed=1), second)
    window = make_window()
    add_recent_file(first, window.settings)
    add_recent_file(second, window.settings)
    window.show_welcome()
    card = window.welcome
    assert [b.text() for b in card.recent_buttons] == ["<h1>big.json", "xor-net.json"]  # as plain text
    assert card.recent_box.isVisible()
    assert card.geometry().bottom() <= window.view.height()  # the card fits the canvas
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.view.rect().contains(card.geometry()))  # and stays on it
    qtbot.mouseClick(card.recent_buttons[1], Qt.MouseButton.LeftButton)
    assert window.document.network.sizes == [2, 5, 2]
    assert not card.isVisible()


def test_the_start_screen_without_recent_files_has_no_recent_column(make_window):
    window = make_window()
    window.show_welcome()
    assert window.welcome.recent_buttons == [] and not window.welcome.recent_box.isVisible()
    assert len(window.welcome.buttons) == 5
