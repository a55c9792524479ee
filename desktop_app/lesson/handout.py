"""The PDF handout (QPdfWriter): one page per lesson page or per step of the step-through.

A lesson page prints its title, its text with the math typeset, the canvas, the formula card
(the equation, its numbers, the element view) and its question with room for the answer;
the last page is the answer key, computed by the engine. Layout is in points of an A4 page,
images at twice the screen resolution.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from core.export.sources import ExportError
from core.lesson.markdown import plain_text
from core.lesson.model import Lesson
from core.lesson.questions import ChoiceQuestion, GoalQuestion
from core.lesson.session import LessonSession

from .frames import View
from .text_view import fill_document

RESOLUTION = 300  # dots per inch of the PDF's raster parts
POINT = RESOLUTION / 72  # device pixels per point
OVERSAMPLE = 3.0  # math in the text is typeset at three times the screen's resolution
SCREEN_DPI = 96  # what a QTextDocument without a paint device lays its pixels out at


class Flow:
    """Blocks laid out down the page, a new page when the next one does not fit."""

    def __init__(self, writer: QPdfWriter, title: str) -> None:
        self.writer, self.title = writer, title
        self.painter = QPainter(writer)
        self.painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                                    | QPainter.RenderHint.SmoothPixmapTransform)
        rect = writer.pageLayout().paintRectPixels(RESOLUTION)
        self.width, self.height = rect.width(), rect.height()
        self.y = 0.0
        self.pages = 1
        self._header()

    def _header(self) -> None:
        self.y = 0.0
        self._text(self.title, 8, colour="#78909c")
        self.painter.drawText(QRectF(0, 0, self.width, 10 * POINT), Qt.AlignmentFlag.AlignRight, f"{self.pages}")
        self.y = 18 * POINT

    def new_page(self) -> None:
        self.writer.newPage()
        self.pages += 1
        self._header()

    def room(self, height: float) -> None:
        """A new page unless ``height`` fits below (a block taller than a page gets a page of its own)."""
        if self.y + height > self.height and self.y > 20 * POINT:
            self.new_page()

    def _text(self, text: str, size: float, *, bold: bool = False, colour: str = "#202020") -> float:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        self.painter.setFont(font)
        self.painter.setPen(QColor(colour))
        box = QRectF(0, self.y, self.width, self.height)
        bounds = self.painter.boundingRect(box, Qt.TextFlag.TextWordWrap, text)
        self.painter.drawText(box, Qt.TextFlag.TextWordWrap, text)  # plain text: never markup
        return bounds.height()

    def heading(self, text: str, size: float = 16) -> None:
        self.room(size * 2 * POINT)
        self.y += self._text(text, size, bold=True) + 6 * POINT

    def line(self, text: str, size: float = 10, colour: str = "#202020") -> None:
        self.room(size * 2 * POINT)
        self.y += self._text(text, size, colour=colour) + 4 * POINT

    def markdown(self, text: str, size: float = 10.5) -> None:
        """The lesson's Markdown subset, math typeset, laid out in points (72 per inch)."""
        if not text.strip():
            return
        document = QTextDocument()
        document.setDocumentMargin(0)
        fill_document(document, text, point_size=size, dpi=SCREEN_DPI, oversample=OVERSAMPLE)
        scale = RESOLUTION / SCREEN_DPI  # the document's pixels are the screen's
        document.setTextWidth(self.width / scale)
        height = document.size().height() * scale
        self.room(height)
        self.painter.save()
        self.painter.translate(0, self.y)
        self.painter.scale(scale, scale)
        document.drawContents(self.painter)
        self.painter.restore()
        self.y += height + 6 * POINT

    def image(self, image: QImage, max_height_share: float = 0.42, *, frame: bool = False) -> None:
        """``image`` (made at twice screen size) at most the page width and a share of its height."""
        width = min(self.width, image.width() / 2 / SCREEN_DPI * RESOLUTION)  # 2× screen pixels → dots
        height = width * image.height() / image.width()
        if height > self.height * max_height_share:
            height = self.height * max_height_share
            width = height * image.width() / image.height()
        self.room(height)
        target = QRectF((self.width - width) / 2, self.y, width, height)
        self.painter.drawImage(target, image)
        if frame:
            self.painter.setPen(QColor("#cfd8dc"))
            self.painter.drawRect(target)
        self.y += height + 8 * POINT

    def finish(self) -> None:
        self.painter.end()


def _writer(path: Path, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("Backprop Studio")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 16, 18, 16), QPageLayout.Unit.Millimeter))
    return writer


@contextmanager
def _pdf(path: Path, title: str) -> Iterator[Flow]:
    """A Flow onto a temporary file beside ``path``, renamed over it once complete (else removed)."""
    if not path.name or path.is_dir():
        raise ExportError(f"{path}: not a file name to write a PDF to")
    temporary = path.with_name(f".{path.name}.tmp")
    flow = Flow(_writer(temporary, title), title)
    try:
        yield flow
    except BaseException:
        flow.finish()
        temporary.unlink(missing_ok=True)
        raise
    flow.finish()
    if not temporary.is_file() or temporary.stat().st_size == 0:
        temporary.unlink(missing_ok=True)
        raise ExportError(f"{path}: the PDF could not be written")
    os.replace(temporary, path)


def write_lesson_handout(views: Iterable[View], lesson: Lesson, session: LessonSession, path: str | Path) -> Path:
    """The lesson as a handout: a page per lesson page, then the answer key."""
    path = Path(path)
    with _pdf(path, lesson.title) as flow:
        _lesson_pages(flow, views, lesson, session)
    return path


def _lesson_pages(flow: Flow, views: Iterable[View], lesson: Lesson, session: LessonSession) -> None:
    first = True
    for view in views:
        if not first:
            flow.new_page()
        first = False
        page = view.page
        assert page is not None
        flow.heading(f"{view.number}. {page.title}")
        flow.markdown(page.text)
        flow.image(view.canvas)
        if view.card is not None:
            flow.image(view.card, 0.3, frame=True)
        question = page.question
        if question is not None:
            flow.heading("Question", 12)
            flow.markdown(question.prompt)
            if isinstance(question, ChoiceQuestion):
                for number, option in enumerate(question.options, start=1):
                    flow.markdown(f"{number}. {option}")
            elif isinstance(question, GoalQuestion):
                flow.line(f"Goal: {question.describe()}.")
            else:
                flow.line("Answer: ______________________________", 11)
    if lesson.questions():
        flow.new_page()
        flow.heading("Answers")
        for index, _question in lesson.questions():
            flow.line(f"{index + 1}. {lesson.pages[index].title}: {plain_text(session.expected(index))}", 10)


def write_steps_handout(views: Iterable[View], title: str, path: str | Path) -> Path:
    """The step-through as a handout: a page per step, the canvas and the formula card."""
    path = Path(path)
    with _pdf(path, title) as flow:
        for number, view in enumerate(views):
            if number:
                flow.new_page()
            flow.heading(view.caption, 12)
            flow.image(view.canvas, 0.45)
            if view.card is not None:
                flow.image(view.card, 0.4, frame=True)
    return path
