"""The graphics items of the canvas: layer boxes, neurons, bias markers (edges: .edges).

Items only draw; they never edit the model. Values arrive through ``set_value`` /
``set_weight`` from the scene, which reads the Document. Colours follow TensorFlow
Playground: orange for positive, blue for negative.

Training restyles the canvas several times a second, so repaints must be cheap: items
whose ``paint`` is Python keep a device-coordinate pixmap cache and call ``update()``
only when what they show changes; edges are opaque with flat caps (the raster engine
draws translucent or round-capped antialiased lines ~10x slower), their ends tucked
under the neurons, and get a new pen only when its colour or width changes visibly.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from core.stepthrough.numbers import number

from .. import colours
from .layout import BOX_WIDTH, NEURON_RADIUS, LayerGeometry
from .selection import Selection

TEXT = QColor("#263238")
CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache

Z_BOX, Z_BUNDLE, Z_EDGE, Z_EDGE_SELECTED, Z_NEURON, Z_MARKER = -1, 0, 1, 2, 3, 5


def signed_color(value: float, scale: float, *, alpha_min: int = 40) -> QColor:
    """Orange for positive, blue for negative; more opaque the larger |value| / scale."""
    if not scale or value == 0:
        return QColor(colours.q("neutral"))
    strength = min(1.0, abs(value) / scale)
    color = QColor(colours.q("positive" if value > 0 else "negative"))
    color.setAlpha(int(alpha_min + (255 - alpha_min) * strength))
    return color


def on_white(color: QColor) -> QColor:
    """The opaque colour ``color`` shows when painted over white."""
    a = color.alphaF()
    return QColor.fromRgbF(1 - a + a * color.redF(), 1 - a + a * color.greenF(), 1 - a + a * color.blueF())


@contextmanager
def uncached(items: Iterable[QGraphicsItem]) -> Iterator[None]:
    """Paint ``items`` directly meanwhile (an export: vectors in an SVG, not cached pixmaps)."""
    cached = [item for item in items if item.cacheMode() == CACHED]
    for item in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item in cached:
            item.setCacheMode(CACHED)


def _font(point_size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


class NeuronItem(QGraphicsItem):
    """Unit i of layer k: a circle filled by its value (h, x or ŷ) with the number inside."""

    def __init__(self, k: int, i: int, has_bias: bool) -> None:
        super().__init__()
        self.k, self.i = k, i
        self.value: float | None = None
        self.highlighted = False
        self._fill = QColor("white")
        self._shown: tuple | None = None  # (text, fill rgba) last painted
        self.setZValue(Z_NEURON)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(CACHED)
        self.bias = BiasItem(k, i, self) if has_bias else None

    def selection(self) -> Selection:
        return Selection("neuron", self.k, self.i)

    def renumber(self, k: int) -> None:
        """The layer moved to position k (a layer was inserted or removed before it)."""
        self.k = k
        if self.bias is not None:
            self.bias.k = k

    def boundingRect(self) -> QRectF:
        r = NEURON_RADIUS + 3
        return QRectF(-r, -r, 2 * r, 2 * r)

    def set_value(self, value: float | None, scale: float = 1.0) -> None:
        """Show ``value`` (None before a trace exists) as fill colour and text."""
        self.value = value
        if value is None or value == 0:
            self._fill = QColor("white")
        else:
            self._fill = signed_color(value, scale, alpha_min=25)
        shown = (self.label(), self._fill.rgba())
        if shown != self._shown:  # repaint (and re-cache) only when the picture changes
            self._shown = shown
            self.update()

    def label(self) -> str:
        """The number written in the circle ('' when there is none): the one formatter, 2 decimals."""
        return "" if self.value is None else number(self.value, 2)

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        r = NEURON_RADIUS
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(colours.q("selected") if self.highlighted else QColor("#546e7a"), 3 if self.highlighted else 1.4)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(on_white(self._fill))  # opaque: translucent fills paint far slower
        painter.drawEllipse(QPointF(0, 0), r, r)
        if self.value is not None:
            painter.setFont(_font(6.5))
            dark = self._fill.alpha() > 170 and self._fill.lightness() < 200
            painter.setPen(QColor("white") if dark else TEXT)
            painter.drawText(QRectF(-r, -r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, self.label())


class BiasItem(QGraphicsEllipseItem):
    """The marker of b_k[i] at the neuron's upper left: colour by sign, opacity by size."""

    RADIUS = 4.5

    def __init__(self, k: int, i: int, parent: NeuronItem) -> None:
        r = self.RADIUS
        super().__init__(-r, -r, 2 * r, 2 * r, parent)
        self.k, self.i = k, i
        self.setPos(-NEURON_RADIUS * 0.78, -NEURON_RADIUS * 0.78)
        self.highlighted = False
        self._fill_rgba: int | None = None
        self._outline()
        self.set_value(0.0, 0.0)

    def selection(self) -> Selection:
        return Selection("bias", self.k, self.i)

    def set_value(self, value: float, scale: float) -> None:
        color = signed_color(value, scale, alpha_min=90)
        if value == 0:
            color = QColor("white")
        if color.rgba() != self._fill_rgba:
            self._fill_rgba = color.rgba()
            self.setBrush(color)

    def _outline(self) -> None:
        pen = QPen(colours.q("selected") if self.highlighted else QColor("#78909c"), 2 if self.highlighted else 0.8)
        pen.setCosmetic(True)
        self.setPen(pen)

    def set_highlighted(self, on: bool) -> None:
        self.highlighted = on
        self._outline()


