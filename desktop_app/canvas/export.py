"""The canvas as an image: the whole network as an SVG (vectors) or a PNG at twice its size."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from .scene import NetworkScene


def scene_image(scene: NetworkScene, scale: float = 2.0) -> QImage:
    """Every item of ``scene`` on white, at ``scale`` times its size (handouts and slides use it too)."""
    source = scene.itemsBoundingRect().adjusted(-24, -24, 24, 24)
    image = QImage((source.size() * scale).toSize(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), source)
    painter.end()
    return image


def export_scene(scene: NetworkScene, path: Path) -> None:
    """Write every item of ``scene`` to ``path``: SVG when it ends in .svg, else a PNG (2×).

    Raises
    ------
    OSError
        When the PNG cannot be written.
    """
    source = scene.itemsBoundingRect().adjusted(-24, -24, 24, 24)
    size = source.size().toSize()
    if path.suffix.lower() == ".svg":
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle("Backprop Studio network")
        painter = QPainter(generator)
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)
        painter.end()
        return
    image = scene_image(scene)
    if not image.save(str(path)):
        raise OSError(f"could not write the image {path}")
