"""A lesson's text on screen and on paper: the Markdown subset, with $math$ typeset.

The text is parsed by :mod:`core.lesson.markdown` and written into a QTextDocument run by
run through a QTextCursor: words are inserted as plain text (never HTML, so a lesson from
anyone cannot load an image or a link), math is a picture typeset by matplotlib's mathtext
like the formula panel. Math that cannot be typeset is shown as its source, in code style.
"""
from __future__ import annotations

import io
from functools import lru_cache

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

from core.lesson.markdown import Block, Run, parse

from ..plain_text import tooltip

INK = "#202020"
CODE_INK = "#6a1b9a"
HEADING_SIZES = {1: 1.45, 2: 1.25, 3: 1.1}


def fill_document(document: QTextDocument, text: str, *, point_size: float = 10.5, dpi: float = 96,
                  ink: str = INK, oversample: float = 1.0) -> None:
    """Replace ``document``'s content with ``text`` (the lesson Markdown subset), typeset.

    ``dpi`` is the resolution of the document's pixels (96 on screen), so the math (mathtext
    sets 12 pt) comes out at the size of the words around it; ``oversample`` typesets it at
    that many times the resolution, for print.
    """
    document.clear()
    base = QFont(document.defaultFont())
    base.setPointSizeF(point_size)
    document.setDefaultFont(base)
    cursor = QTextCursor(document)
    first = True
    counter = [0]
    for block in parse(text):
        if not first:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        first = False
        _write_block(document, cursor, block, point_size, dpi, ink, counter, oversample)


def _write_block(document: QTextDocument, cursor: QTextCursor, block: Block, size: float, dpi: float,
                 ink: str, counter: list[int], oversample: float) -> None:
    fmt = QTextBlockFormat()
    fmt.setBottomMargin(6)
    char = QTextCharFormat()
    char.setForeground(QColor(ink))
    char.setFontPointSize(size)
    if block.kind == "heading":
        char.setFontWeight(QFont.Weight.Bold)
        char.setFontPointSize(size * HEADING_SIZES.get(block.level, 1.0))
        fmt.setTopMargin(4)
    elif block.kind == "math":
        fmt.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        fmt.setTopMargin(2)
    cursor.setBlockFormat(fmt)
    if block.kind in ("bullet", "number"):
        style = QTextListFormat.Style.ListDisc if block.kind == "bullet" else QTextListFormat.Style.ListDecimal
        current = cursor.currentList()
        if current is None or current.format().style() != style:
            list_format = QTextListFormat()
            list_format.setStyle(style)
            list_format.setIndent(1)
            if block.kind == "number":
                list_format.setStart(max(1, block.level))
            cursor.createList(list_format)
    display = block.kind == "math"
    for run in block.runs:
        _write_run(document, cursor, run, char, dpi * size / 12 * (1.35 if display else 1.2), ink, counter,
                   oversample)


PAD = 2  # px of room around a formula: mathtext's tight box clips antialiased tops at small sizes


@lru_cache(maxsize=1024)
def _math_png(latex: str, dpi: int, ink: str) -> tuple[bytes, float]:
    """The formula as a transparent PNG with PAD px around it, and its depth below the baseline (px).

    Typeset by matplotlib's mathtext at 12 pt, as the formula panel's (desktop_app.animation.typeset).
    """
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    prop = FontProperties(size=12)
    width, height, depth, _, _ = MathTextParser("path").parse(f"${latex}$", dpi=72, prop=prop)
    figure = Figure(figsize=(width / 72, height / 72))
    figure.text(0, depth / height, f"${latex}$", fontproperties=prop, color=ink)
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=dpi, format="png", transparent=True, bbox_inches="tight", pad_inches=PAD / dpi)
    return buffer.getvalue(), depth * dpi / 72 + PAD


def math_image(latex: str, dpi: int, ink: str, descent: float) -> QImage | None:
    """The formula on a transparent image whose bottom is ``descent`` px below the formula's baseline,
    so that, aligned to the bottom of a line of text, it sits on the text's baseline; None when
    mathtext cannot typeset it."""
    try:
        data, depth = _math_png(latex, dpi, ink)
    except Exception:  # a typo in a lesson's LaTeX: shown as its source instead
        return None
    image = QImage.fromData(data, "PNG")
    pad = int(round(descent - depth))
    if image.isNull() or pad <= 0:
        return None if image.isNull() else image
    padded = QImage(image.width(), image.height() + pad, QImage.Format.Format_ARGB32_Premultiplied)
    padded.fill(Qt.GlobalColor.transparent)
    painter = QPainter(padded)
    painter.drawImage(0, 0, image)
    painter.end()
    return padded


def _write_run(document: QTextDocument, cursor: QTextCursor, run: Run, base: QTextCharFormat, dpi: float,
               ink: str, counter: list[int], oversample: float = 1.0) -> None:
    char = QTextCharFormat(base)
    if run.kind == "math":
        descent = QFontMetricsF(char.font()).descent() * document_scale(document)
        picture = math_image(run.text, int(dpi * oversample), ink, descent * oversample)
        if picture is not None:
            counter[0] += 1
            name = f"lesson-math:{counter[0]}"
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), picture)
            image = QTextImageFormat()
            image.setName(name)
            image.setWidth(picture.width() / oversample)
            image.setHeight(picture.height() / oversample)
            image.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignBottom)
            image.setToolTip(tooltip(run.text))  # the lesson's LaTeX, shown literally
            cursor.insertImage(image)
            return
        run = Run("code", f"${run.text}$")  # cannot be typeset: the source, as typed
    if run.kind == "bold":
        char.setFontWeight(QFont.Weight.Bold)
    elif run.kind == "italic":
        char.setFontItalic(True)
    elif run.kind == "code":
        char.setFontFamilies(["DejaVu Sans Mono", "monospace"])
        char.setForeground(QColor(CODE_INK))
    cursor.insertText(run.text, char)


def document_scale(document: QTextDocument) -> float:
    """Pixels per screen pixel of the device the document is laid out for (1 on screen)."""
    device = document.documentLayout().paintDevice()
    return device.logicalDpiY() / 96 if device is not None else 1.0


class LessonText(QTextBrowser):
    """Read-only lesson text, typeset; its height follows its content when ``fit`` is set."""

    def __init__(self, parent: QWidget | None = None, *, point_size: float = 10.5, fit: bool = False) -> None:
        super().__init__(parent)
        self.point_size = point_size
        self.fit = fit
        self.source_text = ""
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if fit:
            self.setFrameShape(QFrame.Shape.NoFrame)
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            self.setStyleSheet("QTextBrowser { background: transparent; }")
            self.document().documentLayout().documentSizeChanged.connect(lambda _: self.updateGeometry())

    def show_text(self, text: str) -> None:
        """Show ``text`` (the Markdown subset) typeset; it is never read as HTML."""
        self.source_text = text
        fill_document(self.document(), text, point_size=self.point_size)
        self.updateGeometry()

    def plain(self) -> str:
        return self.document().toPlainText()

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 (Qt's name)
        """Only the typeset math this view made itself: nothing from a file, a path or the web."""
        if name.scheme() == "lesson-math":
            return super().loadResource(kind, name)
        return None

    def sizeHint(self) -> QSize:  # noqa: N802
        if not self.fit:
            return super().sizeHint()
        self.document().setTextWidth(max(50, self.viewport().width()))
        return QSize(super().sizeHint().width(), int(self.document().size().height()) + 6)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint() if self.fit else super().minimumSizeHint()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit:
            self.updateGeometry()
