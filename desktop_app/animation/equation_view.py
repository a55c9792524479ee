"""A line of an equation with its numbers, typeset: formula pieces by mathtext, vectors and
matrices drawn as real column vectors and matrices in parentheses.

It draws the :class:`~core.stepthrough.explain.Term` s of an Explanation line (LaTeX pieces
and values). Lines wrap at the widget's width, before an "=" where possible. The Unicode
text of the same line is the tooltip and what Copy puts on the clipboard.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from core.stepthrough.explain import Term, terms_text
from core.stepthrough.numbers import EDGE_ITEMS, LONG, number

from .typeset import formula_pixmap

GAP = 5.0  # px between pieces
ROW_GAP = 8.0
COLUMN_GAP = 14.0
BRACKET = 7.0
INK = "#202020"


@dataclass
class Piece:
    width: float
    height: float
    pixmap: QPixmap | None = None  # a formula piece
    cells: list[list[str]] | None = None  # a vector or matrix, row by row
    text: str = ""  # a plain number
    transpose: bool = False
    breakable: bool = False  # a line may wrap before this piece (an "=")


def _summarised(values: np.ndarray) -> list[list[str]]:
    """Rows of cell texts; an axis longer than LONG keeps its first and last EDGE_ITEMS."""
    values = np.atleast_2d(values)
    rows = list(range(values.shape[0]))
    cols = list(range(values.shape[1]))
    if len(rows) > LONG:
        rows = rows[:EDGE_ITEMS] + [-1] + rows[-EDGE_ITEMS:]
    if len(cols) > LONG:
        cols = cols[:EDGE_ITEMS] + [-1] + cols[-EDGE_ITEMS:]
    return [["⋮" if r < 0 else ("⋯" if c < 0 else number(values[r, c])) for c in cols] for r in rows]


class EquationView(QWidget):
    """Shows one or more lines of Terms, typeset."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.scale = 1.0  # larger in the presentation mode
        self.font_ = QFont("DejaVu Sans")
        self.font_.setPixelSize(15)
        self.metrics = QFontMetricsF(self.font_)
        self.lines: list[list[Term]] = []
        self.pieces: list[list[Piece]] = []
        self._placed: list[tuple[Piece, QPointF]] = []
        self._height = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    # -- content ------------------------------------------------------------------------
    def set_lines(self, lines: list[list[Term]]) -> None:
        self.lines = lines
        self.pieces = [self._pieces(line) for line in lines]
        self.setToolTip("\n".join(terms_text(line) for line in lines))
        self._layout()
        self.update()

    def set_scale(self, scale: float) -> None:
        """Draw the numbers and formulas ``scale`` times larger (the presentation mode)."""
        self.scale = scale
        self.font_.setPixelSize(round(15 * scale))
        self.metrics = QFontMetricsF(self.font_)
        self.set_lines(self.lines)

    def text(self) -> str:
        """The lines as Unicode text (what Copy gives)."""
        return "\n".join(terms_text(line) for line in self.lines)

    def clear(self) -> None:
        self.set_lines([])

    def _pieces(self, line: list[Term]) -> list[Piece]:
        pieces, latex = [], ""

        def flush():
            nonlocal latex
            text = latex.replace(r"\left(", "(").replace(r"\right)", ")")
            binary = re.match(r"\s+([-+])\s", text)  # " - η…" between two matrices: keep it binary
            if binary:  # an empty group on each side makes mathtext space the sign as an operator
                rest = text[binary.end():].strip()
                text = "{}" + binary.group(1) + (rf"\ {rest}" if rest else "{}")
            else:
                text = text.strip()
            latex = ""
            if text.replace(r"\,", "").replace(r"\ ", "").strip():  # spacing alone is the gap
                pixmap = formula_pixmap(text, color=INK, scale=self.scale)
                breakable = text.startswith("=")
                if pixmap is None:
                    w = self.metrics.horizontalAdvance(text)
                    pieces.append(Piece(w, self.metrics.height(), text=text, breakable=breakable))
                else:
                    ratio = pixmap.devicePixelRatio() or 1.0
                    pieces.append(Piece(pixmap.width() / ratio, pixmap.height() / ratio, pixmap=pixmap,
                                        breakable=breakable))

        for term in line:
            if not term.is_value:
                if term.latex.lstrip().startswith("="):
                    flush()  # a line may wrap before an "="
                latex += term.latex
                continue
            value = np.asarray(term.value, dtype=float)
            if value.ndim == 0:  # a number is typeset with the formula around it
                latex += f" {number(value)} "
                continue
            flush()
            cells = _summarised(value[:, None] if value.ndim == 1 else value)
            pieces.append(self._matrix_piece(cells, term.transpose))
        flush()
        return pieces

    def _matrix_piece(self, cells: list[list[str]], transpose: bool) -> Piece:
        widths = [max(self.metrics.horizontalAdvance(row[c]) for row in cells) for c in range(len(cells[0]))]
        width = sum(widths) + COLUMN_GAP * (len(widths) - 1) + 2 * BRACKET + 6
        height = len(cells) * self.metrics.height() + 6
        if transpose:
            width += self.metrics.horizontalAdvance("T") + 2
        return Piece(width, height, cells=cells, transpose=transpose)

    # -- layout and painting ------------------------------------------------------------
    def _layout(self) -> None:
        width = max(200.0, float(self.width()) - 4)
        placed, y = [], 2.0
        for line in self.pieces:
            rows, row = [], []
            for piece in line:
                row.append(piece)
                if self._extent(row) > width and len(row) > 1:
                    # wrap before the last "=" of the row that leaves something on it
                    cut = max((n for n, p in enumerate(row) if p.breakable and n > 0), default=len(row) - 1)
                    rows.append(row[:cut])
                    row = row[cut:]
            if row:
                rows.append(row)
            rows = [self._placed_row(r, 0.0 if n == 0 else 24.0) for n, r in enumerate(rows)]  # continued: indented
            for row in rows:
                height = max(p.height for p, _ in row)
                for piece, x in row:
                    placed.append((piece, QPointF(2 + x, y + (height - piece.height) / 2)))
                y += height + ROW_GAP
        self._placed, self._height = placed, y
        self.setMinimumHeight(int(y) + 2 if self.pieces else 0)
        self.updateGeometry()

    @staticmethod
    def _extent(row: list[Piece]) -> float:
        return 24.0 + sum(p.width + GAP for p in row)

    @staticmethod
    def _placed_row(row: list[Piece], indent: float) -> list[tuple[Piece, float]]:
        placed, x = [], indent
        for piece in row:
            placed.append((piece, x))
            x += piece.width + GAP
        return placed

    def sizeHint(self) -> QSize:
        return QSize(400, int(self._height) + 2)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._layout()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(self.font_)
        painter.setPen(QColor(INK))
        for piece, at in self._placed:
            if piece.pixmap is not None:
                painter.drawPixmap(at, piece.pixmap)
            elif piece.cells is not None:
                self._paint_matrix(painter, piece, at)
            else:
                painter.drawText(QRectF(at.x(), at.y(), piece.width + 2, piece.height),
                                 Qt.AlignmentFlag.AlignVCenter, piece.text)
        painter.end()

    def _paint_matrix(self, painter: QPainter, piece: Piece, at: QPointF) -> None:
        cells, m = piece.cells, self.metrics
        assert cells is not None
        widths = [max(m.horizontalAdvance(row[c]) for row in cells) for c in range(len(cells[0]))]
        top, bottom = at.y() + 1, at.y() + piece.height - 1
        inner_right = at.x() + BRACKET + 3 + sum(widths) + COLUMN_GAP * (len(widths) - 1)
        pen = QPen(QColor(INK), 1.3)
        painter.setPen(pen)
        for left, sign in ((at.x() + BRACKET, -1), (inner_right + 3, 1)):  # ( and )
            path = QPainterPath(QPointF(left, top))
            path.quadTo(QPointF(left + sign * BRACKET, (top + bottom) / 2), QPointF(left, bottom))
            painter.drawPath(path)
        y = at.y() + 3
        for row in cells:
            x = at.x() + BRACKET + 3
            for c, text in enumerate(row):
                align = Qt.AlignmentFlag.AlignHCenter if text in ("⋮", "⋯") else Qt.AlignmentFlag.AlignRight
                painter.drawText(QRectF(x, y, widths[c], m.height()), align | Qt.AlignmentFlag.AlignVCenter, text)
                x += widths[c] + COLUMN_GAP
            y += m.height()
        if piece.transpose:
            small = QFont(self.font_)
            small.setPixelSize(round(11 * self.scale))
            painter.setFont(small)
            painter.drawText(QPointF(inner_right + BRACKET + 2, top + 10), "T")
            painter.setFont(self.font_)

    def _menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction("Copy as text", lambda: QGuiApplication.clipboard().setText(self.text()))
        menu.exec(self.mapToGlobal(pos))
