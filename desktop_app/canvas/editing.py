"""SceneEditing: what the user does to the drawn network, turned into undo commands.

The − / + and × buttons, the layer context menu and the keys (both the actions of
:mod:`.layer_actions`), clicking to select and dragging a hidden layer's header to reorder.
It never changes the model itself: every edit is a command pushed on the document's undo
stack, and the scene follows the model's events.
It watches the scene's mouse and key events through an event filter, so the scene
(:mod:`.scene`) stays a drawing.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QTransform, QUndoCommand
from PySide6.QtWidgets import QGraphicsSceneContextMenuEvent, QGraphicsSceneMouseEvent, QInputDialog, QMenu

from core.engine.network import MAX_WIDTH, size_problem

from ..commands import MoveLayer, RemoveLayer, SetWidth
from .edges import EdgeItem
from .items import ButtonItem, LayerItem
from .layer_actions import LayerActions
from .layout import move_target
from .scene import NetworkScene


class SceneEditing(QObject):
    """Edits of ``scene``'s network through undo commands.

    Signals
    -------
    edit_failed(str)
        An edit the model refuses (e.g. width below 1), with the reason.
    """

    edit_failed = Signal(str)

    def __init__(self, scene: NetworkScene) -> None:
        super().__init__(scene)
        self.scene = scene
        self._reorder: dict | None = None
        self._menu: QMenu | None = None
        scene.width_step_requested.connect(self.change_width)
        scene.delete_requested.connect(self.delete_layer)
        scene.installEventFilter(self)
        self.actions = LayerActions(self)  # the keys and the context menu

    @property
    def network(self):
        return self.scene.network

    def push(self, command: QUndoCommand) -> None:
        """Push an edit on the Document's undo stack (the only way the canvas edits)."""
        self.scene.document.undo_stack.push(command)

    # -- edits ---------------------------------------------------------------------------
    def change_width(self, k: int, delta: int) -> None:
        self.set_layer_width(k, self.network.layers[k].width + delta)

    def set_layer_width(self, k: int, width: int) -> None:
        if not 1 <= width <= MAX_WIDTH:
            self.edit_failed.emit(f"A layer has between 1 and {MAX_WIDTH} units")
            return
        problem = size_problem(self.network.sizes[:k] + [width] + self.network.sizes[k + 1:])
        if problem is not None:  # checked before the command allocates anything
            self.edit_failed.emit(problem[:1].upper() + problem[1:])
            return
        if width != self.network.layers[k].width:
            self.push(SetWidth(self.network, k, width))

    def delete_layer(self, k: int) -> None:
        if not 0 < k < self.network.depth:
            self.edit_failed.emit("Only hidden layers can be deleted")
            return
        self.push(RemoveLayer(self.network, k))

    def move_layer(self, k: int, new: int) -> None:
        if not (0 < k < self.network.depth and 0 < new < self.network.depth):
            self.edit_failed.emit("Hidden layers move only between the input and the output layer")
            return
        if new != k:
            self.push(MoveLayer(self.network, k, new))

    def layer_menu(self, k: int) -> QMenu:
        """Layer k selected, and its context menu (the actions of :mod:`.layer_actions`)."""
        return self.actions.menu(k)

    def ask_width(self, k: int) -> None:
        """Ask for the width of layer k (a dialog) and set it."""
        views = self.scene.views()
        width, ok = QInputDialog.getInt(views[0] if views else None, "Layer width", f"Units in layer {k}:",
                                        self.network.layers[k].width, 1, MAX_WIDTH)
        if ok:
            self.set_layer_width(k, width)

    # -- the scene's mouse and key events -------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.scene:
            return False
        kind = event.type()
        if kind == QEvent.Type.GraphicsSceneMousePress:
            return self._press(event)
        if kind == QEvent.Type.GraphicsSceneMouseMove:
            return self._move(event)
        if kind == QEvent.Type.GraphicsSceneMouseRelease:
            return self._release(event)
        if kind == QEvent.Type.GraphicsSceneContextMenu:
            return self._context_menu(event)
        if kind == QEvent.Type.KeyPress:  # an edit's key the shortcuts did not take (a disabled one)
            return self.actions.handle_key(event)
        return False

    def _press(self, event: QGraphicsSceneMouseEvent) -> bool:
        if isinstance(self.scene.itemAt(event.scenePos(), QTransform()), ButtonItem):
            return False  # the button handles its own click
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return True
        item = self.scene.item_near(event.scenePos())
        self.scene.select(item.selection() if item is not None else None)
        if isinstance(item, LayerItem) and item.hidden and item.in_header(event.scenePos()):
            self._reorder = {"k": item.k, "x": event.scenePos().x(), "active": False}
        event.accept()
        return True

    def _move(self, event: QGraphicsSceneMouseEvent) -> bool:
        drag = self._reorder
        if drag is None:
            return False
        x = event.scenePos().x()
        if not drag["active"] and abs(x - drag["x"]) < 8:
            return True
        drag["active"] = True
        target = move_target(self.scene.layout, x)
        self.scene.show_feedback(target, "accept", self.scene.layout[target].x)
        return True

    def _release(self, event: QGraphicsSceneMouseEvent) -> bool:
        drag, self._reorder = self._reorder, None
        if drag is None:
            return False
        self.scene.show_feedback()
        if drag["active"]:
            self.move_layer(drag["k"], move_target(self.scene.layout, event.scenePos().x()))
        return True

    def _context_menu(self, event: QGraphicsSceneContextMenuEvent) -> bool:
        item = self.scene.item_near(event.scenePos())
        if item is None or isinstance(item, EdgeItem):
            return True
        self._menu = self.layer_menu(item.selection().layer)  # keep a reference while it is open
        self._menu.exec(event.screenPos())
        return True
