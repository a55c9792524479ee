"""A network built without a mouse: Tab into the canvas, arrows, and the edit keys and menus."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog

from desktop_app import files as files_module
from desktop_app.canvas.selection import Selection
from desktop_app.main_window import MainWindow


@pytest.fixture
def window(qtbot, host, monkeypatch):
    monkeypatch.setattr(files_module, "ask_save_changes", lambda parent, name: "discard")
    window = MainWindow(host, use_autosave=False, restore_layout=False)
    qtbot.addWidget(window)
    window.show()
    QTest.qWaitForWindowActive(window)
    return window


def tab_into_canvas(window: MainWindow) -> None:
    window.view.clearFocus()
    window.view.setFocus(Qt.FocusReason.TabFocusReason)


def press(widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifier)


def test_build_a_network_with_keys_only(window, monkeypatch):
    view, network = window.view, window.document.network
    assert network.sizes == [2, 4, 2]
    tab_into_canvas(window)
    assert view.scene_.selection == Selection("layer", 1)  # Tab gives the canvas something to act on
    press(view, Qt.Key.Key_A)  # add a layer after the selected one
    assert network.sizes == [2, 4, 4, 2]
    assert view.scene_.selection == Selection("layer", 2)  # the new layer, ready for the next key
    press(view, Qt.Key.Key_Plus)
    press(view, Qt.Key.Key_Equal)  # + without Shift
    press(view, Qt.Key.Key_Minus)
    assert network.sizes == [2, 4, 5, 2]
    press(view, Qt.Key.Key_G)  # the activations, the current one active: ↓ ↓ Enter picks two further
    menu = view.editing.actions.activation_menu
    names = [a.text() for a in menu.actions()]
    assert menu.isVisible() and menu.activeAction().text() == "tanh"
    press(menu, Qt.Key.Key_Down)
    press(menu, Qt.Key.Key_Down)
    press(menu, Qt.Key.Key_Return)
    assert network.activations == ["tanh", names[names.index("tanh") + 2]]
    assert view.scene_.layer_titles()[2].endswith(network.activations[1])
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *args, **kwargs: (7, True)))
    press(view, Qt.Key.Key_W)  # type a width
    assert network.sizes == [2, 4, 7, 2]
    press(view, Qt.Key.Key_Left)  # to the first hidden layer, and delete it
    assert view.scene_.selection == Selection("layer", 1)
    press(view, Qt.Key.Key_Delete)
    assert network.sizes == [2, 7, 2]
    assert [command.text() for command in _commands(window)][-1] == "Delete hidden layer 1"
    stack = window.document.undo_stack
    while stack.canUndo():
        stack.undo()
    assert network.sizes == [2, 4, 2] and network.activations == ["tanh"]


def _commands(window):
    stack = window.document.undo_stack
    return [stack.command(i) for i in range(stack.count())]


def test_arrows_move_between_layers_and_esc_gives_them_back_to_the_step_player(window, qtbot):
    view = window.view
    window.steps_dock.show()
    window.steps_dock.raise_()
    tab_into_canvas(window)
    press(view, Qt.Key.Key_Right)
    press(view, Qt.Key.Key_Right)
    assert view.scene_.selection == Selection("layer", 2)
    press(view, Qt.Key.Key_Right)  # stays on the output layer
    assert view.scene_.selection == Selection("layer", 2)
    qtbot.wait(250)  # a button's shortcut clicks it after a short animation
    assert window.steps.player.position == 0  # the arrows moved the selection, not the pass
    press(view, Qt.Key.Key_Escape)
    assert view.scene_.selection is None
    press(view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.steps.player.position == 1)  # now → steps forward again


@pytest.mark.parametrize("k, key, message", [
    (0, Qt.Key.Key_Delete, "Only hidden layers can be deleted"),
    (2, Qt.Key.Key_A, "Nothing comes after the output layer"),
    (0, Qt.Key.Key_G, "The input layer has no activation"),
    (2, Qt.Key.Key_G, "output function comes from the loss"),
    (None, Qt.Key.Key_A, "Select a layer first"),
])
def test_a_key_that_cannot_apply_says_why(window, k, key, message):
    view, network = window.view, window.document.network
    view.setFocus()
    view.scene_.select(Selection("layer", k) if k is not None else None)
    press(view, key)
    assert message in view.message()
    assert network.sizes == [2, 4, 2] and window.document.undo_stack.count() == 0


def test_context_menu_from_the_keyboard_offers_every_edit_with_its_key(window):
    view, network = window.view, window.document.network
    tab_into_canvas(window)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(5, 5), view.mapToGlobal(QPoint(5, 5)))
    QApplication.sendEvent(view, event)  # the Menu key, or Shift+F10
    menu = view.editing.actions._menu
    assert menu is not None and menu.isVisible()
    entries = {a.text(): a for a in menu.actions() if a.text()}
    keys = {text: a.shortcut().toString() for text, a in entries.items() if not a.menu()}
    assert keys["Add layer after"] == "Ins" and keys["Delete layer"] == "Del"
    assert keys["Add a unit"] == "+" and keys["Set width…"] == "W"
    activation = entries["Activation"].menu()
    relu = next(a for a in activation.actions() if a.text() == "relu")
    relu.trigger()
    assert network.activations == ["relu"]
    entries["Add layer after"].trigger()
    assert network.sizes == [2, 4, 4, 2]
    menu.close()


def test_move_a_hidden_layer_with_alt_arrows(window):
    view, network = window.view, window.document.network
    view.setFocus()
    view.scene_.select(Selection("layer", 1))
    press(view, Qt.Key.Key_A)
    press(view, Qt.Key.Key_Plus)  # layer 2 now has 5 units
    press(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert network.sizes == [2, 5, 4, 2]
    assert view.scene_.selection == Selection("layer", 1)  # the moved layer stays selected


def test_the_output_layers_menu_offers_the_losses(window):
    view, network = window.view, window.document.network
    menu = view.editing.layer_menu(network.depth)
    entries = {a.text(): a for a in menu.actions() if a.text()}
    assert "Activation" not in entries and not entries["Delete layer"].isEnabled()
    losses = {a.text(): a for a in entries["Loss"].menu().actions()}
    assert losses["softmax_cross_entropy"].isChecked()
    losses["squared_error"].trigger()
    assert network.loss == "squared_error"
    assert view.scene_.layer_titles()[-1] == "Output · identity"
    window.document.undo_stack.undo()
    assert network.loss == "softmax_cross_entropy"
