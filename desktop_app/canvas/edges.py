"""The weight edges of the canvas: one line per drawn W_k[i, j], and bundles for collapsed units.

Colour shows the sign (orange positive, blue negative, as in TensorFlow Playground) and
width the magnitude. Edges are opaque with flat caps, their ends tucked under the
neurons, and get a new pen only when its colour or width changes visibly (see items.py).
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsPathItem

from .. import colours
from .selection import Selection

MIN_PEN, MAX_PEN = 0.5, 6.0
WIDTH_STEP = 0.1  # px: an edge's pen is replaced only when its width changes by a step
EDGE_TUCK = 4.0  # px: edges start this far inside the neurons, which cover the flat ends
Z_BUNDLE, Z_EDGE, Z_EDGE_SELECTED = 0, 1, 2


def edge_pen_width(value: float, scale: float, max_width: float = MAX_PEN) -> float:
    """Pen width in pixels: MIN_PEN … ``max_width``, linear in |w| / max |w|."""
    if not scale:
        return MIN_PEN
    return MIN_PEN + (max_width - MIN_PEN) * min(1.0, abs(value) / scale)


def max_pen_for(edge_count: int) -> float:
    """Thinner pens where many edges are drawn between two layers, so dense layers stay readable."""
    return max(2.0, MAX_PEN * min(1.0, (36.0 / max(edge_count, 1)) ** 0.5))


def sign_color(value: float) -> QColor:
    """The opaque colour of an edge: orange for positive, blue for negative, grey for 0
    (in the current :mod:`~desktop_app.colours` scheme)."""
    return colours.q("positive" if value > 0 else "negative" if value < 0 else "neutral")


class EdgeItem(QGraphicsLineItem):
    """Weight w_k[i, j], from unit j of layer k-1 to unit i of layer k.

    ``start`` and ``end`` are the points on the two neurons' outlines; the drawn line
    reaches ``EDGE_TUCK`` further in, under the neurons, so its flat ends never show.
    """

    def __init__(self, k: int, i: int, j: int, start: QPointF, end: QPointF) -> None:
        dx = EDGE_TUCK if end.x() > start.x() else -EDGE_TUCK
        super().__init__(start.x() - dx, start.y(), end.x() + dx, end.y())
        self.k, self.i, self.j = k, i, j
        self.highlighted = False
        self.setZValue(Z_EDGE)
        self.weight = 0.0
        self._scale = 1.0
        self._max_width = MAX_PEN
        self._style: tuple | None = None  # (colour, width in WIDTH_STEPs) of the current pen

    def selection(self) -> Selection:
        return Selection("weight", self.k, self.i, self.j)

    def renumber(self, k: int) -> None:
        self.k = k

    def translate(self, dx: float) -> None:
        """Both layers moved sideways by dx."""
        self.setLine(self.line().translated(dx, 0))

    def set_weight(self, weight: float, scale: float, max_width: float = MAX_PEN) -> None:
        """Colour by the sign of ``weight``, width by |weight| / ``scale`` (up to ``max_width``)."""
        self.weight, self._scale, self._max_width = weight, scale, max_width
        self.set_style(sign_color(weight), edge_pen_width(weight, scale, max_width))

    def set_style(self, color: QColor, width: float) -> None:
        """Use a pen of ``color`` and ``width`` px (highlighted: magenta, 2 px wider), if it differs
        visibly from the current one."""
        if self.highlighted:
            color, width = colours.q("selected"), width + 2.0
        style = (color.rgb(), round(width / WIDTH_STEP))
        if style == self._style:
            return
        self._style = style
        pen = QPen(color, style[1] * WIDTH_STEP)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        self.setPen(pen)

    def set_highlighted(self, on: bool) -> None:
        self.highlighted = on
        self.setZValue(Z_EDGE_SELECTED if on else Z_EDGE)
        self.set_weight(self.weight, self._scale, self._max_width)


class BundleItem(QGraphicsPathItem):
    """A faint band standing for the weights to or from collapsed units."""

    def __init__(self, k: int, start: QPointF, end: QPointF, total: int, drawn: int) -> None:
        path = QPainterPath(start)
        path.lineTo(end)
        super().__init__(path)
        pen = QPen(QColor(120, 130, 140, 45), 9)
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)
        self.setZValue(Z_BUNDLE)
        self.total, self.drawn = total, drawn
        self.renumber(k)

    def renumber(self, k: int) -> None:
        self.k = k
        self.setToolTip(f"W_{k}: {self.total} weights, {self.drawn} drawn; the others are collapsed")

    def translate(self, dx: float) -> None:
        self.setPath(self.path().translated(dx, 0))
