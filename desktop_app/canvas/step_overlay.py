"""The animation on the canvas: what a step reads and writes, its new values, and a pulse.

Reads are ringed in teal, writes in magenta (the selection ring has its own colour); the
neurons show the latest quantity computed on their layer in the true step order (from
:func:`core.stepthrough.shown.neuron_quantities`, the step table), blank before anything
is computed, and their tooltips list only what is computed so far; edges the step writes
get their new value as a label; small dots run along the edges in the direction the
numbers flow (forward from layer k-1 to k, backward from k to k-1).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEasingCurve, QObject, QPointF, Qt, QVariantAnimation
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from core.stepthrough.numbers import number

from .. import colours
from . import names
from .layout import NEURON_RADIUS

MAX_PULSES = 240  # dots in flight at once
MAX_EDGE_LABELS = 16
# the dots (Z_PULSE) pass under the numbers on the edges and their white backing (Z_LABEL - 0.1)
Z_GLOW, Z_RING, Z_LABEL, Z_PULSE = 0.5, 4, 6, 5


class StepOverlay(QObject):
    """Draws one StepView on a NetworkScene; ``clear()`` returns the canvas to normal."""

    def __init__(self, scene) -> None:
        super().__init__(scene)
        self.scene = scene
        self.items: list = []
        self.pulses: list[tuple[QGraphicsEllipseItem, QPointF, QPointF]] = []
        self.view = None
        self.animation = QVariantAnimation(self)
        self.animation.setStartValue(0.0)
        self.animation.setEndValue(1.0)
        self.animation.setDuration(700)
        self.animation.setEasingCurve(QEasingCurve.InOutQuad)
        self.animation.valueChanged.connect(self._move_pulses)
        self.animation.finished.connect(self._end_pulses)

    @property
    def active(self) -> bool:
        return self.view is not None

    def _add(self, item, z: float):
        item.setZValue(z)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        item.setAcceptHoverEvents(False)
        self.scene.addItem(item)
        self.items.append(item)
        return item

    def clear(self) -> None:
        """Remove the rings, labels and pulses (items a rebuild already removed are skipped)."""
        self.animation.stop()
        self.scene.tooltip_override = None
        for item in self.items:
            if item.scene() is self.scene:
                self.scene.removeItem(item)
        self.items, self.pulses = [], []
        if self.view is not None:
            self.view = None
            self.scene.refresh_values()

    def show(self, view) -> None:
        """Show a StepView (see desktop_app.animation.step_panel); None returns to normal.

        At the start of the step-through (no step yet) only the input is shown.
        """
        self.clear()
        if view is None:
            return
        self.view = view
        trace = self.scene.document.trace
        self._neuron_values(view.shown, trace)
        self.scene.tooltip_override = self.tooltip
        if view.step is None:
            return
        hl = view.highlight
        read, write = colours.q("read"), colours.q("write")  # the current scheme's
        for (k, i) in hl.read_neurons - hl.write_neurons:
            self._ring(k, i, read)
        for (k, i) in hl.write_neurons:
            self._ring(k, i, write)
        for k, i in hl.read_biases:
            self._bias_ring(k, i, read)
        for k, i in hl.write_biases:
            self._bias_ring(k, i, write)
        # only the drawn edges of the layers concerned (a wide layer collapses most of its units)
        self._glow_edges(self._drawn(hl.read_edge_layers - hl.write_edge_layers), read)
        written = self._drawn(hl.write_edge_layers)
        self._glow_edges(written, write)
        self._edge_labels(view.step, written)
        self._pulse(hl, view.step.phase)

    # -- pieces ------------------------------------------------------------------------
    def _neuron_values(self, shown: dict, trace) -> None:
        """Each layer's neurons show the quantity the step table says (blank when none)."""
        if trace is None or names.trace_sizes(trace) != list(self.scene.network.sizes):
            return
        for geometry in self.scene.layout:
            k = geometry.index
            quantity = shown.get(k)
            values = trace.quantity(quantity) if quantity else None
            row = None if values is None else np.asarray(values)[0]
            scale = max([1.0] + ([float(abs(v)) for v in row] if row is not None else []))
            for i in geometry.units:
                neuron = self.scene.neurons.get((k, i))
                if neuron is not None:
                    neuron.set_value(None if row is None else float(row[i]), scale)

    def tooltip(self, item) -> str | None:
        """The hover text during the step-through: only what is computed, the label's quantity first."""
        view, scene = self.view, self.scene
        if view is None:
            return None
        trace, net = scene.document.trace, scene.network
        kind = item.selection().kind if hasattr(item, "selection") else None
        if kind == "neuron":
            return names.neuron_tooltip(net, trace, item.k, item.i, scene.document.trace_error,
                                        known=view.known, shown=view.shown.get(item.k))
        if kind == "weight":
            return names.edge_tooltip(net, trace, item.k, item.i, item.j, known=view.known)
        if kind == "bias":
            return names.bias_tooltip(net, trace, item.k, item.i, known=view.known)
        return None

    def label_of(self, k: int, i: int) -> tuple[str | None, str]:
        """(quantity, text) neuron (k, i) shows now: for tests and the legend."""
        neuron = self.scene.neurons.get((k, i))
        quantity = self.view.shown.get(k) if self.view is not None else None
        return quantity, neuron.label() if neuron is not None else ""

    def _ring(self, k: int, i: int, colour: QColor) -> None:
        neuron = self.scene.neurons.get((k, i))
        if neuron is None:
            return
        r = NEURON_RADIUS + 5
        ring = QGraphicsEllipseItem(-r, -r, 2 * r, 2 * r)
        pen = QPen(colour, 3)
        pen.setCosmetic(True)
        ring.setPen(pen)
        ring.setBrush(QBrush())
        ring.setPos(neuron.pos())
        ring.setData(0, ("ring", k, i, colour.name()))
        self._add(ring, Z_RING)

    def _bias_ring(self, k: int, i: int, colour: QColor) -> None:
        neuron = self.scene.neurons.get((k, i))
        if neuron is None or neuron.bias is None:
            return
        r = 7.5
        ring = QGraphicsEllipseItem(-r, -r, 2 * r, 2 * r)
        pen = QPen(colour, 2)
        pen.setCosmetic(True)
        ring.setPen(pen)
        ring.setPos(neuron.bias.scenePos())
        ring.setData(0, ("bias", k, i, colour.name()))
        self._add(ring, Z_RING)

    def _drawn(self, layers) -> set:
        return {(e.k, e.i, e.j) for k in layers for e in self.scene.edges.get(k, [])}

    def _edge_items(self, keys: set) -> list:
        layers = {k for k, _, _ in keys}
        return [e for k in layers for e in self.scene.edges.get(k, []) if (e.k, e.i, e.j) in keys]

    def _glow_edges(self, keys: set, colour: QColor) -> None:
        glow = QColor(colour)
        glow.setAlpha(90)
        for edge in self._edge_items(keys):
            line = QGraphicsLineItem(edge.line())
            pen = QPen(glow, edge.pen().widthF() + 5)
            pen.setCosmetic(True)
            line.setPen(pen)
            line.setData(0, ("edge", edge.k, edge.i, edge.j, colour.name()))
            self._add(line, Z_GLOW)

    def _edge_labels(self, step, written: set) -> None:
        edges = self._edge_items(written)
        if not edges or len(edges) > MAX_EDGE_LABELS:
            return
        values = step.values
        font = QFont()
        font.setPointSizeF(7.0)
        rows = max(e.i for e in edges) + 1
        for edge in edges:
            text = QGraphicsSimpleTextItem(number(values[edge.i, edge.j]))
            text.setFont(font)
            text.setBrush(colours.q("write"))
            line = edge.line()
            # edges into unit i are labelled at their own distance along the line, so the
            # labels of one fan (and of the edges converging on one unit) do not overlap
            t = 0.2 + 0.6 * (edge.i / max(1, rows - 1))
            at = line.p1() + (line.p2() - line.p1()) * t
            rect = text.boundingRect()
            text.setPos(at.x() - rect.width() / 2, at.y() - rect.height() / 2)
            background = QGraphicsEllipseItem(rect.adjusted(-3, -1, 3, 1))
            background.setPos(text.pos())
            background.setBrush(QColor(255, 255, 255, 220))
            background.setPen(QPen(QColor(0, 0, 0, 0)))
            self._add(background, Z_LABEL - 0.1)
            self._add(text, Z_LABEL)

    def _pulse(self, hl, phase: str) -> None:
        """Dots along the edges the step involves, in the direction its numbers flow."""
        layers = sorted(hl.read_edge_layers | hl.write_edge_layers)
        if not layers:
            return
        colour = QColor(colours.phase("backward" if hl.direction == "backward" else "forward"))
        edges = [e for k in layers for e in self.scene.edges.get(k, [])][:MAX_PULSES]
        for edge in edges:
            line = edge.line()
            start, end = (line.p2(), line.p1()) if hl.direction == "backward" else (line.p1(), line.p2())
            dot = QGraphicsEllipseItem(-3.5, -3.5, 7, 7)
            dot.setBrush(colour)
            dot.setPen(QPen(QColor("white"), 1))
            dot.setPos(start)
            self._add(dot, Z_PULSE)
            self.pulses.append((dot, start, end))
        self.animation.start()

    def _move_pulses(self, t) -> None:
        for dot, start, end in self.pulses:
            if dot.scene() is self.scene:
                dot.setPos(start + (end - start) * float(t))

    def _end_pulses(self) -> None:
        for dot, _, _ in self.pulses:
            if dot.scene() is self.scene:
                self.scene.removeItem(dot)
            if dot in self.items:
                self.items.remove(dot)
        self.pulses = []

    # -- for tests and the formula panel ----------------------------------------------
    def marked(self, kind: str, colour: QColor) -> set:
        """The (k, i[, j]) marked with ``colour`` by rings ("ring", "bias") or glows ("edge")."""
        found = set()
        for item in self.items:
            data = item.data(0)
            if data and data[0] == kind and data[-1] == colour.name() and item.scene() is self.scene:
                found.add(tuple(data[1:-1]))
        return found


def legend(parent=None) -> QWidget:
    """teal = read, magenta = written, the selection ring's own colour."""
    box = QWidget(parent)
    box.setObjectName("stepLegend")
    box.setStyleSheet("#stepLegend { background: rgba(255, 255, 255, 225); border: 1px solid #ddd;"
                      " border-radius: 4px; }")
    row = QHBoxLayout(box)
    row.setContentsMargins(6, 2, 6, 2)
    row.setSpacing(4)
    for role, text in (("read", "read"), ("write", "written"), ("selected", "selected")):
        colour = colours.q(role)  # the current scheme's: the view builds a new legend on a switch
        dot = QLabel("●", box)
        dot.setTextFormat(Qt.TextFormat.PlainText)
        dot.setStyleSheet(f"color: {colour.name()}; font-size: 14px;")
        word = QLabel(text, box)
        word.setTextFormat(Qt.TextFormat.PlainText)
        word.setToolTip({"read": "rings and glows in this colour: what the step reads",
                         "written": "what the step writes", "selected": "the selection (element view)"}[text])
        row.addWidget(dot)
        row.addWidget(word)
        row.addSpacing(6)
    box.adjustSize()
    return box
