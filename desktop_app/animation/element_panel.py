"""The element view beside the formula panel.

Selecting a neuron, a weight or a bias on the canvas during a step expands that step's
vector equation into one scalar equation with the numbers
(:func:`core.stepthrough.elements.element_view`), typeset like the formula panel.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.stepthrough.elements import ElementView, NotAnElement, element_view
from core.stepthrough.explain import Term

from .equation_view import EquationView

HINT = "Select a neuron or a weight on the canvas to see this step for that one element."


def _label(parent) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def _sides(latex: str) -> list[Term]:
    """An equation as terms split before each top-level "=", so it wraps there."""
    parts, depth, start = [], 0, 0
    for at, ch in enumerate(latex):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "=" and depth == 0 and at > 0:
            parts.append(latex[start:at])
            start = at
    parts.append(latex[start:])
    return [Term(part) for part in parts if part.strip()]


class ElementPanel(QWidget):
    """Shows the element view of the current step for the canvas selection."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.view: ElementView | None = None
        self.title = _label(self)
        self.title.setStyleSheet("color: #455a64; font-weight: bold;")
        self.equations = EquationView(self)  # the scalar equation, then the same with the numbers
        self.note = _label(self)
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        for widget in (self.title, self.equations, self.note):
            layout.addWidget(widget)

    def show_element(self, step, trace, selection, lr: float) -> None:
        """Expand ``step`` at the canvas ``selection`` (a Selection, or None)."""
        self.view = None
        self.equations.clear()
        self.note.clear()
        self.note.hide()
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
        self.equations.set_lines([_sides(self.view.symbolic), _sides(self.view.numbers)])
        self.equations.setToolTip(self.view.text())
        self.note.setText(self.view.note)
        self.note.setVisible(bool(self.view.note))
