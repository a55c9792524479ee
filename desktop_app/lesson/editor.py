"""The lesson editor: the list of pages and the fields of the selected one.

Pages are added from the window's current view, duplicated, deleted and reordered; a
page's title, text (with a live, typeset preview), state and question are edited. Every
change is an undo command of the lesson controller; the editor follows the model
(``page_changed``) and never the other way round.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.lesson.grading import expected_text
from core.lesson.lesson_file import MAX_EPOCHS
from core.lesson.markdown import plain_text
from core.lesson.model import LOCKS, Lesson, Page
from core.lesson.quantities import END, START
from core.lesson.session import LessonSession
from core.stepthrough.notation import text as symbol_text

from ..plain_text import plain_label
from .question_editor import QuestionEditor, _set, same_question
from .text_view import LessonText

if TYPE_CHECKING:
    from .controller import LessonController

LOCK_LABELS = {"editing": "Lock editing the network", "training": "Lock training",
               "stepping": "Lock the step-through here"}


def describe_state(page: Page) -> str:
    """The page's state in words: "step ∇h₂ L · W₂,₁,₃ selected · shows steps, inspector"."""
    state, parts = page.state, []
    if state.step == START:
        parts.append("before the first step")
    elif state.step == END:
        parts.append("after the last step")
    elif state.step is not None:
        parts.append(f"step {symbol_text(state.step)}")
    if state.element is not None:
        parts.append(f"{state.element.text()} selected")
    if state.epochs is not None:
        parts.append(f"after {state.epochs} epochs")
    if state.panels is not None:
        parts.append("shows " + (", ".join(state.panels) or "no panel"))
    return " · ".join(parts) or "the window as the learner left it"


