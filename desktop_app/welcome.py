"""The start screen: a card over the empty canvas offering the worked example, the rest, and
the files opened recently."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .plain_text import plain_label, tooltip

MAX_RECENT_SHOWN = 6
CHOICES_WIDTH = 430  # px: the hints wrap within it
RECENT_WIDTH = 230


class WelcomeCard(QFrame):
    """Shown at start-up over the canvas; any choice (or the first edit) hides it."""

    chosen = Signal(str)  # "textbook", "lesson", "spiral", "open" or "new"
    open_file = Signal(str)  # a recent file

    CHOICES = (
        ("textbook", "Step through the worked example",
         "The 3-3-3-2 network of the notes with x = [2, 5, 3], y = [1, 0]: every number of the "
         "forward pass, backpropagation and the update, one equation at a time."),
        ("lesson", "Follow the lesson “Backpropagation by hand”",
         "The same example as a guided lesson: a page per equation, a question on each, your answers "
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
            "QLabel#hint { color: #607d8b; }"
            "QPushButton#recent { font-weight: normal; border: none; padding: 4px 8px; color: #0b5cad; }"
            "QPushButton#recent:hover, QPushButton#recent:focus { text-decoration: underline; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        title = QLabel("<h2>Welcome to Backprop Studio</h2>"
                       "<p>Watch a neural network learn, one equation at a time.</p>")
        layout.addWidget(title)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        layout.addLayout(columns)
        choices = QVBoxLayout()
        choices.setSpacing(3)
        columns.addLayout(choices)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, hint in self.CHOICES:
            button = QPushButton(text)
            button.clicked.connect(lambda checked=False, k=key: self._choose(k))
            label = QLabel(hint)
            label.setObjectName("hint")
            label.setWordWrap(True)
            label.setContentsMargins(14, 0, 0, 6)
            label.setFixedWidth(CHOICES_WIDTH)
            button.setFixedWidth(CHOICES_WIDTH)
            button.setAccessibleDescription(hint)
            choices.addWidget(button)
            choices.addWidget(label)
            self.buttons[key] = button
        self.recent_box = QWidget(self)
        self.recent_box.setFixedWidth(RECENT_WIDTH)
        self.recent_layout = QVBoxLayout(self.recent_box)
        self.recent_layout.setContentsMargins(0, 0, 0, 0)
        columns.addWidget(self.recent_box, 0, Qt.AlignmentFlag.AlignTop)
        self.recent_buttons: list[QPushButton] = []
        self.set_recent([])
        self.adjustSize()
        parent.installEventFilter(self)  # stay centred when the canvas changes size

    def eventFilter(self, watched, event) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False

    def set_recent(self, paths: list[str]) -> None:
        """List the files opened recently (newest first); the column hides when there are none."""
        while self.recent_layout.count():
            widget = self.recent_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.recent_buttons = []
        shown = paths[:MAX_RECENT_SHOWN]
        if shown:
            self.recent_layout.addWidget(QLabel("<b>Recent files</b>"))
        for path in shown:
            name = Path(path).name
            button = QPushButton(name)  # a file name is plain text: QPushButton shows no markup
            button.setObjectName("recent")
            button.setToolTip(tooltip(path))  # a path may hold markup: shown literally
            button.setAccessibleName(f"Open the recent file {name}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda checked=False, p=path: self._open(p))
            folder = plain_label()
            folder.setObjectName("hint")
            folder.setContentsMargins(8, 0, 0, 4)
            folder.setText(folder.fontMetrics().elidedText(str(Path(path).parent), Qt.TextElideMode.ElideLeft,
                                                           RECENT_WIDTH - 24))
            folder.setToolTip(tooltip(path))
            self.recent_layout.addWidget(button)
            self.recent_layout.addWidget(folder)
            self.recent_buttons.append(button)
        self.recent_layout.addStretch(1)
        self.recent_box.setVisible(bool(shown))
        self.layout().activate()
        self.resize(self.sizeHint())

    def _open(self, path: str) -> None:
        self.hide()
        self.open_file.emit(path)

    def _choose(self, key: str) -> None:
        self.hide()
        self.chosen.emit(key)

    def place(self) -> None:
        """Centre over the parent."""
        parent = self.parentWidget()
        self.layout().activate()
        self.resize(self.sizeHint())
        self.move(max(0, (parent.width() - self.width()) // 2), max(0, (parent.height() - self.height()) // 3))