class ButtonItem(QGraphicsItem):
    """A small round-cornered button (−, +, ×) that calls ``on_click`` when released over it."""

    SIZE = 18.0

    def __init__(self, label: str, tip: str, on_click: Callable[[], None], parent: QGraphicsItem,
                 *, danger: bool = False) -> None:
        super().__init__(parent)
        self.label, self.on_click, self.danger = label, on_click, danger
        self.hover = False
        self.setToolTip(tip)
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setCacheMode(CACHED)

    def boundingRect(self) -> QRectF:
        s = self.SIZE
        return QRectF(-s / 2, -s / 2, s, s)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = colours.q("refuse") if self.danger else QColor("#455a64")
        painter.setPen(QPen(accent if self.hover else QColor("#b0bec5"), 1))
        painter.setBrush(QColor("#eceff1") if self.hover else QColor("white"))
        painter.drawRoundedRect(self.boundingRect().adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        painter.setPen(accent)
        painter.setFont(_font(9, bold=True))
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, self.label)

    def hoverEnterEvent(self, event) -> None:
        self.hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self.hover = False
        self.update()

    def mousePressEvent(self, event) -> None:
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if self.boundingRect().contains(event.pos()):
            self.on_click()

    def click(self) -> None:
        """Press the button (what a left click does)."""
        self.on_click()


