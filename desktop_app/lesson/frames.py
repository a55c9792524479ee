"""What a handout and slides are made of: one view per lesson page, or per step of the
step-through, each rendered as the window shows it (the canvas with what the step reads and
writes, and the formula card: the equation, its numbers, the element view).

:func:`lesson_views` and :func:`step_views` put the window into each state in turn and yield
a :class:`View`; :func:`slide` composes one into a single image; :func:`write_gif` and
:func:`write_png_series` write the slides.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QRegion
from PySide6.QtWidgets import QApplication

from core.export.sources import ExportError
from core.lesson.model import Lesson, Page
from core.lesson.session import LessonSession
from core.stepthrough.latex_text import to_unicode

from ..canvas.export import scene_image
from ..canvas.items import ButtonItem
from . import view_state

if TYPE_CHECKING:
    from ..main_window import MainWindow

SLIDE_WIDTH = 1280
GIF_FRAME_MS = 2000
MAX_FRAMES = 500
CARD_WIDTH = 660  # px: a handout's text width (A4 less 2 × 18 mm) at the screen's 96 dpi


@dataclass
class View:
    """One state of the window, rendered: a caption, the canvas and the formula card (or None)."""

    number: int  # 1-based
    count: int
    caption: str
    canvas: QImage
    card: QImage | None
    page: Page | None = None  # the lesson page, for a handout


def _settle() -> None:
    app = QApplication.instance()
    if app is not None:
        for _ in range(3):
            app.processEvents()


def card_image(window: MainWindow, scale: float = 2.0, width: int = CARD_WIDTH) -> QImage | None:
    """The step-through's formula card as it is drawn now, at ``scale`` (None when no step is shown).

    A card wider than ``width`` pixels is laid out at that width for the picture (its text and
    equations wrap, as in a narrow dock), so a handout prints it at full size rather than shrunk.
    """
    steps = window.steps
    if steps.player is None or steps.player.current is None or not window.steps_dock.isVisible():
        return None
    card = steps.scroll.widget()
    old = card.size()
    narrow = max(width, card.minimumSizeHint().width())
    try:
        if card.width() > narrow:
            steps.scroll.setWidgetResizable(False)  # else the scroll area sizes the card back to the dock
            for _ in range(2):  # the equations wrap at the new width, then the card takes their height
                card.resize(narrow, max(card.sizeHint().height(), card.minimumSizeHint().height()))
                card.layout().activate()
        height = max(1, min(card.height(), card.sizeHint().height()))
        image = QImage(int(card.width() * scale), int(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(scale)
        image.fill(QColor("white"))
        card.render(image, QPoint(), QRegion(0, 0, card.width(), height))
        image.setDevicePixelRatio(1.0)
    finally:
        if card.size() != old:
            card.resize(old)
            steps.scroll.setWidgetResizable(True)
    return trimmed(image)


def trimmed(image: QImage, margin: int = 16) -> QImage:
    """``image`` without the white beyond its rightmost and lowest ink (the card is as wide as its dock)."""
    import numpy as np

    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(bytes(rgb.constBits()), dtype=np.uint32)[: rgb.bytesPerLine() // 4 * rgb.height()]
    pixels = pixels.reshape(rgb.height(), rgb.bytesPerLine() // 4)[:, : rgb.width()]
    ink = (pixels & 0xFFFFFF) < 0xF0F0F0  # darker than near-white
    inner = ink[12:-12, 12:-12]  # not the card's own border and its rounded corners
    if not inner.any():
        return image
    columns = np.flatnonzero(inner.any(axis=0))
    rows = np.flatnonzero(inner.any(axis=1))
    width = min(image.width(), int(columns[-1]) + 12 + margin)
    height = min(image.height(), int(rows[-1]) + 12 + margin)
    return image.copy(0, 0, width, height)


def _stop_animation(window: MainWindow) -> None:
    """The pulse along the edges frozen half-way (a still picture of a moving thing)."""
    overlay = getattr(window.view, "step_overlay", None)
    animation = getattr(overlay, "animation", None)
    if animation is not None and animation.state() == animation.State.Running:
        animation.pause()
        animation.setCurrentTime(animation.duration() // 2)


def canvas_image(window: MainWindow) -> QImage:
    """The canvas as it is drawn now, without its editing buttons (−, +, ×): nobody edits a handout."""
    scene = window.view.scene()
    buttons = [item for item in scene.items() if isinstance(item, ButtonItem) and item.isVisible()]
    for item in buttons:
        item.setVisible(False)
    try:
        return scene_image(scene)
    finally:
        for item in buttons:
            item.setVisible(True)


def render_view(window: MainWindow, number: int, count: int, caption: str, page: Page | None = None) -> View:
    _settle()
    _stop_animation(window)
    return View(number, count, caption, canvas_image(window), card_image(window), page)


def step_views(window: MainWindow) -> Iterator[View]:
    """Every step of the window's step-through, from the first equation to the update."""
    steps = window.steps
    if steps.player is None:
        raise ExportError(f"the network cannot be stepped through: {window.document.trace_error or 'no trace'}")
    window.steps_dock.show()
    count = len(steps.player)
    if count > MAX_FRAMES:
        raise ExportError(f"{count} steps; a handout or an animation has at most {MAX_FRAMES}")
    for position in range(1, count + 1):
        steps.seek(position)
        step = steps.player.current
        caption = f"Step {position} of {count} · {step.phase} · {to_unicode(step.formula)}"
        yield render_view(window, position, count, caption)


