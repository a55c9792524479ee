"""The guided pane a learner follows: the page's text, its question, Back and Next, the summary.

It drives a Qt-free :class:`~core.lesson.session.LessonSession` (grading, remembered
progress); ``page_entered(index)`` asks the lesson controller to put the window into the
page's state (network, step, selection, panels, locks).
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.lesson.grading import GoalSnapshot, Verdict, grade
from core.lesson.questions import GoalQuestion, SignsQuestion
from core.lesson.session import LessonSession

from ..plain_text import plain_label, set_plain
from .question_box import QuestionBox
from .text_view import LessonText


class StudentPane(QWidget):
    """Follow a lesson page by page.

    Signals
    -------
    page_entered(int)
        The learner is on page ``index`` now: its state is to be applied.
    question_settled(int)
        The question of page ``index`` was answered right or revealed (what it asked may be shown now).
    preview_closed()
        The teacher pressed "Back to editing" in a preview.
    summary_requested()
        The learner asked for the summary (Finish, or Summary…).
    """

    page_entered = Signal(int)
    question_settled = Signal(int)
    preview_closed = Signal()
    summary_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: LessonSession | None = None
        self.goal_snapshot: Callable[[], GoalSnapshot | None] = lambda: None
        self.banner = QFrame(self)
        self.banner.setStyleSheet("background: #fff8e1; border: 1px solid #ffe082; border-radius: 4px;")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(QLabel("Preview: the lesson as a learner sees it (answers are not remembered)."), 1)
        self.back_to_editing = QPushButton("Back to editing", self.banner)
        self.back_to_editing.clicked.connect(self.preview_closed.emit)
        banner_layout.addWidget(self.back_to_editing)
        self.banner.hide()
        self.lesson_title = plain_label(parent=self)
        self.lesson_title.setStyleSheet("color: #546e7a;")
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress_label = plain_label(parent=self)
        self.progress_label.setStyleSheet("color: #546e7a;")
        self.page_title = plain_label(parent=self)
        self.page_title.setWordWrap(True)
        self.page_title.setStyleSheet("font-size: 15pt; font-weight: bold; margin-top: 4px;")
        self.text = LessonText(self, fit=True)
        self.question = QuestionBox(self)
        self.question.answered.connect(self._answered)
        self.question.reveal_requested.connect(self._reveal)
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 6, 0)
        body_layout.addWidget(self.page_title)
        body_layout.addWidget(self.text)
        body_layout.addWidget(self.question)
        body_layout.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.back_button = QPushButton("‹ Back", self)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Next ›", self)
        self.next_button.clicked.connect(self.next)
        self.summary_button = QPushButton("Summary…", self)
        self.summary_button.setToolTip("Your answers so far, to save and hand in")
        self.summary_button.clicked.connect(self.summary_requested.emit)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.summary_button)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.lesson_title)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(nav)

    # -- following -----------------------------------------------------------------------
    def follow(self, session: LessonSession, *, preview: bool = False) -> None:
        """Show ``session``'s lesson from the page the learner was on."""
        self.session = session
        self.banner.setVisible(preview)
        set_plain(self.lesson_title, session.lesson.title)
        self.show_page()

    @property
    def index(self) -> int:
        return self.session.index if self.session is not None else -1

    def back(self) -> None:
        if self.session is not None and self.session.index > 0:
            self.session.back()
            self.show_page()

    def next(self) -> None:
        if self.session is None:
            return
        if self.session.at_last:
            self.summary_requested.emit()
            return
        self.session.next()
        self.show_page()

    def go(self, index: int) -> None:
        if self.session is not None:
            self.session.go(index)
            self.show_page()

    def show_page(self) -> None:
        session = self.session
        if session is None or not len(session):
            set_plain(self.page_title, "This lesson has no pages yet.")
            self.text.show_text("")
            self.question.hide()
            for button in (self.back_button, self.next_button, self.summary_button):
                button.setEnabled(False)
            return
        page = session.page
        set_plain(self.page_title, page.title)
        self.text.show_text(page.text)
        self._update_progress()
        self.back_button.setEnabled(session.index > 0)
        self.next_button.setEnabled(True)
        self.summary_button.setEnabled(True)
        self.next_button.setText("Finish ✓" if session.at_last else "Next ›")
        self.page_entered.emit(session.index)  # the window follows before the question is asked
        question = page.question
        self.question.setVisible(question is not None)
        if question is not None:
            units = self._units(question)
            self.question.ask(question, units)
            attempts = session.progress.attempts.get(session.index, [])
            right = next((a for a in attempts if a.correct), None)
            if right is not None:
                self.question.show_solved(right, "You answered this one right: " + right.given
                                          if not isinstance(question, GoalQuestion) else "Goal reached.")
        self.scroll.verticalScrollBar().setValue(0)

    def _units(self, question) -> int:
        if not isinstance(question, SignsQuestion) or self.session is None:
            return 0
        trace = self.session.trace_for(self.session.index)
        return 0 if trace is None else int(trace.quantity(question.quantity).shape[-1])

    def _update_progress(self) -> None:
        session = self.session
        assert session is not None
        questions = session.lesson.questions()
        solved = sum(session.progress.solved(i) for i, _ in questions)
        self.progress.setRange(0, len(session))
        self.progress.setValue(session.index + 1)
        self.progress_label.setText(f"Page {session.index + 1} of {len(session)} · {solved} of {len(questions)} "
                                    "questions answered")

    # -- answering -------------------------------------------------------------------------
    def _answered(self, given: str) -> None:
        session = self.session
        if session is None or session.page.question is None:
            return
        if isinstance(session.page.question, GoalQuestion):  # a goal is remembered once reached, not before
            snapshot = self.goal_snapshot()
            if snapshot is not None:
                self.check_goal(snapshot)
            return
        try:
            verdict = session.answer(given)
        except ValueError as exc:  # the network cannot be traced (a missing plugin): say why
            verdict = Verdict(False, str(exc), "")
        self.question.show_verdict(verdict)
        self._update_progress()
        if verdict.correct:
            self.question_settled.emit(session.index)

    def check_goal(self, snapshot: GoalSnapshot) -> None:
        """Live goals: after every epoch, a goal page checks itself and records when it is reached."""
        session = self.session
        if session is None or not len(session) or not isinstance(session.page.question, GoalQuestion):
            return
        if session.solved():
            return
        if grade(session.page.question, "", snapshot=snapshot).correct:  # remembered once, when reached
            self.question.show_verdict(session.answer("", snapshot))
            self._update_progress()
        else:
            self.question.feedback.setStyleSheet("")
            self.question.feedback.setText(grade(session.page.question, "", snapshot=snapshot).message)

    def _reveal(self) -> None:
        if self.session is not None:
            self.question.show_reveal(self.session.reveal())
            self.question_settled.emit(self.session.index)
