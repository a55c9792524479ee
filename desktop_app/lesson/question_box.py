"""A page's question for the learner: the prompt, an answer field for its kind, Check, Retry
and Reveal, and the feedback (a hint after a wrong answer, the explanation once answered)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.lesson.grading import Verdict
from core.lesson.progress import Attempt
from core.lesson.questions import ChoiceQuestion, GoalQuestion, NumberQuestion, Question, SignsQuestion
from core.stepthrough.notation import text as symbol_text

from ..plain_text import plain_label
from .text_view import LessonText

RIGHT, WRONG = "#2e7d32", "#c62828"


class QuestionBox(QFrame):
    """Asks one question. ``answered(given)`` when the learner presses Check, ``reveal_requested``
    for Reveal; the pane grades and calls :meth:`show_verdict` / :meth:`show_reveal`."""

    answered = Signal(str)
    reveal_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionBox")
        self.setStyleSheet("#questionBox { background: #f5f9ff; border: 1px solid #c5d5ea; border-radius: 6px; }")
        self.question: Question | None = None
        self.units = 0
        self.prompt = LessonText(self, fit=True)
        self.line = QLineEdit(self)
        self.line.returnPressed.connect(self.check)
        self.choices = QWidget(self)
        self.choice_layout = QGridLayout(self.choices)
        self.choice_layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.goal = plain_label(parent=self)
        self.goal.setWordWrap(True)
        self.check_button = QPushButton("Check", self)
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setToolTip("Clear the answer and try again")
        self.retry_button.clicked.connect(self.retry)
        self.reveal_button = QPushButton("Reveal", self)
        self.reveal_button.setToolTip("Show the right answer (the summary says you asked)")
        self.reveal_button.clicked.connect(self.reveal_requested.emit)
        self.feedback = plain_label(parent=self)
        self.feedback.setWordWrap(True)
        self.hint = LessonText(self, fit=True, point_size=9.5)
        self.explanation = LessonText(self, fit=True, point_size=9.5)
        buttons = QHBoxLayout()
        for button in (self.check_button, self.retry_button, self.reveal_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.line)
        layout.addWidget(self.choices)
        layout.addWidget(self.goal)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        layout.addWidget(self.hint)
        layout.addWidget(self.explanation)

    # -- asking --------------------------------------------------------------------------
    def ask(self, question: Question, units: int = 0) -> None:
        """Show ``question`` unanswered (``units``: the length of a signs question's vector)."""
        self.question, self.units = question, units
        self.prompt.show_text(question.prompt)
        self.line.setVisible(isinstance(question, (NumberQuestion, SignsQuestion)))
        if isinstance(question, NumberQuestion):
            self.line.setPlaceholderText("a number, e.g. -0.2843")
        elif isinstance(question, SignsQuestion):
            example = " ".join(["+", "-", "0"][i % 3] for i in range(max(units, 1)))
            self.line.setPlaceholderText(f"{units} signs, one per unit of {symbol_text(question.quantity)}, "
                                         f"e.g. {example}")
        self._fill_choices(question)
        self.goal.setVisible(isinstance(question, GoalQuestion))
        if isinstance(question, GoalQuestion):
            self.goal.setText(f"Goal: {question.describe()}. Change and train the network; the goal is "
                              "checked after every epoch.")
            self.check_button.setText("Check the goal now")
        else:
            self.check_button.setText("Check")
        self.retry()

    def _fill_choices(self, question: Question) -> None:
        for button in self.group.buttons():
            self.group.removeButton(button)
        while self.choice_layout.count():
            item = self.choice_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.choices.setVisible(isinstance(question, ChoiceQuestion))
        if not isinstance(question, ChoiceQuestion):
            return
        for row, option in enumerate(question.options, start=1):
            radio = QRadioButton(f"{row}.", self.choices)
            self.group.addButton(radio, row)
            label = LessonText(self.choices, fit=True)
            label.show_text(option)
            self.choice_layout.addWidget(radio, row, 0)
            self.choice_layout.addWidget(label, row, 1)

    def given(self) -> str:
        """The answer as the learner gave it (a choice as its number)."""
        if isinstance(self.question, ChoiceQuestion):
            return str(max(self.group.checkedId(), 0))
        if isinstance(self.question, GoalQuestion):
            return ""
        return self.line.text()

    def check(self) -> None:
        if self.question is None or not self.check_button.isEnabled():
            return
        given = self.given()
        empty = ""
        if isinstance(self.question, ChoiceQuestion) and given == "0":
            empty = "Choose one of the answers first."
        elif isinstance(self.question, (NumberQuestion, SignsQuestion)) and not given.strip():
            empty = "Give an answer first."
        if empty:  # an empty answer is not graded (and is no attempt)
            self.feedback.setStyleSheet("")
            self.feedback.setText(empty)
            return
        self.answered.emit(given)

    # -- results -------------------------------------------------------------------------
    def show_verdict(self, verdict: Verdict) -> None:
        self.feedback.setStyleSheet(f"color: {RIGHT if verdict.correct else WRONG}; font-weight: bold;")
        self.feedback.setText(verdict.message)
        question = self.question
        if verdict.correct:
            self._finished()
        else:
            if isinstance(question, GoalQuestion):
                return
            self._set_answerable(False)
            self.retry_button.setEnabled(True)
            if question is not None and question.hint:
                self.hint.show_text("Hint: " + question.hint)
                self.hint.show()

    def show_reveal(self, expected: str) -> None:
        self.feedback.setStyleSheet("color: #37474f; font-weight: bold;")
        self.feedback.setText(f"The answer: {expected}")
        self._finished(revealed=True)

    def show_solved(self, attempt: Attempt, message: str) -> None:
        """A page answered before (on a visit back): the answer that was right, no new attempt."""
        if isinstance(self.question, ChoiceQuestion):
            button = self.group.button(int(attempt.given)) if attempt.given.isdigit() else None
            if button is not None:
                button.setChecked(True)
        elif not isinstance(self.question, GoalQuestion):
            self.line.setText(attempt.given)
        self.feedback.setStyleSheet(f"color: {RIGHT}; font-weight: bold;")
        self.feedback.setText(message)
        self._finished()

    def _finished(self, revealed: bool = False) -> None:
        self._set_answerable(False)
        self.retry_button.setEnabled(revealed)
        self.reveal_button.setEnabled(False)
        self.hint.hide()
        if self.question is not None and self.question.explanation:
            self.explanation.show_text(self.question.explanation)
            self.explanation.show()

    def retry(self) -> None:
        """Clear the answer and the feedback for another attempt."""
        self.line.clear()
        checked = self.group.checkedButton()
        if checked is not None:
            self.group.setExclusive(False)
            checked.setChecked(False)
            self.group.setExclusive(True)
        self.feedback.clear()
        self.feedback.setStyleSheet("")
        self.hint.hide()
        self.explanation.hide()
        self._set_answerable(True)
        self.retry_button.setEnabled(False)
        self.reveal_button.setEnabled(not isinstance(self.question, GoalQuestion))
        if self.line.isVisible():
            self.line.setFocus()

    def _set_answerable(self, on: bool) -> None:
        self.line.setReadOnly(not on)
        self.choices.setEnabled(on)
        self.check_button.setEnabled(on)
