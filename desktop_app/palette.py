"""The palette: Dense layer, every usable activation and every loss, to drag onto the canvas.

Each entry carries a registry id (``layer:dense``, ``activation:tanh``, ``loss:…``) in a
QDrag under the custom MIME type of :mod:`desktop_app.mime`. Flagged plugin
contributions (a wrong derivative …) are never offered.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QDrag, QIcon, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.plugin_host.registry import Activation, Registry

from .animation.typeset import device_ratio
from .mime import make_mime
from .plain_text import tooltip

ID_ROLE = Qt.ItemDataRole.UserRole
ICON_SIZE = QSize(34, 22)


def _icon_pixmap() -> QPixmap:
    """An empty icon, ICON_SIZE on screen, with as many pixels as the screen has (sharp at 2×)."""
    ratio = device_ratio()
    pixmap = QPixmap(ICON_SIZE * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


def activation_icon(act: Activation) -> QIcon:
    """A tiny plot of g over [-4, 4] from the curve computed at load (empty when g failed).

    The plugin's g is never called here: a g that hangs cannot freeze the palette.
    """
    pixmap = _icon_pixmap()
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    w, h = ICON_SIZE.width(), ICON_SIZE.height()
    painter.setPen(QPen(QColor("#cfd8dc"), 1))
    painter.drawLine(0, h // 2, w, h // 2)
    painter.drawLine(w // 2, 0, w // 2, h)
    a, g = (act.curve[0], act.curve[1]) if act.curve is not None else (None, None)
    if g is not None and np.any(np.isfinite(g)):
        keep = np.isfinite(g)
        a, g = a[keep][::4], g[keep][::4]
        lo, hi = min(g.min(), -1.0), max(g.max(), 1.0)
        span = 1.2 * max(abs(lo), abs(hi))
        points = [QPointF((x + 4) / 8 * (w - 2) + 1, h / 2 - y / span * (h / 2 - 2)) for x, y in zip(a, g)]
        painter.setPen(QPen(QColor("#f59322"), 1.8))
        painter.drawPolyline(QPolygonF(points))
    painter.end()
    return QIcon(pixmap)


def layer_icon() -> QIcon:
    pixmap = _icon_pixmap()
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#90a4ae"), 1))
    for y1 in (5, 11, 17):
        for y2 in (8, 14):
            painter.drawLine(9, y1, 25, y2)
    painter.setPen(QPen(QColor("#546e7a"), 1.2))
    painter.setBrush(QColor("white"))
    for x, ys in ((9, (5, 11, 17)), (25, (8, 14))):
        for y in ys:
            painter.drawEllipse(QPointF(x, y), 2.8, 2.8)
    painter.end()
    return QIcon(pixmap)


class PaletteTree(QTreeWidget):
    """The tree of palette entries; dragging an entry starts a QDrag with its registry id."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(ICON_SIZE)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setUniformRowHeights(True)

    def startDrag(self, supported_actions) -> None:
        item = self.currentItem()
        item_id = item.data(0, ID_ROLE) if item is not None else None
        if not item_id:
            return
        drag = QDrag(self)
        drag.setMimeData(make_mime(item_id))
        drag.setPixmap(item.icon(0).pixmap(ICON_SIZE))
        drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """What can be dragged onto the canvas, in sections Layers, Activations, Losses.

    Parameters
    ----------
    registry : Registry
        The loaded plugins' contributions; call :meth:`refresh` when plugins change.
    """

    def __init__(self, registry: Registry, parent=None) -> None:
        super().__init__(parent)
        self.tree = PaletteTree(self)
        hint = QLabel("Drag onto the canvas: a layer between two layers, an activation onto a "
                      "hidden layer, a loss onto the output layer.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #607d8b; font-size: 11px; padding: 4px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(hint)
        self.refresh(registry)

    def follow(self, state) -> None:
        """Offer what the plugins of ``state`` (an AppState) offer, now and after every reload."""
        state.host_changed.connect(lambda host: self.refresh(host.registry))
        self.refresh(state.registry)

    def refresh(self, registry: Registry) -> None:
        """Rebuild the entries from ``registry`` (after a plugin was installed or removed)."""
        self.registry = registry
        self.tree.clear()
        layers = self._section("Layers")
        self._entry(layers, "Dense layer", "layer:dense", layer_icon(),
                    "A fully connected hidden layer: a_k = b_k + W_k h_{k-1}, h_k = g(a_k)")
        activations = self._section("Activations")
        for name in registry.usable("activations"):
            act = registry.activations[name]
            tip = "\n".join(t for t in (act.description, act.formula, f"from plugin {act.plugin}") if t)
            self._entry(activations, name, f"activation:{name}", activation_icon(act), tip)
        losses = self._section("Losses")
        for name in registry.usable("losses"):
            loss = registry.losses[name]
            tip = "\n".join(t for t in (loss.description, loss.output_formula, loss.formula) if t)
            self._entry(losses, name, f"loss:{name}", QIcon(), tip)
        self.tree.expandAll()

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        return item

    def _entry(self, section: QTreeWidgetItem, text: str, item_id: str, icon: QIcon, tip: str) -> None:
        item = QTreeWidgetItem(section, [text])
        item.setData(0, ID_ROLE, item_id)
        item.setIcon(0, icon)
        item.setToolTip(0, tooltip(tip))  # descriptions come from plugins
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)

    def item_ids(self) -> list[str]:
        """Every registry id the palette offers, in order."""
        ids = []
        for s in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(s)
            ids.extend(section.child(c).data(0, ID_ROLE) for c in range(section.childCount()))
        return ids
