"""The start screen: a card over the empty canvas offering the worked example and the rest."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomeCard(QFrame):
    """Shown at start-up over the canvas; any choice (or the first edit) hides it."""

    chosen = Signal(str)  # "textbook", "lesson", "spiral", "open" or "new"

    CHOICES = (
        ("textbook", "Step through the worked example",
         "The 3-3-3-2 network of the notes with x = [2, 5, 3], y = [1, 0]: every number of the\n"
         "forward pass, backpropagation and the update, one equation at a time."),
        ("lesson", "Follow the lesson “Backpropagation by hand”",
         "The same example as a guided lesson: a page per equation, a question on each, your answers\n"
         "remembered and a summary to hand in."),
        ("spiral", "Train a spiral classifier", "A 2-8-8-2 network on the two-arm spiral, with live plots."),
        ("open", "Open a network…", "A network file you saved before."),
        ("new", "Build your own", "Start from a 2-4-2 network and drag layers onto the canvas."),
    )

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setStyleSheet(
            "#welcome { background: rgba(255, 255, 255, 240); border: 1px solid #cfd8dc; border-radius: 10px; }"
            "QPushButton { text-align: left; padding: 8px 12px; font-weight: bold; }"
            "QLabel#hint { color: #607d8b; margin: 0 0 8px 14px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        title = QLabel("<h2>Welcome to Backprop Studio</h2>"
                       "<p>Watch a neural network learn, one equation at a time.</p>")
        layout.addWidget(title)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, hint in self.CHOICES:
            button = QPushButton(text)
            button.clicked.connect(lambda checked=False, k=key: self._choose(k))
            label = QLabel(hint)
            label.setObjectName("hint")
            layout.addWidget(button)
            layout.addWidget(label)
            self.buttons[key] = button
        self.adjustSize()

    def _choose(self, key: str) -> None:
        self.hide()
        self.chosen.emit(key)

    def place(self) -> None:
        """Centre over the parent."""
        parent = self.parentWidget()
        self.adjustSize()
        self.move(max(0, (parent.width() - self.width()) // 2), max(0, (parent.height() - self.height()) // 3))