class LessonEditor(QWidget):
    def __init__(self, controller: LessonController) -> None:
        super().__init__()
        self.controller = controller
        self.lesson: Lesson | None = None
        self._loading = False
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("The lesson's title")
        self.title.textEdited.connect(lambda text: self.controller.edit_lesson("title", text))
        self.pages = QListWidget(self)
        self.pages.currentRowChanged.connect(self._row_changed)
        self.add_button = self._button("Add page from the view", self._add,
                                       "A new page showing what the window shows now: the step, the selection, "
                                       "the panels")
        self.duplicate_button = self._button("Duplicate", lambda: self.controller.duplicate_page(self.current))
        self.delete_button = self._button("Delete", lambda: self.controller.delete_page(self.current))
        self.up_button = self._button("Up", lambda: self.controller.move_page(self.current, self.current - 1),
                                      "Move the page up")
        self.down_button = self._button("Down", lambda: self.controller.move_page(self.current, self.current + 1),
                                        "Move the page down")
        self.undo_button = self._button("Undo", controller.stack.undo)
        self.redo_button = self._button("Redo", controller.stack.redo)
        controller.stack.canUndoChanged.connect(self.undo_button.setEnabled)
        controller.stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)

        self.page_title = QLineEdit(self)
        self.page_title.textEdited.connect(lambda _: self._edit("title"))
        self.state_label = plain_label(parent=self)
        self.state_label.setWordWrap(True)
        self.recapture_button = self._button("Use the current view", lambda: self.controller.recapture(self.current),
                                             "The page shows what the window shows now")
        self.locks = {name: QCheckBox(LOCK_LABELS[name], self) for name in LOCKS}
        for box in self.locks.values():
            box.toggled.connect(lambda _: self._edit("locks"))
        self.epochs = QSpinBox(self)
        self.epochs.setRange(0, MAX_EPOCHS)
        self.epochs.setSpecialValueText("no training: the lesson's own weights")
        self.epochs.setSuffix(" epochs")
        self.epochs.setToolTip("The page shows the lesson's network trained this many epochs with its setup")
        self.epochs.valueChanged.connect(lambda _: self._edit("training"))
        self.network_mode = QComboBox(self)
        self.network_mode.addItem("the lesson's network (restored on the page)", "lesson")
        self.network_mode.addItem("the learner's own network (for a goal)", "keep")
        self.network_mode.currentIndexChanged.connect(lambda _: self._edit("network"))
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText("The page's text: **bold**, *italic*, `code`, $a_k = b_k + W_k h_{k-1}$, "
                                     "- lists, # headings")
        self.text.textChanged.connect(lambda: self._edit("text"))
        self.preview = LessonText(self)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(200)
        self._preview_timer.timeout.connect(lambda: self.preview.show_text(self.text.toPlainText()))
        self.question = QuestionEditor(self)
        self.question.edited.connect(lambda _: self._edit("question"))
        self.question.describe = self._expected
        self.preview_button = self._button("Preview as student", controller.preview)
        self.save_button = self._button("Save lesson", controller.save)
        self._layout()
        controller.page_changed.connect(self.refresh)

    def _button(self, text: str, slot, tip: str = "") -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(lambda checked=False: slot())
        if tip:
            button.setToolTip(tip)
        return button

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for button in (self.duplicate_button, self.delete_button, self.up_button, self.down_button,
                       self.undo_button, self.redo_button):
            button.setMinimumWidth(10)
            buttons.addWidget(button)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.title)
        top_layout.addWidget(self.pages, 1)
        top_layout.addWidget(self.add_button)
        top_layout.addLayout(buttons)

        text_tab = QWidget(self)
        text_layout = QVBoxLayout(text_tab)
        text_layout.addWidget(self.page_title)
        text_split = QSplitter(Qt.Orientation.Vertical, self)
        text_split.addWidget(self.text)
        text_split.addWidget(self.preview)
        text_layout.addWidget(text_split, 1)
        question_tab = QScrollArea(self)
        question_tab.setWidget(self.question)
        question_tab.setWidgetResizable(True)
        state_tab = QWidget(self)
        state_form = QFormLayout(state_tab)
        state_form.addRow(self.state_label)
        state_form.addRow(self.recapture_button)
        for box in self.locks.values():
            state_form.addRow(box)
        state_form.addRow("Trained for", self.epochs)
        state_form.addRow("Network", self.network_mode)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(text_tab, "Text")
        self.tabs.addTab(question_tab, "Question")
        self.tabs.addTab(state_tab, "What it shows")
        self.fields = self.tabs
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 4)
        split.setSizes([150, 600])
        self.pages.setMinimumHeight(60)
        bottom = QHBoxLayout()
        bottom.addWidget(self.preview_button)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

    # -- model → view ------------------------------------------------------------------------
    @property
    def current(self) -> int:
        return self.pages.currentRow()

    def show_lesson(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.refresh(0 if lesson.pages else -1)

    def refresh(self, index: int = -1) -> None:
        """Follow the model after a command; ``index`` is the page to select (-1: keep)."""
        lesson = self.controller.lesson
        if lesson is None:
            return
        self.lesson = lesson
        self._loading = True
        try:
            _set(self.title, lesson.title)
            row = index if index >= 0 else self.current
            self.pages.clear()
            for number, page in enumerate(lesson.pages, start=1):
                mark = " ?" if page.question is not None else ""
                item = QListWidgetItem(f"{number}. {page.title}{mark}")  # an item's text is plain
                if page.question is not None:
                    item.setToolTip("? : this page asks a question")
                self.pages.addItem(item)
            row = min(max(row, 0), len(lesson.pages) - 1)
            self.pages.setCurrentRow(row)
        finally:
            self._loading = False
        self._show_page(row)

    def _row_changed(self, row: int) -> None:
        if not self._loading:
            self._show_page(row)
            self.controller.enter_page(row)  # the window shows what the page shows

    def _show_page(self, row: int) -> None:
        lesson = self.lesson
        has_page = lesson is not None and 0 <= row < len(lesson.pages)
        self.fields.setEnabled(has_page)
        for button in (self.duplicate_button, self.delete_button):
            button.setEnabled(has_page)
        self.up_button.setEnabled(has_page and row > 0)
        self.down_button.setEnabled(has_page and lesson is not None and row < len(lesson.pages) - 1)
        if not has_page:
            self.state_label.setText("No page yet: show something in the window, then Add page from the view.")
            return
        assert lesson is not None
        page = lesson.pages[row]
        self._loading = True
        try:
            _set(self.page_title, page.title)
            _set(self.text, page.text)
            self._preview_timer.start()
            self.state_label.setText(describe_state(page))
            for name, box in self.locks.items():
                box.setChecked(name in page.state.locked)
            self.network_mode.setCurrentIndex(0 if page.state.network == "lesson" else 1)
            self.epochs.setValue(page.state.epochs or 0)
            self.epochs.setEnabled("setup" in lesson.network_extras)
            if not same_question(self.question.question_or_none(), page.question):
                self.question.load(page.question, lesson.network)
            self.question.network = lesson.network
        finally:
            self._loading = False

    def _expected(self, question) -> str:
        """The right answer of ``question`` on the current page, computed by the engine."""
        lesson = self.lesson
        if lesson is None or not 0 <= self.current < len(lesson.pages):
            return ""
        session = LessonSession(lesson, self.controller.window.host.registry, remember=False)
        try:
            return plain_text(expected_text(question, session.trace_for(self.current)))
        except ValueError as exc:
            return str(exc)

    # -- view → model ------------------------------------------------------------------------
    def _add(self) -> None:
        self.controller.add_page_from_view()
        self.page_title.setFocus()
        self.page_title.selectAll()

    def _edit(self, what: str) -> None:
        """A field changed: push the page with that field changed (no command for a reload)."""
        lesson, row = self.lesson, self.current
        if self._loading or lesson is None or not 0 <= row < len(lesson.pages):
            return
        if what == "text":
            self._preview_timer.start()
        page = lesson.pages[row].duplicate()
        if what == "title":
            if not self.page_title.text().strip():
                return
            page.title = self.page_title.text()
        elif what == "text":
            page.text = self.text.toPlainText()
        elif what == "locks":
            page.state.locked = tuple(name for name, box in self.locks.items() if box.isChecked())
        elif what == "network":
            page.state.network = self.network_mode.currentData()
        elif what == "training":
            page.state.epochs = self.epochs.value() or None
        elif what == "question":
            page.question = self.question.question_or_none()
            if same_question(page.question, lesson.pages[row].question):
                return
        self.controller.edit_page(row, page, what)
