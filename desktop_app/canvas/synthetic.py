"""Synthetic drag-and-drop on the canvas, as a person would do it (for tests and demos).

A real QDrag needs a window system; these helpers send the same QDragEnter / QDragMove /
QDrop events to the view's viewport that Qt delivers during a drag from the palette.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from ..mime import make_mime


def layer_point(view, k: int, *, header: bool = False) -> QPoint:
    """The viewport point over layer k's box (its middle, or its header)."""
    g = view.scene_.layout[k]
    y = g.top + 12 if header else (g.top + 70 + g.bottom) / 2
    return view.mapFromScene(QPointF(g.x, y))


def gap_point(view, index: int) -> QPoint:
    """The viewport point between layers index-1 and index (where an inserted layer goes)."""
    layers = view.scene_.layout
    return view.mapFromScene(QPointF((layers[index - 1].x + layers[index].x) / 2, 0))


def drag_and_drop(view, item_id: str, pos: QPoint, *, drop: bool = True) -> dict:
    """Drag ``item_id`` over ``pos`` (viewport coordinates) and drop it there.

    Returns whether each event was accepted: {"enter": …, "move": …, "drop": …}.
    """
    mime = make_mime(item_id)
    target = view.viewport()
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(target, enter)
    result = {"enter": enter.isAccepted()}
    move = QDragMoveEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(target, move)
    result["move"] = move.isAccepted()
    if drop:
        dropped = QDropEvent(QPointF(pos), actions, mime, buttons, mods)
        QApplication.sendEvent(target, dropped)
        result["drop"] = dropped.isAccepted()
    return result
