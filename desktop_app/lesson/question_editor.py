"""Editing a page's question: its kind, prompt, answer, hint and explanation.

The fields are turned into the file's question object and read back through the lesson
file's own reader (core.lesson.questions), so the editor can never make a question the
file would refuse; a problem is shown next to the fields and nothing is changed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.engine.network import Network
from core.lesson.fields import LessonFormatError
from core.lesson.questions import (
    DEFAULT_TOLERANCE,
    GOAL_METRICS,
    ChoiceQuestion,
    GoalQuestion,
    NumberQuestion,
    Question,
    SignsQuestion,
    check_against,
    question_from_dict,
    question_to_dict,
)

from ..plain_text import plain_label

KINDS = (("", "No question"), ("number", "A number"), ("signs", "The signs of a vector"),
         ("choice", "Multiple choice"), ("goal", "A training goal"))


def _short_text(height: int = 54) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setFixedHeight(height)
    edit.setTabChangesFocus(True)
    return edit


class QuestionEditor(QWidget):
    """``edited(question or None)`` whenever the fields make a valid question (or none)."""

    edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self._loading = False
        self.kind = QComboBox(self)
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.prompt = _short_text()
        self.prompt.setPlaceholderText("The question, e.g. What is $\\partial L/\\partial h_{2,1}$?")
        self.hint = QLineEdit(self)
        self.hint.setPlaceholderText("shown after a wrong answer (optional)")
        self.explanation = _short_text()
        self.explanation.setPlaceholderText("shown once answered (optional)")
        self.answer = QLineEdit(self)
        self.answer.setPlaceholderText("an element the app computes, e.g. grad_h2[1] or W1[3,1], or a number")
        self.tolerance = QDoubleSpinBox(self)
        self.tolerance.setDecimals(5)
        self.tolerance.setRange(0.0, 1e6)
        self.tolerance.setValue(DEFAULT_TOLERANCE)
        self.quantity = QLineEdit(self)
        self.quantity.setPlaceholderText("a vector, e.g. grad_h2 or a1")
        self.options = _short_text(80)
        self.options.setPlaceholderText("one answer per line")
        self.right = QSpinBox(self)
        self.right.setRange(1, 12)
        self.goal_metric = QComboBox(self)
        self.goal_metric.addItems(list(GOAL_METRICS))
        self.target = QDoubleSpinBox(self)
        self.target.setDecimals(3)
        self.target.setRange(0.0, 1e6)
        self.target.setValue(0.9)
        self.dataset = QLineEdit(self)
        self.dataset.setPlaceholderText("any dataset (or e.g. spiral)")
        self.max_units = QSpinBox(self)
        self.max_units.setRange(0, 100000)
        self.max_units.setSpecialValueText("no limit")
        self.problem = plain_label(parent=self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.expected = plain_label(parent=self)  # the right answer, computed as the learner's is graded
        self.expected.setWordWrap(True)
        self.expected.setStyleSheet("color: #2e7d32;")
        self.describe: Callable[[Question], str] = lambda question: ""

        self.pages = QStackedWidget(self)
        self.pages.addWidget(QWidget())
        self.pages.addWidget(self._form(("Answer", self.answer), ("Tolerance ±", self.tolerance)))
        self.pages.addWidget(self._form(("Vector", self.quantity)))
        self.pages.addWidget(self._form(("Answers", self.options), ("Right answer", self.right)))
        self.pages.addWidget(self._form(("Reach", self.goal_metric), ("Target", self.target), ("Dataset", self.dataset),
                                        ("At most … hidden units", self.max_units)))
        self.common = self._form(("Question", self.prompt), ("Hint", self.hint), ("Explanation", self.explanation))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.common)
        layout.addWidget(self.pages)
        layout.addWidget(self.problem)
        layout.addWidget(self.expected)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for edit in (self.prompt, self.explanation, self.options):
            edit.textChanged.connect(self._changed)
        for line in (self.hint, self.answer, self.quantity, self.dataset):
            line.textEdited.connect(self._changed)
        for spin in (self.tolerance, self.right, self.target, self.max_units):
            spin.valueChanged.connect(self._changed)
        self.goal_metric.currentIndexChanged.connect(self._changed)
        self._kind_changed()

    @staticmethod
    def _form(*rows: tuple[str, QWidget]) -> QWidget:
        widget = QWidget()
        form = QFormLayout(widget)
        form.setContentsMargins(0, 0, 0, 0)
        for label, field in rows:
            form.addRow(label, field)
        return widget

    # -- model → fields --------------------------------------------------------------------
    def load(self, question: Question | None, network: Network) -> None:
        self.network = network
        self._loading = True
        try:
            kind = question.kind if question is not None else ""
            self.kind.setCurrentIndex(next(i for i, (k, _) in enumerate(KINDS) if k == kind))
            self.problem.clear()
            self.show_expected(question)
            if question is None:
                return
            _set(self.prompt, question.prompt)
            _set(self.hint, question.hint)
            _set(self.explanation, question.explanation)
            if isinstance(question, NumberQuestion):
                _set(self.answer, str(question.answer))
                self.tolerance.setValue(question.tolerance)
            elif isinstance(question, SignsQuestion):
                _set(self.quantity, question.quantity)
            elif isinstance(question, ChoiceQuestion):
                _set(self.options, "\n".join(question.options))
                self.right.setValue(question.answer)
            elif isinstance(question, GoalQuestion):
                self.goal_metric.setCurrentText(question.metric)
                self.target.setValue(question.target)
                _set(self.dataset, question.dataset or "")
                self.max_units.setValue(question.max_hidden_units or 0)
        finally:
            self._loading = False

    # -- fields → model --------------------------------------------------------------------
    def data(self) -> dict[str, Any] | None:
        """The question object the fields describe (None: no question)."""
        kind = self.kind.currentData()
        if not kind:
            return None
        data: dict[str, Any] = {"kind": kind, "prompt": self.prompt.toPlainText(), "hint": self.hint.text(),
                                "explanation": self.explanation.toPlainText()}
        if kind == "number":
            answer = self.answer.text().strip()
            try:
                data["answer"] = float(answer.replace("−", "-"))
            except ValueError:
                data["answer"] = answer
            data["tolerance"] = self.tolerance.value()
        elif kind == "signs":
            data["quantity"] = self.quantity.text().strip()
        elif kind == "choice":
            data["options"] = [line for line in self.options.toPlainText().splitlines() if line.strip()]
            data["answer"] = self.right.value()
        else:
            data.update(metric=self.goal_metric.currentText(), target=self.target.value(),
                        dataset=self.dataset.text().strip() or None,
                        max_hidden_units=self.max_units.value() or None)
        return data

    def question(self) -> Question | None:
        """The question of the fields, read as the file reads it (LessonFormatError if it would be refused)."""
        data = self.data()
        if data is None:
            return None
        question = question_from_dict(data, "the question")
        if self.network is not None:
            check_against(question, self.network, "the question")
        return question

    def question_or_none(self) -> Question | None:
        """:meth:`question`, or None when the fields do not make a valid question yet."""
        try:
            return self.question()
        except LessonFormatError:
            return None

    def _kind_changed(self) -> None:
        index = self.kind.currentIndex()
        self.pages.setCurrentIndex(index)
        for i in range(self.pages.count()):  # the stack as tall as the fields of this kind only
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.adjustSize()
        self.pages.setVisible(index > 0)
        self.common.setVisible(index > 0)
        self._changed()

    def _changed(self) -> None:
        if self._loading:
            return
        try:
            question = self.question()
        except LessonFormatError as exc:
            self.problem.setText(str(exc).removeprefix("the question: ").removeprefix("the question "))
            self.expected.clear()
            return
        self.problem.clear()
        self.show_expected(question)
        self.edited.emit(question)

    def show_expected(self, question: Question | None) -> None:
        answer = self.describe(question) if question is not None else ""
        self.expected.setText(f"The right answer: {answer}" if answer else "")


def _set(widget, text: str) -> None:
    """Set a field's text only when it differs (the cursor of the field being typed in stays)."""
    current = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    if current != text:
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(text)
        else:
            widget.setText(text)


def same_question(a: Question | None, b: Question | None) -> bool:
    if a is None or b is None:
        return a is b
    return question_to_dict(a) == question_to_dict(b)
