"""Check yourself: before a step is revealed, type one of its values (or its sign)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.stepthrough.quiz import Question, grade, pick_question
from core.stepthrough.steps import Step


class QuizBox(QWidget):
    answered = Signal()  # the learner answered; the verdict is shown

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rng = np.random.default_rng()
        self.question: Question | None = None
        self.prompt = QLabel(self)
        self.prompt.setWordWrap(True)
        self.kind = QComboBox(self)
        self.kind.addItems(["value", "sign"])
        self.kind.setToolTip("Ask for the value, or only the sign (+, - or 0)")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.answer = QLineEdit(self)
        self.answer.setPlaceholderText("your answer, e.g. -0.28")
        self.answer.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check", self)
        self.check_button.clicked.connect(self.check)
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addWidget(self.answer, 1)
        row.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.prompt)
        layout.addLayout(row)
        layout.addWidget(self.verdict)

    @property
    def awaiting(self) -> bool:
        """A question is asked and not yet answered."""
        return self.question is not None and self.isVisible() and self.answer.isEnabled()

    def ask(self, step: Step) -> None:
        self.question = pick_question(step, self.rng, kind=self.kind.currentText())
        self.prompt.setText(f"<b>{self.question.prompt()}</b>")
        self.answer.clear()
        self.answer.setEnabled(True)
        self.check_button.setEnabled(True)
        self.verdict.clear()
        self.show()
        self.answer.setFocus()

    def _kind_changed(self) -> None:
        if self.question is not None and self.answer.isEnabled():
            self.ask(self.question.step)

    def check(self) -> None:
        if self.question is None or not self.answer.isEnabled():
            return
        result = grade(self.question, self.answer.text())
        colour = "#2e7d32" if result.correct else "#b71c1c"
        self.verdict.setText(f"<span style='color:{colour}'><b>{result.message}</b></span> "
                             "The working is shown below the formula.")
        self.answer.setEnabled(False)
        self.check_button.setEnabled(False)
        self.answered.emit()
