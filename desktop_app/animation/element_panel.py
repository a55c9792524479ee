"""The element view beside the formula panel, and the colour legend of the step-through.

Selecting a neuron, a weight or a bias on the canvas during a step expands that step's
vector equation into one scalar equation with the numbers
(:func:`core.stepthrough.elements.element_view`), typeset like the formula panel.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.stepthrough.elements import ElementView, NotAnElement, element_view

from ..canvas.edges import HIGHLIGHT
from ..canvas.step_overlay import READ, WRITE
from .typeset import formula_pixmap

HINT = "Select a neuron or a weight on the canvas to see this step for that one element."


def _label(parent) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class ElementPanel(QWidget):
    """Shows the element view of the current step for the canvas selection."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.view: ElementView | None = None
        self.title = _label(self)
        self.title.setStyleSheet("color: #455a64; font-weight: bold;")
        self.symbolic = QLabel(self)
        self.numbers = QLabel(self)
        self.note = _label(self)
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        for widget in (self.title, self.symbolic, self.numbers, self.note):
            layout.addWidget(widget)

    def show_element(self, step, trace, selection, lr: float) -> None:
        """Expand ``step`` at the canvas ``selection`` (a Selection, or None)."""
        self.view = None
        for label in (self.symbolic, self.numbers):
            label.clear()
        self.note.clear()
        if step is None or trace is None:
            self.hide()
            return
        self.show()
        if selection is None or selection.kind not in ("neuron", "weight", "bias"):
            self.title.setText(HINT)
            return
        key = (selection.kind, selection.layer) + tuple(v for v in (selection.i, selection.j) if v is not None)
        try:
            self.view = element_view(step, trace, key, lr=lr)
        except NotAnElement as exc:
            self.title.setText(f"Element view: {exc}.")
            return
        self.title.setText(f"Element view: {self.view.element.text()}  ({self.view.element})")
        for label, latex in ((self.symbolic, self.view.symbolic), (self.numbers, self.view.numbers)):
            pixmap = formula_pixmap(latex, dpi=115)
            if pixmap is None:
                label.setText(latex)
            else:
                label.setPixmap(pixmap)
            label.setToolTip(self.view.text())
        self.note.setText(self.view.note)
        self.note.setVisible(bool(self.view.note))


def legend(parent=None) -> QWidget:
    """teal = read, magenta = written, the selection ring's own colour."""
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for colour, text in ((READ, "read"), (WRITE, "written"), (HIGHLIGHT, "selected")):
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
    return box
