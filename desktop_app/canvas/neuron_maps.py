"""Each neuron's map over the input plane, drawn inside its circle (TensorFlow Playground's nodes).

A :class:`NeuronMapItem` is a child of a :class:`~desktop_app.canvas.items.NeuronItem`
covering its inside (the neuron's outline and selection ring stay visible) with an image
that is already a disc (transparent outside), so painting it is one image draw. The scene
keeps drawing; :class:`NeuronMaps` only adds, updates and removes these children from
the images the training side computes. Hovering a map announces the neuron, so the
boundary pane can show it large.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .items import CACHED, NeuronItem
from .layout import NEURON_RADIUS

INSET = 1.0  # px inside the neuron's outline


def rgba_image(rgba: np.ndarray) -> QImage:
    """A QImage of an (n, n, 4) uint8 RGBA array whose row 0 is the bottom of the plane (y grows up)."""
    data = np.ascontiguousarray(rgba[::-1])
    height, width = data.shape[:2]
    image = QImage(data.data, width, height, 4 * width, QImage.Format.Format_RGBA8888)
    # owns its pixels (data is freed when this function returns), in the format painted fastest
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


class NeuronMapItem(QGraphicsItem):
    """Neuron (k, i)'s map, clipped to its circle."""

    def __init__(self, neuron: NeuronItem, on_hover: Callable[[tuple[int, int] | None], None]) -> None:
        super().__init__(neuron)
        self.neuron = neuron
        self.image: QImage | None = None
        self._on_hover = on_hover
        self.setAcceptHoverEvents(True)
        self.setCacheMode(CACHED)

    @property
    def key(self) -> tuple[int, int]:
        return self.neuron.k, self.neuron.i

    def boundingRect(self) -> QRectF:
        r = NEURON_RADIUS - INSET
        return QRectF(-r, -r, 2 * r, 2 * r)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.boundingRect(), self.image)

    def hoverEnterEvent(self, event) -> None:
        self._on_hover(self.key)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self._on_hover(None)
        super().hoverLeaveEvent(event)


class NeuronMaps(QObject):
    """The maps of the neurons on the canvas.

    Signals
    -------
    hovered(object)
        (k, i) when the pointer enters a neuron's map, None when it leaves.
    resumed()
        Maps may be shown again (the step-through left its steps).
    """

    hovered = Signal(object)
    resumed = Signal()

    def __init__(self, scene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.suspended = False  # the step-through shows numbers in the neurons instead

    def items(self) -> dict[tuple[int, int], NeuronMapItem]:
        """The map items on the canvas now, by (k, i)."""
        found = {}
        for neuron in self.scene.neurons.values():
            for child in neuron.childItems():
                if isinstance(child, NeuronMapItem):
                    found[child.key] = child
        return found

    def show(self, images: dict[tuple[int, int], np.ndarray]) -> None:
        """Put these RGBA maps (by (k, i); discs) on their neurons; neurons without one get none."""
        if self.suspended:
            return
        items = self.items()
        for key, item in items.items():
            if key not in images:
                self._remove(item)
        for key, rgb in images.items():
            neuron = self.scene.neurons.get(key)
            if neuron is None:
                continue
            item = items.get(key)
            if item is None:
                item = NeuronMapItem(neuron, self.hovered.emit)
            item.set_image(rgba_image(rgb))

    def clear(self) -> None:
        for item in self.items().values():
            self._remove(item)

    def set_suspended(self, suspended: bool) -> None:
        """Take the maps off (the step-through is showing values) or allow them again."""
        if suspended == self.suspended:
            return
        self.suspended = suspended
        if suspended:
            self.clear()
        else:
            self.resumed.emit()

    def _remove(self, item: NeuronMapItem) -> None:
        item.setParentItem(None)
        if item.scene() is not None:
            item.scene().removeItem(item)