class LayerItem(QGraphicsItem):
    """The rounded box of layer k: title, width with − / +, delete (hidden layers), ellipsis.

    Parameters
    ----------
    geometry : LayerGeometry
        Where the layer goes (from :mod:`.layout`).
    title : str
        ``Input``, ``Hidden k · g`` or ``Output · O``.
    width : int
        n_k, shown between the − and + buttons.
    on_width : callable(k, delta)
        Called by the − and + buttons.
    on_delete : callable(k) or None
        Called by the × button; None for the input and output layers.
    """

    def __init__(self, geometry: LayerGeometry, title: str, width: int,
                 on_width: Callable[[int, int], None], on_delete: Callable[[int], None] | None) -> None:
        super().__init__()
        self.k = geometry.index
        self.geometry = geometry
        self.highlighted = False
        self.drop_state: str | None = None  # None, "accept" or "refuse"
        self.problem: str | None = None  # why this layer cannot compute (a missing plugin …)
        self.hidden = on_delete is not None
        self.setZValue(Z_BOX)
        self.setCacheMode(CACHED)
        self.setPos(geometry.x, 0)
        self.title_item = QGraphicsSimpleTextItem(self)
        self.width_item = QGraphicsSimpleTextItem(self)
        self.width_item.setFont(_font(8.5))
        self.width_item.setBrush(QColor("#546e7a"))
        self.minus = ButtonItem("−", f"Remove a unit from layer {self.k}", lambda: on_width(self.k, -1), self)
        self.plus = ButtonItem("+", f"Add a unit to layer {self.k}", lambda: on_width(self.k, +1), self)
        self.delete = None
        if on_delete is not None:
            self.delete = ButtonItem("×", f"Delete hidden layer {self.k}", lambda: on_delete(self.k), self,
                                     danger=True)
        self.ellipsis_item = None
        if geometry.hidden_count:
            self.ellipsis_item = QGraphicsSimpleTextItem(f"⋮ {geometry.hidden_count} more", self)
            self.ellipsis_item.setFont(_font(8.5, bold=True))
            self.ellipsis_item.setBrush(QColor("#78909c"))
            rect = self.ellipsis_item.boundingRect()
            self.ellipsis_item.setPos(-rect.width() / 2, geometry.ellipsis_y - rect.height() / 2)
        self._title, self._width = title, width
        self.set_extent(geometry.top, geometry.bottom)

    def set_extent(self, top: float, bottom: float) -> None:
        """Stretch the box vertically (all boxes share one top and bottom)."""
        self.prepareGeometryChange()
        self.geometry.top, self.geometry.bottom = top, bottom
        self._rect = QRectF(-BOX_WIDTH / 2, top, BOX_WIDTH, bottom - top)
        self.minus.setPos(-BOX_WIDTH / 2 + 22, top + 44)
        self.plus.setPos(BOX_WIDTH / 2 - 22, top + 44)
        if self.delete is not None:
            self.delete.setPos(BOX_WIDTH / 2 - 13, top + 13)
        self.set_title(self._title)
        self.set_width(self._width)

    def selection(self) -> Selection:
        return Selection("layer", self.k)

    def renumber(self, k: int) -> None:
        """The layer moved to position k; the buttons name the new number."""
        self.k = k
        self.minus.setToolTip(f"Remove a unit from layer {k}")
        self.plus.setToolTip(f"Add a unit to layer {k}")
        if self.delete is not None:
            self.delete.setToolTip(f"Delete hidden layer {k}")

    def title(self) -> str:
        return self.title_item.text()

    def set_title(self, title: str) -> None:
        self._title = title
        font = _font(9.5, bold=True)
        corner = self.hidden or self.k == 0  # a button in the header's corner: × (hidden), φ (input)
        room = BOX_WIDTH - (40 if corner else 14)
        while QFontMetricsF(font).horizontalAdvance(title) > room and font.pointSizeF() > 6.5:
            font.setPointSizeF(font.pointSizeF() - 0.5)
        self.title_item.setFont(font)
        self.title_item.setText(title)
        rect = self.title_item.boundingRect()
        x = -rect.width() / 2 - (8 if corner else 0)
        self.title_item.setPos(max(x, -BOX_WIDTH / 2 + 7), self.geometry.top + 13 - rect.height() / 2)

    def set_width(self, width: int) -> None:
        self._width = width
        self.width_item.setText(f"{width} unit{'s' if width != 1 else ''}")
        rect = self.width_item.boundingRect()
        self.width_item.setPos(-rect.width() / 2, self.geometry.top + 44 - rect.height() / 2)

    def in_header(self, scene_pos: QPointF) -> bool:
        """Whether ``scene_pos`` is on the header (where a drag reorders the layer)."""
        y = self.mapFromScene(scene_pos).y()
        return self.geometry.top <= y <= self.geometry.top + 30

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def set_problem(self, problem: str | None) -> None:
        """Mark the layer (red dashed outline) when it cannot compute, e.g. its plugin is missing."""
        if problem != self.problem:
            self.problem = problem
            self.update()

    def set_drop_state(self, state: str | None) -> None:
        if state != self.drop_state:
            self.drop_state = state
            self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-3, -3, 3, 3)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.drop_state == "refuse":
            pen = QPen(colours.q("refuse"), 2.5)
        elif self.drop_state == "accept":
            pen = QPen(colours.q("accept"), 2.5)
        elif self.highlighted:
            pen = QPen(colours.q("selected"), 2.5)
        elif self.problem:
            pen = QPen(colours.q("refuse"), 2, Qt.PenStyle.DashLine)
        else:
            pen = QPen(QColor("#cfd8dc"), 1)
        pen.setCosmetic(True)
        painter.setPen(pen)
        fill = QColor("#fdecea") if self.drop_state == "refuse" or self.problem else QColor("#f7f9fa")
        painter.setBrush(fill)
        painter.drawRoundedRect(self._rect, 10, 10)
        header = QRectF(self._rect.left(), self._rect.top(), self._rect.width(), 27)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(224, 231, 235, 160))
        path = QPainterPath()
        path.addRoundedRect(header, 10, 10)
        path.addRect(header.adjusted(0, 12, 0, 0))
        painter.drawPath(path.simplified())


class InsertionMarker(QGraphicsLineItem):
    """The vertical line showing where a dropped or moved layer would go."""

    def __init__(self) -> None:
        super().__init__()
        self.restyle()
        self.setZValue(Z_MARKER)
        self.hide()

    def restyle(self) -> None:
        """Take the accept colour of the current scheme."""
        pen = QPen(colours.q("accept"), 3, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.setPen(pen)
