"""Building a network without a mouse: the edits of the selected layer as QActions.

The same actions serve the keys (while the canvas has focus) and the layer's context
menu, so a shortcut shown in the menu is the one that works, and Help ▸ Keyboard
Shortcuts lists them from here. Adding a layer and setting an activation go through
:func:`~desktop_app.canvas.drops.plan_drop`, the decision a drop makes, so the keyboard
refuses exactly what a drop refuses, with the same words.

Arrow keys are not actions: they move the selection between layers only while the canvas
has focus and a layer is selected (elsewhere ← and → step through the pass); their help
lines are :data:`NAVIGATION_KEYS`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QMenu

from .drops import plan_drop
from .layout import insertion_x
from .selection import Selection

if TYPE_CHECKING:
    from .editing import SceneEditing

#: keys the canvas handles itself (not actions): (keys, what they do), for the help
NAVIGATION_KEYS = (
    ("Tab", "Into the canvas: selects a layer when nothing is selected"),
    ("← / →", "Select the previous / next layer (while a layer is selected)"),
    ("Esc", "Clear the selection (← and → step through the pass again)"),
    ("Menu / Shift+F10", "The selected layer's context menu"),
)

NO_LAYER = "Select a layer first: Tab into the canvas, then ← and → move between layers"


class LayerActions(QObject):
    """The edits of the selected layer, for ``editing``'s scene.

    Attributes
    ----------
    add_after, activation, wider, narrower, set_width, move_left, move_right, delete : QAction
        Add a hidden layer after the selected one, choose its activation, one unit more
        or less, type a width, move a hidden layer, delete it.
    """

    def __init__(self, editing: SceneEditing) -> None:
        super().__init__(editing)
        self.editing = editing
        self.scene = editing.scene
        self.activation_menu: QMenu | None = None
        self._menu: QMenu | None = None
        self._slots: dict[QAction, Callable[[], None]] = {}
        self.add_after = self._make("Add layer after", self.add_layer_after, ["Insert", "A"],
                                    "Insert a hidden layer after the selected layer")
        self.activation = self._make("Activation…", self.choose_activation, ["G"],
                                     "Choose the activation g of the selected hidden layer")
        self.wider = self._make("Add a unit", lambda: self._width_step(+1), ["+", "="],
                                "One unit more in the selected layer")
        self.narrower = self._make("Remove a unit", lambda: self._width_step(-1), ["-"],
                                   "One unit less in the selected layer")
        self.set_width = self._make("Set width…", self.ask_width, ["W"], "Type the width of the selected layer")
        self.move_left = self._make("Move left", lambda: self._move(-1), ["Alt+Left"],
                                    "Move the selected hidden layer one place to the left")
        self.move_right = self._make("Move right", lambda: self._move(+1), ["Alt+Right"],
                                     "Move the selected hidden layer one place to the right")
        self.delete = self._make("Delete layer", self.delete_layer, ["Delete", "Backspace"],
                                 "Delete the selected hidden layer")
        self.scene.selection_changed.connect(lambda selection: self.update_enabled())
        self.update_enabled()

    def _make(self, text: str, slot: Callable[[], None], keys: list[str], tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        self._slots[action] = slot
        return action

    def all(self) -> list[QAction]:
        return [self.add_after, self.activation, self.wider, self.narrower, self.set_width,
                self.move_left, self.move_right, self.delete]

    # -- what is selected --------------------------------------------------------------
    @property
    def network(self):
        return self.scene.network

    def layer(self) -> int | None:
        """The selected layer: a selected layer box, or the layer of a selected neuron or bias."""
        selection = self.scene.selection
        if selection is None or selection.kind not in ("layer", "neuron", "bias"):
            return None
        return selection.layer

    def update_enabled(self) -> None:
        """Enable what makes sense for the selected layer (a disabled key still explains itself)."""
        k, L = self.layer(), self.network.depth
        hidden = k is not None and 0 < k < L
        self.add_after.setEnabled(k is not None and k < L)
        self.activation.setEnabled(hidden)
        for action in (self.wider, self.narrower, self.set_width):
            action.setEnabled(k is not None)
        self.move_left.setEnabled(hidden and k > 1)
        self.move_right.setEnabled(hidden and k < L - 1)
        self.delete.setEnabled(hidden)

    def handle_key(self, event) -> bool:
        """Run the action whose key ``event`` is (True if one is): a disabled action's key
        reaches the scene instead of the shortcut, and the edit then says why it cannot."""
        pressed = QKeySequence(event.keyCombination())
        for action in self.all():
            if any(pressed.matches(key) == QKeySequence.SequenceMatch.ExactMatch for key in action.shortcuts()):
                self._slots[action]()
                event.accept()
                return True
        return False

    def _refuse(self, message: str) -> None:
        self.editing.edit_failed.emit(message)

    # -- the edits ---------------------------------------------------------------------
    def add_layer_after(self) -> None:
        """Insert a hidden layer right after the selected layer (what a drop in that gap does)."""
        k = self.layer()
        if k is None:
            return self._refuse(NO_LAYER)
        if k == self.network.depth:
            return self._refuse("Nothing comes after the output layer: select the input or a hidden layer")
        views = self.scene.views()
        activation = getattr(views[0], "last_activation", "tanh") if views else "tanh"
        plan = plan_drop(self.network, self.scene.document.registry, self.scene.layout, "layer:dense",
                         insertion_x(self.scene.layout, k + 1), 0.0, activation)
        if not plan.accepted or plan.make_command is None:
            return self._refuse(plan.message)
        self.editing.push(plan.make_command())
        self.scene.select(Selection("layer", k + 1))

    def set_activation(self, name: str) -> None:
        """Give the selected hidden layer the activation ``name`` (what dropping it there does)."""
        k = self.layer()
        if k is None:
            return self._refuse(NO_LAYER)
        if self._drop_on(k, f"activation:{name}"):
            views = self.scene.views()
            if views and hasattr(views[0], "last_activation"):
                views[0].last_activation = name

    def _drop_on(self, k: int, item_id: str) -> bool:
        """Do what dropping ``item_id`` in the middle of layer k does; True if it changed the network."""
        geometry = self.scene.layout[k]
        plan = plan_drop(self.network, self.scene.document.registry, self.scene.layout, item_id,
                         geometry.x, (geometry.top + geometry.bottom) / 2)
        if not plan.accepted:
            self._refuse(plan.message)
            return False
        if plan.make_command is None:  # it is so already
            return False
        self.editing.push(plan.make_command())
        return True

    def activation_choices(self, k: int) -> QMenu:
        """A menu of the usable activations, the current one of layer ``k`` checked."""
        menu = QMenu("Activation")
        current = self.network.layers[k].activation
        for name in self.scene.document.registry.usable("activations"):
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == current)
            action.triggered.connect(lambda checked=False, n=name: self.set_activation(n))
        return menu

    def choose_activation(self) -> QMenu | None:
        """Pop the list of activations up beside the selected hidden layer (arrows and Enter choose)."""
        k = self.layer()
        if k is None:
            self._refuse(NO_LAYER)
            return None
        if not 0 < k < self.network.depth:
            self.set_activation("tanh")  # refused with the words a drop there gets
            return None
        self.activation_menu = self.activation_choices(k)
        current = next((a for a in self.activation_menu.actions() if a.isChecked()), None)
        self.activation_menu.popup(self.menu_position(k), current)
        self.activation_menu.setActiveAction(current)  # ↑ ↓ move from the current one
        return self.activation_menu

    def _width_step(self, delta: int) -> None:
        k = self.layer()
        if k is None:
            return self._refuse(NO_LAYER)
        self.editing.change_width(k, delta)

    def ask_width(self) -> None:
        k = self.layer()
        if k is None:
            return self._refuse(NO_LAYER)
        self.editing.ask_width(k)

    def _move(self, delta: int) -> None:
        k = self.layer()
        if k is None:
            return self._refuse(NO_LAYER)
        stack = self.scene.document.undo_stack
        before = stack.index()
        self.editing.move_layer(k, k + delta)
        if stack.index() != before:  # moved: the layer stays selected at its new place
            self.scene.select(Selection("layer", k + delta))

    def delete_layer(self) -> None:
        k = self.layer()
        if k is None:
            return self._refuse(NO_LAYER)
        self.editing.delete_layer(k)

    # -- the context menu --------------------------------------------------------------
    def menu(self, k: int) -> QMenu:
        """Layer ``k`` selected, and its context menu: every action above, the activations or
        losses as a submenu."""
        self.scene.select(Selection("layer", k))
        menu = QMenu()
        menu.addAction(self.add_after)
        if 0 < k < self.network.depth:
            submenu = self.activation_choices(k)
            submenu.setParent(menu, submenu.windowFlags())
            menu.addMenu(submenu)
        elif k == self.network.depth:
            menu.addMenu(self._loss_choices(menu))
        menu.addSeparator()
        menu.addActions([self.wider, self.narrower, self.set_width])
        menu.addSeparator()
        menu.addActions([self.move_left, self.move_right])
        menu.addSeparator()
        menu.addAction(self.delete)
        self._menu = menu
        return menu

    def _loss_choices(self, parent: QMenu) -> QMenu:
        menu = QMenu("Loss", parent)
        for name in self.scene.document.registry.usable("losses"):
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == self.network.loss)
            action.triggered.connect(lambda checked=False, n=name: self._set_loss(n))
        return menu

    def _set_loss(self, name: str) -> None:
        self._drop_on(self.network.depth, f"loss:{name}")

    def menu_position(self, k: int) -> QPoint:
        """Where a menu for layer k opens: under its header, on the screen."""
        views = self.scene.views()
        if not views:
            return QCursor.pos()
        view = views[0]
        geometry = self.scene.layout[k]
        point = view.mapFromScene(QPointF(geometry.x, geometry.top + 30))
        return view.viewport().mapToGlobal(point)
