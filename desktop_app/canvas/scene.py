"""NetworkScene: the QGraphicsScene that draws the Document's network and follows its events.

The scene only draws. What the user does to it (buttons, menus, keys, dragging a header)
is :class:`~desktop_app.canvas.editing.SceneEditing`'s job, which pushes undo commands;
the Network emits a per-layer event, the Document forwards it, and the scene updates the
layer concerned: an inserted layer gets new items, later layers are renumbered and moved
along, and only the weights next to the change are created afresh. ``refresh_values``
restyles the existing items.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QToolTip

from ..plain_text import tooltip
from . import names
from .edges import BundleItem, EdgeItem, max_pen_for
from .items import ButtonItem, InsertionMarker, LayerItem, NeuronItem, uncached
from .layout import NEURON_RADIUS, LayerGeometry, compute_layout
from .selection import Selection


class NetworkScene(QGraphicsScene):
    """The drawn network of the open Document.

    Parameters
    ----------
    state : AppState or Document
        The scene follows ``state.document`` and, when another network is opened, the new one.

    Signals
    -------
    selection_changed(object)
        A :class:`Selection` or None.
    width_step_requested(int, int)
        The − or + button of layer k was clicked (k, -1 or +1).
    delete_requested(int)
        The × button of hidden layer k was clicked.
    """

    selection_changed = Signal(object)
    width_step_requested = Signal(int, int)
    delete_requested = Signal(int)

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        from ..app_state import AppState

        self.state = AppState.of(state)
        self.document = None
        self.layout: list[LayerGeometry] = []
        self.layer_items: list[LayerItem] = []
        self.neurons: dict[tuple[int, int], NeuronItem] = {}
        self.edges: dict[int, list[EdgeItem]] = {}
        self.bundles: dict[int, list[BundleItem]] = {}
        self.selection: Selection | None = None
        self._sizes: list[int] = []
        self.marker = InsertionMarker()
        self.addItem(self.marker)
        self.state.document_changed.connect(self._follow)
        self.state.host_changed.connect(lambda host: self._retitle())
        self._follow(self.state.document)

    # -- document ------------------------------------------------------------------
    def _follow(self, document) -> None:
        """Draw ``document`` (another open file) and follow its events."""
        self.document = document
        document.layer_inserted.connect(self._on_inserted)
        document.layer_removed.connect(self._on_removed)
        document.layer_changed.connect(self._on_changed)
        document.layers_moved.connect(self._on_moved)
        document.loss_changed.connect(lambda name: self._retitle())
        document.parameters_changed.connect(self._on_parameters)
        document.trace_changed.connect(self._refresh_neurons)
        self.selection = None
        self.rebuild()
        self.selection_changed.emit(None)

    @property
    def network(self):
        return self.document.network

    # -- building items ------------------------------------------------------------
    def rebuild(self) -> None:
        """Create every item afresh from the network."""
        for k in range(len(self.layer_items)):
            self._drop_layer(k)
        for k in list(self.edges):
            self._drop_edges(k)
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
        item = LayerItem(geometry, names.layer_title(net, k, self.document.registry), net.layers[k].width,
                         self.width_step_requested.emit, self.delete_requested.emit if hidden else None)
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

    def _drop_layer(self, k: int) -> None:
        self.removeItem(self.layer_items[k])
        for key in [key for key in self.neurons if key[0] == k]:
            self.removeItem(self.neurons.pop(key))

    def _drop_edges(self, k: int) -> None:
        for item in self.edges.pop(k, []) + self.bundles.pop(k, []):
            self.removeItem(item)

    def _renumber(self, first: int, delta: int) -> None:
        """Layers ``first`` … become ``first + delta`` …, with their neurons and the weights into them."""
        def moved(k: int) -> int:
            return k + delta if k >= first else k

        for item in self.layer_items:
            if item.k >= first:
                item.renumber(item.k + delta)
        self.neurons = {(moved(k), i): neuron for (k, i), neuron in self.neurons.items()}
        for (k, _), neuron in self.neurons.items():
            neuron.renumber(k)
        self.edges = {moved(k): edges for k, edges in self.edges.items()}
        self.bundles = {moved(k): bundles for k, bundles in self.bundles.items()}
        for k, items in list(self.edges.items()) + list(self.bundles.items()):
            if k >= first + delta:
                for item in items:
                    item.renumber(k)

    def _relayout(self, sizes: list[int]) -> None:
        """Move the existing layers (and the weights between two of them) to the new layout."""
        self._sizes = list(sizes)
        self.layout = compute_layout(self._sizes)
        for item in self.layer_items:
            if item.scene() is not self:  # dropped: drawn afresh by the caller
                continue
            geometry = self.layout[item.k]
            dx = geometry.x - item.pos().x()
            item.geometry = geometry
            item.set_extent(geometry.top, geometry.bottom)
            if dx:
                item.moveBy(dx, 0)
                for i in geometry.units:
                    self.neurons[(item.k, i)].moveBy(dx, 0)
                for edge in self.edges.get(item.k, []) + self.bundles.get(item.k, []):
                    edge.translate(dx)  # both ends moved: the weights into this layer move along

    def _finish(self) -> None:
        self.refresh_values()
        self._restore_selection()
        rect = self.itemsBoundingRect()
        self.setSceneRect(rect.adjusted(-400, -300, 400, 300))

    # -- following the model: one event, the layers it concerns ------------------------
    def _on_inserted(self, index: int) -> None:
        """Hidden layer ``index`` is new: later layers shift right, W_index and W_index+1 are new."""
        self._drop_edges(index)  # the weights that joined index-1 and the old layer index
        self._renumber(index, +1)
        self._relayout(self.network.sizes)
        self.layer_items.insert(index, self._make_layer(index))
        self._make_edges(index)
        self._make_edges(index + 1)
        self._shift_selection(index, +1)
        self._after_structure()

    def _on_removed(self, index: int) -> None:
        """Hidden layer ``index`` is gone: later layers shift left, W_index joins its neighbours."""
        self._drop_layer(index)
        self._drop_edges(index)
        self._drop_edges(index + 1)
        del self.layer_items[index]
        self._renumber(index + 1, -1)
        self._relayout(self.network.sizes)
        self._make_edges(index)
        self._shift_selection(index, -1)
        self._after_structure()

    def _on_changed(self, index: int) -> None:
        """Layer ``index`` has another width (new items, new weights around it) or activation."""
        sizes = self.network.sizes
        if sizes[index] != self._sizes[index]:
            self._drop_layer(index)
            self._drop_edges(index)
            self._drop_edges(index + 1)
            self._relayout(sizes)
            self.layer_items[index] = self._make_layer(index)
            for k in (index, index + 1):
                if 1 <= k < len(sizes):
                    self._make_edges(k)
        self._after_structure()

    def _on_moved(self, old: int, new: int) -> None:
        """A hidden layer moved: the layers between the two places are drawn afresh."""
        low, high = min(old, new), max(old, new)
        for k in range(low, high + 1):
            self._drop_layer(k)
        for k in range(low, high + 2):
            self._drop_edges(k)
        self._relayout(self.network.sizes)
        for k in range(low, high + 1):
            self.layer_items[k] = self._make_layer(k)
        for k in range(low, min(high + 2, len(self._sizes))):
            self._make_edges(k)
        if self.selection is not None and low <= self.selection.layer <= high + 1:
            self.selection = None
            self.selection_changed.emit(None)
        self._after_structure()

    def _shift_selection(self, index: int, delta: int) -> None:
        """After an insert (+1) or removal (-1) at ``index``: a selection whose item only moved
        follows it; one whose item was replaced (the weights next to the change) is cleared."""
        sel = self.selection
        if sel is None:
            return
        if delta > 0:
            gone, first = ({index} if sel.kind == "weight" else set()), index
        else:
            gone, first = ({index, index + 1} if sel.kind == "weight" else {index}), index + 1
        if sel.layer in gone:
            self.selection = None
            self.selection_changed.emit(None)
        elif sel.layer >= first:
            self.selection = Selection(sel.kind, sel.layer + delta, sel.i, sel.j)

    def _after_structure(self) -> None:
        self._retitle()
        self._finish()

    def _retitle(self) -> None:
        for k, item in enumerate(self.layer_items):
            item.set_width(self.network.layers[k].width)
            self._title(item, k)

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
        item.set_title(names.layer_title(self.network, k, self.document.registry) + (" ⚠" if problem else ""))
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

    tooltip_override = None  # set by the step overlay: hover texts without spoilers

    def tooltip_for(self, item: QGraphicsItem) -> str:
        override = self.tooltip_override(item) if self.tooltip_override is not None else None
        if override is not None:
            return override
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

