"""NetworkScene: the QGraphicsScene that draws the Document's network and follows its signals.

The scene never changes on a user action directly: buttons, menus and keys push undo
commands on ``document.undo_stack``; the Network emits events, the Document re-emits
them, and the scene redraws what changed. Edges and neurons are created only on
structural changes; ``refresh_values`` restyles the existing items.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QTransform, QUndoCommand
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QInputDialog,
    QMenu,
    QToolTip,
)

from core.engine.network import MAX_WIDTH, size_problem

from ..commands import MoveLayer, RemoveLayer, SetWidth
from ..plain_text import tooltip
from . import names
from .edges import BundleItem, EdgeItem, max_pen_for
from .items import ButtonItem, InsertionMarker, LayerItem, NeuronItem, uncached
from .layout import NEURON_RADIUS, LayerGeometry, compute_layout, move_target
from .selection import Selection


class NetworkScene(QGraphicsScene):
    """The drawn network of one Document.

    Parameters
    ----------
    document : Document
        The open network; the scene listens to its ``structure_changed``,
        ``parameters_changed`` and ``trace_changed`` signals.

    Signals
    -------
    selection_changed(object)
        A :class:`Selection` or None.
    edit_failed(str)
        An edit the model refuses (e.g. width below 1), with the reason.
    """

    selection_changed = Signal(object)
    edit_failed = Signal(str)

    def __init__(self, document, parent=None) -> None:
        super().__init__(parent)
        self.document = None
        self.layout: list[LayerGeometry] = []
        self.layer_items: list[LayerItem] = []
        self.neurons: dict[tuple[int, int], NeuronItem] = {}
        self.edges: dict[int, list[EdgeItem]] = {}
        self.bundles: dict[int, list[BundleItem]] = {}
        self.selection: Selection | None = None
        self._sizes: list[int] = []
        self._reorder: dict | None = None
        self.marker = InsertionMarker()
        self.addItem(self.marker)
        self.set_document(document)

    # -- document ------------------------------------------------------------------
    def set_document(self, document) -> None:
        """Follow another Document (another open file) and redraw everything."""
        if self.document is not None:
            self.document.structure_changed.disconnect(self._on_structure)
            self.document.parameters_changed.disconnect(self._on_parameters)
            self.document.trace_changed.disconnect(self._refresh_neurons)
        self.document = document
        document.structure_changed.connect(self._on_structure)
        document.parameters_changed.connect(self._on_parameters)
        document.trace_changed.connect(self._refresh_neurons)
        self.selection = None
        self.rebuild()
        self.selection_changed.emit(None)

    @property
    def network(self):
        return self.document.network

    def push(self, command: QUndoCommand) -> None:
        """Push an edit on the Document's undo stack (the only way the scene edits)."""
        self.document.undo_stack.push(command)

    # -- building items ------------------------------------------------------------
    def rebuild(self) -> None:
        """Create every item afresh from the network."""
        for item in self.items():
            if item.parentItem() is None and item is not self.marker:
                self.removeItem(item)
        self.layer_items, self.neurons, self.edges, self.bundles = [], {}, {}, {}
        self._sizes = list(self.network.sizes)
        self.layout = compute_layout(self._sizes)
        for k in range(len(self.layout)):
            self.layer_items.append(self._make_layer(k))
        for k in range(1, len(self.layout)):
            self._make_edges(k)
        self._finish()

    def _make_layer(self, k: int) -> LayerItem:
        net = self.network
        geometry = self.layout[k]
        hidden = 0 < k < net.depth
        item = LayerItem(geometry, names.layer_title(net, k), net.layers[k].width,
                         self.change_width, self.delete_layer if hidden else None)
        self._title(item, k)
        self.addItem(item)
        for i in geometry.units:
            neuron = NeuronItem(k, i, has_bias=k > 0)
            neuron.setPos(geometry.x, geometry.unit_y[i])
            self.addItem(neuron)
            self.neurons[(k, i)] = neuron
        return item

    def _make_edges(self, k: int) -> None:
        left, right = self.layout[k - 1], self.layout[k]
        edges = []
        for i in right.units:
            end = QPointF(right.x - NEURON_RADIUS, right.unit_y[i])
            for j in left.units:
                edge = EdgeItem(k, i, j, QPointF(left.x + NEURON_RADIUS, left.unit_y[j]), end)
                self.addItem(edge)
                edges.append(edge)
        self.edges[k] = edges
        bundles = []
        if left.hidden_count or right.hidden_count:
            y_left = left.ellipsis_y if left.hidden_count else 0.0
            y_right = right.ellipsis_y if right.hidden_count else 0.0
            bundle = BundleItem(k, QPointF(left.x + 40, y_left), QPointF(right.x - 40, y_right),
                                self._sizes[k] * self._sizes[k - 1], len(edges))
            self.addItem(bundle)
            bundles.append(bundle)
        self.bundles[k] = bundles

    def _drop_layer_items(self, k: int, geometry: LayerGeometry) -> None:
        self.removeItem(self.layer_items[k])
        for i in geometry.units:
            self.removeItem(self.neurons.pop((k, i)))

    def _drop_edges(self, k: int) -> None:
        for item in self.edges.pop(k, []) + self.bundles.pop(k, []):
            self.removeItem(item)

    def _finish(self) -> None:
        self.refresh_values()
        self._restore_selection()
        rect = self.itemsBoundingRect()
        self.setSceneRect(rect.adjusted(-400, -300, 400, 300))

    # -- following the model -------------------------------------------------------
    def _on_structure(self) -> None:
        sizes = list(self.network.sizes)
        if len(sizes) != len(self._sizes):  # layers shifted: a selection would name another part
            had_selection, self.selection = self.selection is not None, None
            self.rebuild()
            if had_selection:
                self.selection_changed.emit(None)
            return
        changed = [k for k, (new, old) in enumerate(zip(sizes, self._sizes)) if new != old]
        self._sizes = sizes
        old_layout, self.layout = self.layout, compute_layout(sizes)
        for k in changed:  # only the resized layers and the weights around them
            self._drop_layer_items(k, old_layout[k])
            self.layer_items[k] = self._make_layer(k)
        for k, item in enumerate(self.layer_items):
            if k not in changed:
                item.geometry = self.layout[k]
                item.set_extent(self.layout[k].top, self.layout[k].bottom)
        for k in sorted({m for c in changed for m in (c, c + 1) if 1 <= m < len(sizes)}):
            self._drop_edges(k)
            self._make_edges(k)
        for k, item in enumerate(self.layer_items):
            self._title(item, k)
        self._finish()

    def _on_parameters(self, k: int) -> None:
        self.refresh_values()

    def refresh_values(self) -> None:
        """Restyle edges, bias markers and neurons from the current W_k, b_k and trace."""
        net = self.network
        w_scale = max((float(np.abs(W).max()) for W in net.weights if W.size), default=0.0)
        for k, edges in self.edges.items():
            W, max_width = net.W(k), max_pen_for(len(edges))
            for edge in edges:
                edge.set_weight(float(W[edge.i, edge.j]), w_scale, max_width)
        b_scale = max((float(np.abs(b).max()) for b in net.biases if b.size), default=0.0)
        for (k, i), neuron in self.neurons.items():
            if neuron.bias is not None:
                neuron.bias.set_value(float(net.b(k)[i]), b_scale)
        self._refresh_neurons()

    def _refresh_neurons(self) -> None:
        trace = self.document.trace
        if trace is not None and names.trace_sizes(trace) != self._sizes:
            trace = None  # the trace of the network before a structural edit
        for geometry in self.layout:
            k = geometry.index
            values = {i: names.shown_value(trace, k, i) for i in geometry.units} if trace else {}
            scale = max([1.0] + [abs(v) for v in values.values() if v is not None])
            for i in geometry.units:
                self.neurons[(k, i)].set_value(values.get(i), scale)

    def render(self, painter, target=None, source=None, mode=Qt.AspectRatioMode.KeepAspectRatio) -> None:
        """QGraphicsScene.render, every item painted directly (exports get vectors, not pixmaps)."""
        with uncached(self.items()):
            super().render(painter, target or QRectF(), source or QRectF(), mode)

    def _title(self, item: LayerItem, k: int) -> None:
        """The layer's title, marked ⚠ (and the box outlined) when its plugin is missing."""
        problem = names.layer_problem(self.network, self.document.registry, k)
        item.set_title(names.layer_title(self.network, k) + (" ⚠" if problem else ""))
        item.set_problem(problem)

    # -- what is drawn (for the view, tests and tooltips) -----------------------------
    def layer_titles(self) -> list[str]:
        return [item.title() for item in self.layer_items]

    def neuron_items(self) -> list[NeuronItem]:
        return list(self.neurons.values())

    def edge_items(self) -> list[EdgeItem]:
        return [edge for edges in self.edges.values() for edge in edges]

    def item_near(self, pos: QPointF, tolerance: float = 4.0) -> QGraphicsItem | None:
        """The topmost selectable item (neuron, bias, edge, layer) within ``tolerance`` of pos."""
        rect = QRectF(pos.x() - tolerance, pos.y() - tolerance, 2 * tolerance, 2 * tolerance)
        for item in self.items(rect, Qt.ItemSelectionMode.IntersectsItemShape,
                               Qt.SortOrder.DescendingOrder, QTransform()):
            while item is not None and not hasattr(item, "selection"):
                item = item.parentItem()
            if item is not None and item.isVisible():
                return item
        return None

    def tooltip_for(self, item: QGraphicsItem) -> str:
        net, trace = self.network, self.document.trace
        if isinstance(item, NeuronItem):
            return names.neuron_tooltip(net, trace, item.k, item.i, self.document.trace_error)
        if isinstance(item, EdgeItem):
            return names.edge_tooltip(net, trace, item.k, item.i, item.j)
        if hasattr(item, "selection") and item.selection().kind == "bias":
            return names.bias_tooltip(net, trace, item.k, item.i)
        if isinstance(item, LayerItem):
            tip = f"Layer {item.k}: {net.layers[item.k].width} units"
            if 0 < item.k < net.depth:
                tip += "\nDrag the header to reorder; right-click for more"
            if item.problem:
                tip = f"{item.problem}\n\n{tip}"
            return tip
        return item.toolTip()

    def helpEvent(self, event) -> None:
        top = self.itemAt(event.scenePos(), QTransform())
        item = top if isinstance(top, (ButtonItem, BundleItem)) else self.item_near(event.scenePos())
        if item is None:
            QToolTip.hideText()
            event.ignore()
            return
        # plugin names and errors may hold markup: shown literally
        QToolTip.showText(event.screenPos(), tooltip(self.tooltip_for(item)), event.widget())
        event.accept()

    # -- selection -----------------------------------------------------------------
    def select(self, selection: Selection | None) -> None:
        """Highlight ``selection`` (None clears) and emit ``selection_changed``."""
        self._highlight(self.selection, False)
        self.selection = selection if selection is not None and selection.kind else None
        self._highlight(self.selection, True)
        self.selection_changed.emit(self.selection)

    def _items_of(self, sel: Selection | None) -> list:
        if sel is None:
            return []
        if sel.kind == "layer" and sel.layer < len(self.layer_items):
            return [self.layer_items[sel.layer]]
        neuron = self.neurons.get((sel.layer, sel.i))
        if sel.kind == "neuron" and neuron is not None:
            return [neuron]
        if sel.kind == "bias" and neuron is not None and neuron.bias is not None:
            return [neuron.bias]
        if sel.kind == "weight":
            return [e for e in self.edges.get(sel.layer, []) if (e.i, e.j) == (sel.i, sel.j)]
        return []

    def _highlight(self, sel: Selection | None, on: bool) -> None:
        for item in self._items_of(sel):
            item.set_highlighted(on)

    def _restore_selection(self) -> None:
        """After a rebuild: keep the selection if it still exists, else clear it."""
        sel = self.selection
        if sel is None:
            return
        sizes = self._sizes
        valid = sel.layer < len(sizes) and (sel.i is None or sel.i < sizes[sel.layer]) and (
            sel.j is None or sel.j < sizes[sel.layer - 1])
        if valid and (sel.kind == "layer" or self._items_of(sel)):
            self._highlight(sel, True)
            self.selection_changed.emit(sel)
        else:
            self.selection = None
            self.selection_changed.emit(None)

    # -- edits (all through undo commands) --------------------------------------------
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
        """The context menu of layer k: Set width…, Move left, Move right, Delete."""
        L = self.network.depth
        hidden = 0 < k < L
        menu = QMenu()
        menu.addAction("Set width…", lambda: self._ask_width(k))
        left = menu.addAction("Move left", lambda: self.move_layer(k, k - 1))
        right = menu.addAction("Move right", lambda: self.move_layer(k, k + 1))
        left.setEnabled(hidden and k > 1)
        right.setEnabled(hidden and k < L - 1)
        menu.addSeparator()
        delete = menu.addAction("Delete layer", lambda: self.delete_layer(k))
        delete.setEnabled(hidden)
        return menu

    def _ask_width(self, k: int) -> None:
        parent = self.views()[0] if self.views() else None
        width, ok = QInputDialog.getInt(parent, "Layer width", f"Units in layer {k}:",
                                        self.network.layers[k].width, 1, MAX_WIDTH)
        if ok:
            self.set_layer_width(k, width)

    # -- drop / reorder feedback ------------------------------------------------------
    def show_feedback(self, target: int | None = None, state: str | None = None,
                      marker_x: float | None = None) -> None:
        """Outline layer ``target`` ("accept"/"refuse") and/or draw the insertion marker."""
        for item in self.layer_items:
            item.set_drop_state(state if item.k == target else None)
        if marker_x is None:
            self.marker.hide()
            return
        top = min(g.top for g in self.layout) - 10
        bottom = max(g.bottom for g in self.layout) + 10
        self.marker.setLine(marker_x, top, marker_x, bottom)
        self.marker.show()

    # -- mouse and keys ----------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if isinstance(self.itemAt(event.scenePos(), QTransform()), ButtonItem):
            super().mousePressEvent(event)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        item = self.item_near(event.scenePos())
        self.select(item.selection() if item is not None else None)
        if isinstance(item, LayerItem) and item.hidden and item.in_header(event.scenePos()):
            self._reorder = {"k": item.k, "x": event.scenePos().x(), "active": False}
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        drag = self._reorder
        if drag is None:
            super().mouseMoveEvent(event)
            return
        x = event.scenePos().x()
        if not drag["active"] and abs(x - drag["x"]) < 8:
            return
        drag["active"] = True
        target = move_target(self.layout, x)
        self.show_feedback(target, "accept", self.layout[target].x)

    def mouseReleaseEvent(self, event) -> None:
        drag, self._reorder = self._reorder, None
        if drag is None:
            super().mouseReleaseEvent(event)
            event.accept()
            return
        self.show_feedback()
        if drag["active"]:
            self.move_layer(drag["k"], move_target(self.layout, event.scenePos().x()))

    def contextMenuEvent(self, event) -> None:
        item = self.item_near(event.scenePos())
        if item is None:
            return
        k = item.selection().layer
        if isinstance(item, EdgeItem):
            return
        self.select(Selection("layer", k))
        self._menu = self.layer_menu(k)  # keep a reference while it is open
        self._menu.exec(event.screenPos())

    def keyPressEvent(self, event) -> None:
        sel = self.selection
        if (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and sel is not None
                and sel.kind == "layer"):
            self.delete_layer(sel.layer)
            event.accept()
            return
        super().keyPressEvent(event)