def lesson_views(window: MainWindow, lesson: Lesson) -> Iterator[View]:
    """Every page of ``lesson`` in the window, as a learner meets it (questions not yet answered)."""
    if len(lesson.pages) > MAX_FRAMES:
        raise ExportError(f"{len(lesson.pages)} pages; a handout or an animation has at most {MAX_FRAMES}")
    session = LessonSession(lesson, window.host.registry, remember=False)
    for index, page in enumerate(lesson.pages):
        view_state.apply_page(window, lesson, index, session, locks=False)
        yield render_view(window, index + 1, len(lesson.pages), page.title, page)


def slide(view: View, width: int = SLIDE_WIDTH) -> QImage:
    """One image: the caption, the canvas, the formula card below it, on white."""
    margin, caption_height = 24, 44
    canvas = view.canvas.scaledToWidth(width - 2 * margin, Qt.TransformationMode.SmoothTransformation)
    if canvas.height() > width * 0.5:
        canvas = view.canvas.scaledToHeight(int(width * 0.5), Qt.TransformationMode.SmoothTransformation)
    card = None
    if view.card is not None:
        card = view.card.scaledToWidth(min(width - 2 * margin, view.card.width()),
                                       Qt.TransformationMode.SmoothTransformation)
    height = margin + caption_height + canvas.height() + (card.height() + margin if card else 0) + margin
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    font = QFont("DejaVu Sans")
    font.setPixelSize(22)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#263238"))
    painter.drawText(QRect(margin, margin, width - 2 * margin, caption_height), Qt.AlignmentFlag.AlignLeft
                     | Qt.AlignmentFlag.AlignVCenter, view.caption)  # drawText takes the caption as plain text
    font.setPixelSize(14)
    font.setBold(False)
    painter.setFont(font)
    painter.setPen(QColor("#78909c"))
    painter.drawText(QRect(margin, margin, width - 2 * margin, caption_height),
                     Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{view.number} / {view.count}")
    y = margin + caption_height
    painter.drawImage(QRectF((width - canvas.width()) / 2, y, canvas.width(), canvas.height()), canvas)
    y += canvas.height() + margin
    if card is not None:
        painter.setPen(QColor("#cfd8dc"))
        painter.drawRect(QRectF(margin - 1, y - 1, card.width() + 1, card.height() + 1))
        painter.drawImage(QRectF(margin, y, card.width(), card.height()), card)
    painter.end()
    return image


def write_png_series(views: Iterator[View], out: str | Path) -> list[Path]:
    """``out``-001.png, ``out``-002.png … (``out`` without its .png), or numbered files in a folder."""
    if isinstance(out, str) and out.endswith(("/", "\\")):  # a folder asked for ("slides/")
        Path(out).mkdir(parents=True, exist_ok=True)
    out = Path(out)
    if out.is_dir():
        stem = out / "slide"
    else:
        stem = out.with_suffix("") if out.suffix.lower() == ".png" else out
    written = []
    for view in views:
        path = Path(f"{stem}-{view.number:03d}.png")
        if not slide(view).save(str(path), "PNG"):
            raise ExportError(f"{path}: cannot be written")
        written.append(path)
    return written


def write_gif(views: Iterator[View], out: str | Path, frame_ms: int = GIF_FRAME_MS) -> Path:
    """An animated GIF, one frame per view, looping (Pillow writes it)."""
    from PIL import Image

    frames = [_pillow(slide(view)) for view in views]
    if not frames:
        raise ExportError("nothing to animate")
    width = max(f.width for f in frames)
    height = max(f.height for f in frames)
    canvas = []
    for frame in frames:  # one size for every frame: smaller ones on white
        base = Image.new("RGB", (width, height), "white")
        base.paste(frame, (0, 0))
        canvas.append(base.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE))
    out = Path(out)
    try:
        canvas[0].save(out, format="GIF", save_all=True, append_images=canvas[1:], duration=frame_ms, loop=0,
                       optimize=False)
    except OSError as exc:
        raise ExportError(f"{out}: cannot be written ({exc})") from None
    return out


def _pillow(image: QImage):
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())[: rgb.bytesPerLine() * rgb.height()]
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1)
