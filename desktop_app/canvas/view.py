"""NetworkView: the QGraphicsView of the canvas, with zoom, pan, drops, keys and image export.

The view fits the whole network into itself (on open, resize, insert, undo and redo)
until the user zooms or pans by hand; Zoom to Fit (Ctrl+0) turns fitting back on.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QKeyEvent, QPainter, QTransform
from PySide6.QtWidgets import QFrame, QGraphicsView

from .. import colours
from ..mime import item_id_from_mime, parse_item_id
from ..plain_text import plain_label
from .drops import DropPlan, plan_drop
from .editing import SceneEditing
from .export import export_scene
from .items import ButtonItem, LayerItem
from .layout import insertion_x
from .scene import NetworkScene
from .selection import Selection
from .step_overlay import StepOverlay, legend

MESSAGE_MS = 2200
MIN_SCALE, MAX_SCALE = 0.1, 4.0
FIT_MARGIN = 16  # pixels around the network when it is fitted
MAX_FIT_SCALE = 1.25  # zoom to fit never magnifies more than this
NAVIGATION = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Escape)


def layers_rect(scene: NetworkScene) -> QRectF:
    """The scene rectangle the layer boxes of ``scene`` cover (empty without layers)."""
    rect = QRectF()
    for item in scene.layer_items:
        rect = rect.united(item.sceneBoundingRect())
    return rect


class NetworkView(QGraphicsView):
    """The canvas widget showing a Document's network.

    Parameters
    ----------
    state : AppState or Document
        The open network (the view follows ``state`` when another one is opened).
    parent : QWidget, optional

    Signals
    -------
    selection_changed(object)
        A :class:`~desktop_app.canvas.Selection`, or None.
    drop_refused(str)
        A drop (or a drag hovering a place) that makes no sense, with the reason.
    """

    selection_changed = Signal(object)
    drop_refused = Signal(str)

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.scene_ = NetworkScene(state, self)  # a Python reference keeps the scene alive
        self.setScene(self.scene_)
        self.editing = SceneEditing(self.scene_)
        self.step_overlay = StepOverlay(self.scene_)
        self.scene_.selection_changed.connect(self.selection_changed)
        self.editing.edit_failed.connect(self.show_message)
        self.scene_.state.document_changed.connect(self._follow)
        self.auto_fit = True  # fit the network on resize and structural edits, until zoomed by hand
        self.max_fit_scale = MAX_FIT_SCALE
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self._fit_if_auto)
        self._anchor: tuple[int, str, QPoint] | None = None  # a − / + button just clicked: keep it put
        self._fit_on_leave = False  # the anchored fit did not magnify: fit when the pointer leaves
        self._watch(self.scene_.document)
        self.addActions(self.editing.actions.all())  # the keys work while the canvas has focus
        colours.notifier().changed.connect(self._restyle)
        self.scene_.selection_changed.connect(lambda selection: self._describe())
        self.last_activation = "tanh"
        self._drag_message = ""
        self._pan_from: QPoint | None = None
        self.setAcceptDrops(True)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # pan by dragging the background or with the middle button, as in Orange
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._overlay = plain_label(parent=self.viewport())  # messages quote dropped names
        self._overlay.setStyleSheet(
            "QLabel { background: rgba(211, 47, 47, 225); color: white; padding: 6px 12px;"
            " border-radius: 6px; font-weight: bold; }")
        self._overlay.hide()
        self.legend = legend(self)  # shown while stepping; a child of the view: scrolling leaves it put
        self.legend.hide()
        self._message = ""
        self._message_timer = QTimer(self, singleShot=True, interval=MESSAGE_MS)
        self._message_timer.timeout.connect(self._hide_message)
        self.setAccessibleName("Network canvas")
        self._describe()

    # -- public interface ---------------------------------------------------------------
    @property
    def document(self):
        return self.scene_.document

    def _follow(self, document) -> None:
        """Another network was opened: no step shown, the whole network in view."""
        self.step_overlay.clear()
        self._watch(document)
        self._describe()
        self.zoom_to_fit()

    def _watch(self, document) -> None:
        document.structure_changed.connect(self._structure_changed)

    def _structure_changed(self) -> None:
        self._make_scroll_room()
        self.schedule_fit()
        self._describe()

    def _describe(self) -> None:
        """What a screen reader says about the canvas: the layers and what is selected."""
        titles = ", ".join(self.scene_.layer_titles())
        selection = self.scene_.selection
        chosen = f"; selected: {selection.label()}" if selection is not None else ""
        self.setAccessibleDescription(f"{'-'.join(map(str, self.scene_.network.sizes))} network: {titles}{chosen}")

    def _restyle(self, scheme=None) -> None:
        """Another colour scheme: every item repaints (cached pictures too) in the new colours."""
        self.scene_.marker.restyle()
        shown = self.legend.isVisible()
        self.legend.deleteLater()
        self.legend = legend(self)
        self.legend.move(8, 8)
        self.legend.setVisible(shown)
        for item in self.scene_.items():
            if hasattr(item, "set_highlighted") and getattr(item, "highlighted", False):
                item.set_highlighted(True)
            item.update()
        self.refresh_values()

    def refresh_values(self) -> None:
        """Restyle edges and neurons from the document's current network and trace."""
        self.scene_.refresh_values()
        if self.step_overlay.active:
            self.step_overlay.show(self.step_overlay.view)

    def show_step(self, step_view) -> None:
        """Highlight what an animation step reads and writes (None: back to normal)."""
        self.step_overlay.show(step_view)
        if step_view is not None:
            self.legend.adjustSize()
            self.legend.move(self.viewport().geometry().topLeft() + QPoint(8, 8))
            self.legend.raise_()
        if self.legend.isVisible() != (step_view is not None):
            self.legend.setVisible(step_view is not None)
            self.schedule_fit()  # room for the legend, or not

    def network_rect(self) -> QRectF:
        """The scene rectangle of every layer box (neurons and edges lie inside or between them)."""
        rect = layers_rect(self.scene_)
        return rect if not rect.isEmpty() else self.scene_.itemsBoundingRect()

    def zoom_to_fit(self) -> None:
        """Fit the whole network into the view (never magnified beyond ``max_fit_scale``) and
        keep fitting it on resize and structural edits. The step legend's strip at the top is
        kept free."""
        self.auto_fit = True
        self._fit_on_leave = False
        scale, top = self._fit_scale()
        if scale is None:
            return
        self.setTransform(QTransform.fromScale(scale, scale))
        self._make_scroll_room()
        self.centerOn(self.network_rect().center() - QPointF(0, top / 2 / scale))

    def _fit_scale(self) -> tuple[float | None, int]:
        """The scale at which the network fits (None if it cannot), and the legend's strip."""
        rect = self.network_rect()
        viewport = self.viewport().rect()
        top = self.legend.height() + 8 if self.legend.isVisible() else 0
        room_w = viewport.width() - 2 * FIT_MARGIN
        room_h = viewport.height() - 2 * FIT_MARGIN - top
        if rect.isEmpty() or room_w <= 0 or room_h <= 0:
            return None, top
        return min(room_w / rect.width(), room_h / rect.height(), self.max_fit_scale), top

    def _fit_keeping_button(self, k: int, label: str, where: QPoint) -> None:
        """After a click on layer k's − or + button: the button stays under the pointer (the
        next click lands on it too) and the view shrinks about it as far as the network needs
        to stay in view; it is fitted fully once the pointer leaves the canvas."""
        layers = self.scene_.layer_items
        button = getattr(layers[k], "plus" if label == "+" else "minus", None) if k < len(layers) else None
        fit, top = self._fit_scale()
        if button is None or fit is None:
            self.zoom_to_fit()
            return
        b, rect, room = button.sceneBoundingRect().center(), self.network_rect(), self.viewport().rect()
        limits = [self.transform().m11(), fit]  # never magnified between clicks
        # each side of the network inside the canvas, with the button's centre fixed at ``where``
        for scene_gap, view_gap in ((b.x() - rect.left(), where.x() - FIT_MARGIN),
                                    (rect.right() - b.x(), room.width() - FIT_MARGIN - where.x()),
                                    (b.y() - rect.top(), where.y() - FIT_MARGIN - top),
                                    (rect.bottom() - b.y(), room.height() - FIT_MARGIN - where.y())):
            if scene_gap > 0:
                limits.append(view_gap / scene_gap)
        scale = min(limits)
        if scale < fit / 2:  # the button is too near an edge to keep it put: fit as usual
            self.zoom_to_fit()
            return
        self.setTransform(QTransform.fromScale(scale, scale))
        self._make_scroll_room()
        offset = QPointF(room.center() - where) / scale
        self.centerOn(b + offset)  # the button's centre at ``where``
        self._fit_on_leave = scale < fit

    def _make_scroll_room(self) -> None:
        """Let the view scroll a whole viewport beyond the network on every side (so a fit can
        put any part of it anywhere, and a drag can pan it out of the way)."""
        scale = self.transform().m11()
        margin_x, margin_y = self.viewport().width() / scale, self.viewport().height() / scale
        self.setSceneRect(self.network_rect().adjusted(-margin_x, -margin_y, margin_x, margin_y))

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        if self._fit_on_leave and self.auto_fit:
            self.zoom_to_fit()

    def schedule_fit(self) -> None:
        """Fit once the events in flight are handled (several resizes make one fit)."""
        if self.auto_fit:
            self._fit_timer.start()

    def _fit_if_auto(self) -> None:
        anchor, self._anchor = self._anchor, None
        if not self.auto_fit:
            return
        if anchor is not None:
            self._fit_keeping_button(*anchor)
        else:
            self.zoom_to_fit()

    def network_visible(self) -> bool:
        """Whether every layer box lies inside the visible part of the canvas."""
        visible = QRectF(self.viewport().rect())
        return all(visible.contains(self.mapFromScene(item.sceneBoundingRect()).boundingRect().toRectF())
                   for item in self.scene_.layer_items)

    def zoom(self, factor: float) -> None:
        """Scale the view by ``factor``, kept within [MIN_SCALE, MAX_SCALE]; the user's zoom
        stops the automatic fitting."""
        self.auto_fit = False
        scale = self.transform().m11()
        factor = max(MIN_SCALE / scale, min(MAX_SCALE / scale, factor))
        self.scale(factor, factor)
        self._make_scroll_room()

    def export_image(self, path: str | Path) -> None:
        """Write the whole network to ``path``: SVG when it ends in .svg, else a PNG (2×)."""
        self.scene_.show_feedback()
        export_scene(self.scene_, Path(path))

    # -- messages -----------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Show ``text`` over the canvas for about two seconds."""
        self._message = text
        self._overlay.setText(text)
        self._overlay.adjustSize()
        self._place_overlay()
        self._overlay.show()
        self._overlay.raise_()
        self._message_timer.start()

    def message(self) -> str:
        """The message shown over the canvas right now ('' when none)."""
        return self._message

    def _hide_message(self) -> None:
        self._message = ""
        self._overlay.hide()

    def _place_overlay(self) -> None:
        vp = self.viewport()
        self._overlay.move(max(8, (vp.width() - self._overlay.width()) // 2),
                           max(8, vp.height() - self._overlay.height() - 16))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_overlay()
        self.schedule_fit()

    # -- drag and drop ------------------------------------------------------------------
    def _plan(self, event, item_id: str) -> DropPlan:
        pos = self.mapToScene(event.position().toPoint())
        scene = self.scene_
        return plan_drop(scene.network, scene.document.registry, scene.layout, item_id,
                         pos.x(), pos.y(), self.last_activation)

    def _feedback(self, plan: DropPlan | None) -> None:
        if plan is None:
            self.scene_.show_feedback()
            return
        marker = insertion_x(self.scene_.layout, plan.insert_index) if plan.insert_index else None
        self.scene_.show_feedback(plan.target_layer, "accept" if plan.accepted else "refuse", marker)

    def dragEnterEvent(self, event) -> None:
        item_id = item_id_from_mime(event.mimeData())
        if item_id is None:
            event.ignore()
            return
        self._drag_message = ""
        self._drag_feedback(event, item_id)
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()  # our item: follow the drag, refuse per place in dragMoveEvent

    def dragMoveEvent(self, event) -> None:
        item_id = item_id_from_mime(event.mimeData())
        if item_id is None:
            event.ignore()
            return
        self._drag_feedback(event, item_id)

    def _drag_feedback(self, event, item_id: str) -> None:
        plan = self._plan(event, item_id)
        self._feedback(plan)
        if plan.accepted:
            self._drag_message = ""
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            return
        event.ignore()
        if plan.message != self._drag_message:  # say it once per place, not per mouse move
            self._drag_message = plan.message
            self.show_message(plan.message)
            self.drop_refused.emit(plan.message)

    def dragLeaveEvent(self, event) -> None:
        self._feedback(None)
        self._drag_message = ""
        event.accept()

    def dropEvent(self, event) -> None:
        item_id = item_id_from_mime(event.mimeData())
        self._feedback(None)
        self._drag_message = ""
        if item_id is None:
            event.ignore()
            return
        plan = self._plan(event, item_id)
        if not plan.accepted:
            event.ignore()
            self.show_message(plan.message)
            self.drop_refused.emit(plan.message)
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self._hide_message()  # an earlier refusal is no longer true
        kind, name = parse_item_id(item_id)
        if kind == "activation":
            self.last_activation = name
        if plan.make_command is not None:
            self.editing.push(plan.make_command())
        self.setFocus()

    # -- zoom and pan -------------------------------------------------------------------
    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 ** (event.angleDelta().y() / 120))
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event) -> None:
        pan = event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton
            and self.scene_.item_near(self.mapToScene(event.position().toPoint())) is None
            and self.itemAt(event.position().toPoint()) is None)
        if pan:
            if event.button() == Qt.MouseButton.LeftButton:
                self.scene_.select(None)
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            pos = event.position().toPoint()
            delta = pos - self._pan_from
            self._pan_from = pos
            self.auto_fit = False
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        pos = event.position().toPoint()
        item = self.itemAt(pos)
        if isinstance(item, ButtonItem) and item.label in ("+", "−") and isinstance(item.parentItem(), LayerItem):
            self._anchor = (item.parentItem().k, item.label, pos)  # the fit after this click keeps it put
        super().mouseReleaseEvent(event)
        if not self._fit_timer.isActive():
            self._anchor = None  # the click changed nothing (e.g. refused)

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    # -- the keyboard -------------------------------------------------------------------
    def _layer(self) -> int | None:
        return self.editing.actions.layer()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._navigates(event):
            event.accept()  # ← → Esc move the selection here, rather than stepping the pass
            return True
        return super().event(event)

    def _navigates(self, event: QKeyEvent) -> bool:
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        return plain and event.key() in NAVIGATION and self._layer() is not None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        k = self._layer()
        if self._navigates(event) and k is not None:
            if event.key() == Qt.Key.Key_Escape:
                self.scene_.select(None)
            else:
                step = -1 if event.key() == Qt.Key.Key_Left else 1
                self.scene_.select(Selection("layer", min(max(k + step, 0), self.scene_.network.depth)))
            event.accept()
            return
        super().keyPressEvent(event)  # the scene: edits whose shortcut did not fire (see layer_actions)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        tabbed = event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        if tabbed and self.scene_.selection is None:
            self.scene_.select(Selection("layer", 1 if self.scene_.network.depth > 1 else 0))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() != QContextMenuEvent.Reason.Keyboard:
            super().contextMenuEvent(event)
            return
        k = self._layer()
        if k is None:
            k = 1 if self.scene_.network.depth > 1 else 0
        menu = self.editing.layer_menu(k)
        menu.popup(self.editing.actions.menu_position(k))
        event.accept()
