"""Check yourself: before a step is revealed, type one of its values (or its sign).

Check grades the answer (an empty or unreadable answer is not graded and does not
advance); a right answer reveals the step; a wrong one offers Retry and Reveal. The score
counts the answers right at the first try over the pass.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.stepthrough.numbers import number
from core.stepthrough.quiz import KINDS, PLACEHOLDERS, Question, Score, grade, pick_question

RIGHT, WRONG, NEUTRAL = "#2e7d32", "#b71c1c", "#455a64"


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class QuizBox(QWidget):
    answered = Signal()  # the learner answered right or asked to reveal: show the step

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rng = np.random.default_rng()
        self.question: Question | None = None
        self.score = Score()
        self.tries = 0
        self.prompt = _plain(QLabel(self))
        self.prompt.setStyleSheet("font-weight: bold;")
        self.kind = QComboBox(self)
        self.kind.addItems(list(KINDS))
        self.kind.setToolTip("Ask for the value, or only the sign (+, - or 0)")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.answer = QLineEdit(self)
        self.answer.setPlaceholderText(PLACEHOLDERS["value"])
        self.answer.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check", self)
        self.check_button.clicked.connect(self.check)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setToolTip("Try the same question again")
        self.retry_button.clicked.connect(self.retry)
        self.reveal_button = QPushButton("Reveal", self)
        self.reveal_button.setToolTip("Show the value and the step")
        self.reveal_button.clicked.connect(self.reveal)
        self.verdict = _plain(QLabel(self))
        self.score_label = _plain(QLabel(self))
        self.score_label.setStyleSheet(f"color: {NEUTRAL};")
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addWidget(self.answer, 1)
        for button in (self.check_button, self.retry_button, self.reveal_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.prompt)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addWidget(self.score_label)
        self._buttons(asking=False)

    @property
    def awaiting(self) -> bool:
        """A question is asked and not yet answered right or revealed."""
        return self.question is not None and self.isVisible() and self.answer.isEnabled()

    def _buttons(self, *, asking: bool, wrong: bool = False) -> None:
        self.answer.setEnabled(asking and not wrong)
        self.check_button.setEnabled(asking and not wrong)
        self.retry_button.setVisible(wrong)
        self.reveal_button.setVisible(asking or wrong)
        self.reveal_button.setEnabled(asking or wrong)

    def ask(self, step) -> None:
        self.question = pick_question(step, self.rng, kind=self.kind.currentText())
        self.tries = 0
        self.score.asked += 1
        self._pose()

    def _pose(self) -> None:
        question = self.question
        assert question is not None
        self.prompt.setText(question.prompt())
        self.answer.clear()
        self.answer.setPlaceholderText(question.placeholder)
        self.verdict.clear()
        self._buttons(asking=True)
        self._show_score()
        self.show()
        self.answer.setFocus()

    def _kind_changed(self) -> None:
        self.answer.setPlaceholderText(PLACEHOLDERS[self.kind.currentText()])
        if self.question is not None and self.answer.isEnabled():
            self.question = Question(self.question.step, self.question.index, self.kind.currentText())
            self._pose()

    def check(self) -> None:
        if self.question is None or not self.answer.isEnabled():
            return
        result = grade(self.question, self.answer.text())
        if not result.accepted:  # nothing to grade: say what to type, ask again
            self._say(result.message, NEUTRAL)
            self.answer.setFocus()
            return
        self.tries += 1
        self.score.record(result, first_try=self.tries == 1)
        self._show_score()
        if result.correct:
            self._say(result.message + " The working is shown above.", RIGHT)
            self._buttons(asking=False)
            self.answered.emit()
        else:
            self._say(result.message, WRONG)
            self._buttons(asking=True, wrong=True)

    def retry(self) -> None:
        if self.question is not None:
            self.answer.clear()
            self.verdict.clear()
            self._buttons(asking=True)
            self.answer.setFocus()

    def reveal(self) -> None:
        if self.question is None:
            return
        self.score.revealed += 1
        self._say(f"The value is {number(self.question.answer)}. The working is shown above.", NEUTRAL)
        self._buttons(asking=False)
        self._show_score()
        self.answered.emit()

    def reset_score(self) -> None:
        self.score = Score()
        self._show_score()

    def _say(self, text: str, colour: str) -> None:
        self.verdict.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.verdict.setText(text)

    def _show_score(self) -> None:
        self.score_label.setText(self.score.text())
