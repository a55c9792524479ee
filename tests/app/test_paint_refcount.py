"""Python paint() overrides must not corrupt the refcount of None.

PySide6 6.12.0 decremented None once per call of a Python ``paint`` override; after
enough repaints Python crashes. We pin 6.11.x; this test keeps the regression visible.
"""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from core.engine.network import Network
from desktop_app.canvas import NetworkView
from desktop_app.canvas.items import ButtonItem, LayerItem, NeuronItem
from desktop_app.document import Document


def test_repainting_the_scene_keeps_none_refcount(qtbot, host):
    view = NetworkView(Document(Network([3, 5, 4, 2], "tanh", seed=1), host))
    qtbot.addWidget(view)
    scene = view.scene_
    python_painted = [item for item in scene.items() if isinstance(item, (NeuronItem, LayerItem, ButtonItem))]
    assert python_painted and all("paint" in type(item).__dict__ for item in python_painted)
    painted = []
    original = NeuronItem.paint

    def counting(self, painter, option, widget=None):
        painted.append(1)
        original(self, painter, option, widget)

    NeuronItem.paint = counting
    try:
        image = QImage(800, 500, QImage.Format.Format_ARGB32_Premultiplied)
        source = scene.itemsBoundingRect()
        gc.collect()  # freeing unrelated garbage mid-loop would lower None's count too
        gc.disable()
        before = sys.getrefcount(None)
        for _ in range(300):
            image.fill(QColor("white"))
            painter = QPainter(image)
            scene.render(painter, QRectF(image.rect()), source)
            painter.end()
        after = sys.getrefcount(None)
    finally:
        gc.enable()
        NeuronItem.paint = original
    assert len(painted) >= 300 * 14  # the Python override really ran
    assert after >= before - 50, (before, after)
